# Throwaway PostgreSQL cluster for tests and benchmarks. Source this file, then:
#   start_throwaway_postgres   # sets BECKON_TEST_POSTGRES_URL, registers cleanup on exit
#   stop_throwaway_postgres
#   pause_throwaway_postgres / resume_throwaway_postgres   # an outage: stop the server, keep its data
# Installs Debian's postgresql when it is missing and we run as root. The cluster lives in a
# temporary folder, listens on a free port on 127.0.0.1 only, and is removed when stopped.

pg_bin_dir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

ensure_postgres_installed() {
    if [ -n "$(pg_bin_dir)" ]; then return 0; fi
    if [ "$(id -u)" = "0" ]; then
        echo "== installing Debian's postgresql (missing)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    [ -n "$(pg_bin_dir)" ] || { echo "PostgreSQL server binaries not found; install Debian's postgresql" >&2; return 1; }
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Runs a PostgreSQL tool as an unprivileged user: initdb and postgres refuse to run as root.
as_pg_user() {
    if [ "$(id -u)" = "0" ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start_throwaway_postgres() {
    ensure_postgres_installed || return 1
    local bin port
    bin=$(pg_bin_dir)
    PG_TMP=$(mktemp -d /tmp/beckon-pg.XXXXXX)
    if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$PG_TMP"; fi
    port=$(free_port)
    as_pg_user "$bin/initdb" -D "$PG_TMP/data" -U beckon -A trust -E UTF8 --no-locale >"$PG_TMP/initdb.log" 2>&1 \
        || { cat "$PG_TMP/initdb.log" >&2; return 1; }
    # Tests turn durability off (the cluster holds nothing worth keeping); benchmarks set
    # PG_DURABLE=1 to measure real, fsync'd commits.
    local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [ "${PG_DURABLE:-0}" = "1" ]; then durability=""; fi
    PG_OPTS="-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 $durability -c max_connections=600"
    PG_BIN="$bin"
    export PG_TMP PG_BIN PG_OPTS
    resume_throwaway_postgres || return 1
    export BECKON_TEST_POSTGRES_URL="postgres://beckon@127.0.0.1:$port/postgres"
    trap stop_throwaway_postgres EXIT
    echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (throwaway, $PG_TMP)"
}

# Stops the server (fast shutdown: clients are disconnected) and keeps the cluster.
pause_throwaway_postgres() {
    as_pg_user "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w -t 60 stop >/dev/null
}

resume_throwaway_postgres() {
    as_pg_user "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 -o "$PG_OPTS" start >/dev/null \
        || { cat "$PG_TMP/server.log" >&2; return 1; }
}

stop_throwaway_postgres() {
    if [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP/data" ]; then
        as_pg_user "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$PG_TMP"
    fi
    PG_TMP=""
}
