#!/usr/bin/env bash
# PostgreSQL for the tests, from Debian's packages, on this machine only (127.0.0.1).
#
#   scripts/postgres.sh start          install when missing, start the cluster, create the role
#                                      and database; prints the DATABASE_URL to use
#   scripts/postgres.sh test [ARGS]    start, then run the web test suite against PostgreSQL
#                                      (pytest-django creates and drops test_<database>)
#
# Idempotent: an installed package, a running cluster, an existing role or database are kept
# (the role gets LOGIN, CREATEDB and the password below again, so a rerun always connects).
# CHISO_PG_USER, CHISO_PG_PASSWORD, CHISO_PG_DATABASE, CHISO_PG_PORT override the defaults. The
# password is not a secret: the role exists for tests, on a cluster that only listens locally.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_USER=${CHISO_PG_USER:-chiso}
PG_PASSWORD=${CHISO_PG_PASSWORD:-chiso-test-only}
PG_DATABASE=${CHISO_PG_DATABASE:-chiso}
PG_PORT=${CHISO_PG_PORT:-5432}
DATABASE_URL="postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${PG_PORT}/${PG_DATABASE}"

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    as_root=(sudo)
fi

# Run a command as the cluster's superuser (peer authentication over the local socket).
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        sudo -u postgres "$@"
    fi
}

install() {
    if command -v pg_lsclusters >/dev/null 2>&1 && compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null \
        && command -v pg_dump >/dev/null 2>&1; then
        return
    fi
    echo "postgres.sh: apt-get install postgresql" >&2
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq update
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq install -y postgresql >/dev/null
}

start_cluster() {
    local version
    # Debian's postgresql package creates the "main" cluster; a minimal install may have none.
    if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
        version=$(basename "$(ls -d /usr/lib/postgresql/*/ | sort -V | tail -n 1)")
        "${as_root[@]}" pg_createcluster "$version" main --port "$PG_PORT" >/dev/null
    fi
    # pg_lsclusters -h: version, name, port, status, owner, data directory, log file.
    read -r version name port status _ < <(pg_lsclusters -h | awk -v p="$PG_PORT" '$3 == p' | head -n 1)
    if [ -z "${version:-}" ]; then
        echo "postgres.sh: no PostgreSQL cluster listens on port $PG_PORT (pg_lsclusters)." >&2
        exit 2
    fi
    if [ "$status" != "online" ]; then
        "${as_root[@]}" pg_ctlcluster "$version" "$name" start
    fi
    for _ in $(seq 1 60); do
        if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
            return
        fi
        sleep 0.5
    done
    echo "postgres.sh: the cluster $version/$name did not accept connections on port $PG_PORT." >&2
    exit 2
}

create_role_and_database() {
    as_postgres psql -X -q -p "$PG_PORT" -v ON_ERROR_STOP=1 \
        -v user="$PG_USER" -v password="$PG_PASSWORD" -v database="$PG_DATABASE" <<'SQL'
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') AS missing_role \gset
\if :missing_role
CREATE ROLE :"user" LOGIN CREATEDB PASSWORD :'password';
\else
ALTER ROLE :"user" LOGIN CREATEDB PASSWORD :'password';
\endif
SELECT NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') AS missing_database \gset
\if :missing_database
CREATE DATABASE :"database" OWNER :"user";
\endif
SQL
}

start() {
    install
    start_cluster
    create_role_and_database
}

case "${1:-start}" in
start)
    start
    echo "DATABASE_URL=$DATABASE_URL"
    ;;
test)
    shift
    start
    begun=$(date +%s)
    # --create-db: a test database left by an interrupted run is rebuilt, never reused.
    DATABASE_URL="$DATABASE_URL" .venv/bin/pytest -q --create-db tests/web "$@"
    echo "postgres.sh: tests/web on PostgreSQL in $(($(date +%s) - begun)) s"
    ;;
*)
    echo "usage: scripts/postgres.sh [start | test [pytest arguments]]" >&2
    exit 2
    ;;
esac
