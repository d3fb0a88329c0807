#!/usr/bin/env bash
# How BeckonClient's transport was chosen (Sources/BeckonClient/README.md): the clean debug build
# of a client on each swift-openapi transport, and the latency of sequential requests through
# each against one Beckon, in interleaved rounds.
#   Benchmarks/transport-choice/run.sh [ROUNDS] [REQUESTS]     (needs .build/debug/beckon)
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-3}
requests=${2:-2000}
for k in urlsession ahc; do
    rm -rf "$k/.build"
    (cd "$k" && swift package resolve >/dev/null 2>&1 && start=$(date +%s) && swift build -q && echo "$k: clean debug build $(( $(date +%s) - start )) s")
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
../../.build/debug/beckon serve --http-port "$port" --storage-sqlite-path "$dir/beckon.sqlite" > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server; rm -rf "$dir"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
for _ in $(seq "$rounds"); do
    for k in urlsession ahc; do "$k/.build/debug/probe" "http://127.0.0.1:$port/healthz" "$requests"; done
done
