#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster: `scripts/with_postgres.sh CMD...`.
#
# initdb + pg_ctl on a Unix socket in a temp folder (no TCP port), as the `postgres` user when
# run as root; the cluster is stopped and its folder removed when CMD ends (trap), and CMD gets
# its URL in METALWATCH_TEST_PG. If the server binaries are missing, the Debian `postgresql`
# package is installed (this project's machines are Debian, as root). A METALWATCH_TEST_PG
# already set is used as it is, and no cluster is started.
set -euo pipefail

if [ -n "${METALWATCH_TEST_PG:-}" ]; then
    exec "$@"
fi

find_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v initdb)"; return 0
    fi
    return 1
}

if ! BIN=$(find_bin); then
    echo "with_postgres: PostgreSQL server binaries missing; installing the postgresql package" >&2
    if [ "$(id -u)" -ne 0 ]; then
        echo "with_postgres: need root to install postgresql (apt-get install -y postgresql)" >&2
        exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
    BIN=$(find_bin)
fi

DIR=$(mktemp -d /tmp/metalwatch-pg.XXXXXX)
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$DIR"
    as_owner() { runuser -u postgres -- "$@"; }
    USER_=postgres
else
    as_owner() { "$@"; }
    USER_=$(id -un)
fi

stop() {
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap stop EXIT INT TERM

as_owner "$BIN/initdb" -D "$DIR/data" -U "$USER_" -A trust -E UTF8 --locale=C.UTF-8 \
    >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }
# a Unix socket in the temp folder only: no TCP port to collide with another run
as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$DIR' -c fsync=off -c max_connections=60" \
    start >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }

export METALWATCH_TEST_PG="postgresql:///postgres?host=$DIR&user=$USER_"
echo "with_postgres: $METALWATCH_TEST_PG" >&2
set +e
"$@"
rc=$?
exit $rc
