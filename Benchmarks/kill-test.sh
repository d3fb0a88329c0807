#!/usr/bin/env bash
# Durability under SIGKILL: appends to the journal from 64 concurrent appenders, each recording
# an event's id in an ack file only after `append` returned; kills the process with SIGKILL at a
# random moment, restarts it on the same database, kills it again, and finally checks that every
# acknowledged event is stored. Exits non-zero if any acknowledged event is missing.
#   Benchmarks/kill-test.sh [rounds]            (SQLite)
#   BACKEND=postgres Benchmarks/kill-test.sh    (throwaway PostgreSQL with fsync on)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
swift build -c release --product journal-bench >/tmp/journal-bench-build.log 2>&1 || { cat /tmp/journal-bench-build.log; exit 1; }
bench=$(swift build -c release --show-bin-path)/journal-bench
work=$(mktemp -d /tmp/beckon-kill.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ "${BACKEND:-sqlite}" = "postgres" ]; then
    source scripts/lib/postgres.sh
    PG_DURABLE=1 start_throwaway_postgres
    trap 'stop_throwaway_postgres; rm -rf "$work"' EXIT
    target=(--postgres "$BECKON_TEST_POSTGRES_URL")
else
    target=(--sqlite "$work/journal.sqlite")
fi
for round in $(seq 1 "$rounds"); do
    "$bench" load "${target[@]}" --ack-file "$work/acks.txt" >/dev/null &
    pid=$!
    sleep "$(python3 -c 'import random; print(round(random.uniform(2.0, 4.0), 2))')"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    echo "round $round: killed with SIGKILL after $(wc -l <"$work/acks.txt") acknowledged events so far"
done
"$bench" verify "${target[@]}" --ack-file "$work/acks.txt"
