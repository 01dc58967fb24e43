# ScopeGate demo: the token store on PostgreSQL (DEMO_STORE=postgres). Sourced by scripts/demo.
# Licensed under the Apache License, Version 2.0.
#
# Two ways:
#   - its own cluster (no DEMO_JDBC_URL): initdb + pg_ctl of the installed PostgreSQL server under
#     DEMO_DIR/postgres, listening on 127.0.0.1:PG_PORT (8254 + PORT_OFFSET, or DEMO_PG_PORT), run as the
#     invoking user, or as "postgres" (runuser) when run as root; a role "scopegate" with a random password
#     owning a database "scopegate". After seeding, the demo's secrets (admin secret, the valve's client
#     secret, the users' passwords, the applications' keys) are written into a demo-only table
#     scopegate_demo_seed of that database, so that a second key manager can join with the same ones.
#   - joining (DEMO_JDBC_URL, DEMO_JDBC_USER, DEMO_JDBC_PASSWORD): no cluster of its own; the secrets are
#     read back from scopegate_demo_seed, nothing is seeded (joining changes nothing).
# "scripts/demo stop" stops the cluster the demo started; "status" reports it.

# Run as root, the cluster belongs to "postgres", which must traverse every parent of its data directory.
# When it cannot reach DEMO_DIR (a home directory or a mktemp -d of mode 700), the cluster lives in a
# root-owned directory of mode 711 under PG_OUTSIDE_ROOT instead, and DEMO_DIR/postgres is a link to it.
PG_LINK=$DEMO_DIR/postgres
PG_OUTSIDE_ROOT=${DEMO_PG_OUTSIDE_DIR:-/var/tmp}
pg_set_paths() {
    if [ -L "$PG_LINK" ]; then PG_DIR=$(readlink -f "$PG_LINK"); else PG_DIR=$PG_LINK; fi
    PG_DATA=$PG_DIR/data
    PG_RUN=$PG_DIR/run
    PG_LOG=$PG_DIR/server.log
}
pg_set_paths
PG_SUPERUSER=postgres
PG_ROLE=scopegate
PG_DATABASE=scopegate
PG_SEED_TABLE=scopegate_demo_seed
PG_PORT=${DEMO_PG_PORT:-$((8254 + PORT_OFFSET))}
[[ "$PG_PORT" =~ ^[0-9]+$ ]] && [ "$PG_PORT" -le 65535 ] || die "DEMO_PG_PORT must be a port number, not '$PG_PORT'"
# The seed secrets a joining key manager takes from the first one (S_KEYSTORE_PASSWORD stays each demo's own).
PG_SHARED_SECRETS="S_ADMIN_SECRET S_VALVE_SECRET S_PASSWORD S_PASSWORD2 S_CLIENT_ID S_CLIENT_SECRET S_CLIENT2_ID S_CLIENT2_SECRET"

pg_joining() { [ -n "${DEMO_JDBC_URL:-}" ]; }

pg_bin() {
    # the directory of initdb, pg_ctl and psql: PG_BIN, the newest /usr/lib/postgresql/*/bin, or the PATH
    local d
    if [ -n "${PG_BIN:-}" ]; then
        [ -x "$PG_BIN/pg_ctl" ] || die "PG_BIN=$PG_BIN holds no pg_ctl"
        echo "$PG_BIN"; return 0
    fi
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    d=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
    die "DEMO_STORE=postgres needs the PostgreSQL server binaries (initdb, pg_ctl, psql): install the package 'postgresql' (Debian/Ubuntu: apt-get install postgresql), or set PG_BIN"
}

pg_psql_bin() {
    local b
    if pg_joining; then
        for b in "${PG_BIN:-}" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
            if [ -n "$b" ] && [ -x "$b/psql" ]; then echo "$b/psql"; return 0; fi
        done
        command -v psql >/dev/null 2>&1 || die "joining a PostgreSQL store needs psql (Debian: apt-get install postgresql-client)"
        command -v psql
    else
        echo "$(pg_bin)/psql"
    fi
}

pg_as_owner() {
    # runs a PostgreSQL server command as the owner of the cluster: the invoking user, or postgres for root
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root, the cluster runs as user 'postgres', which does not exist (install the package 'postgresql')"
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_cluster_pid() {
    # prints the postmaster's pid and succeeds when the demo's cluster runs
    [ -s "$PG_DATA/postmaster.pid" ] || return 1
    local pid
    pid=$(head -n1 "$PG_DATA/postmaster.pid" | tr -dc '0-9')
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

pg_superuser_sql() {
    # SQL on stdin, as the cluster's superuser over its own socket (owner-only directory)
    pg_as_owner "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_RUN" -p "$PG_PORT" -U "$PG_SUPERUSER" -d "$1" "${@:2}"
}

pg_make_dir() {
    # a new, empty cluster directory (PG_DIR), owned by the user the cluster runs as
    if [ -L "$PG_LINK" ]; then rm -rf "$(readlink -f "$PG_LINK")"; fi
    rm -rf "$PG_LINK"
    if [ "$(id -u)" != 0 ]; then
        mkdir -p "$PG_LINK"
    elif runuser -u postgres -- test -x "$DEMO_DIR"; then
        mkdir -p "$PG_LINK"
        chown postgres "$PG_LINK"
    else
        pg_sweep_outside
        local outside
        outside=$(mktemp -d "$PG_OUTSIDE_ROOT/scopegate-demo-pg.XXXXXX") \
            || die "user 'postgres' cannot reach $DEMO_DIR, and no directory could be made under $PG_OUTSIDE_ROOT for the cluster (set DEMO_DIR to a directory every user may traverse, or DEMO_PG_OUTSIDE_DIR)"
        chmod 711 "$outside"
        printf '%s\n' "$DEMO_DIR" >"$outside/demo-dir"
        mkdir "$outside/postgres"
        chown postgres "$outside/postgres"
        ln -s "$outside/postgres" "$PG_LINK"
        say "user 'postgres' cannot reach $DEMO_DIR: the cluster lives in $outside/postgres (linked from $PG_LINK)"
    fi
    pg_set_paths
}

pg_sweep_outside() {
    # clusters placed outside by demos whose directory is gone (deleted without "scripts/demo stop" first)
    local d owner pid
    for d in "$PG_OUTSIDE_ROOT"/scopegate-demo-pg.*; do
        [ -f "$d/demo-dir" ] || continue
        owner=$(head -n1 "$d/demo-dir")
        [ "$(readlink -f "$owner/postgres" 2>/dev/null)" = "$d/postgres" ] && continue
        pid=$(head -n1 "$d/postgres/data/postmaster.pid" 2>/dev/null | tr -dc '0-9' || true)
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; sleep 1; fi
        rm -rf "$d"
    done
}

pg_start_cluster() {
    local bin
    bin=$(pg_bin)
    if [ ! -s "$PG_DATA/PG_VERSION" ]; then
        pg_make_dir
        say "creating a PostgreSQL cluster in $PG_DATA ($($bin/pg_ctl --version | sed 's/^pg_ctl //'))"
        pg_as_owner mkdir -m 700 "$PG_RUN"
        # TCP clients log in with a password (SCRAM); the superuser has no password and only the
        # socket in the owner-only directory run/.
        pg_as_owner "$bin/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" --auth-local=trust --auth-host=scram-sha-256 \
            -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 \
            || { tail -n 20 "$PG_DIR/initdb.log" >&2; die "initdb failed (log: $PG_DIR/initdb.log)"; }
    fi
    if pg_cluster_pid >/dev/null; then
        say "PostgreSQL already running (pid $(pg_cluster_pid), port $PG_PORT)"
    else
        if (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then
            die "port $PG_PORT on 127.0.0.1 is already in use (set PORT_OFFSET or DEMO_PG_PORT)"
        fi
        say "starting PostgreSQL on 127.0.0.1:$PG_PORT (data $PG_DATA)"
        pg_as_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_RUN -c unix_socket_permissions=0700" start \
            >/dev/null || { tail -n 20 "$PG_LOG" >&2; die "PostgreSQL did not start (log: $PG_LOG)"; }
    fi
    # the role and the database, once; the role's password is this demo's (state.env)
    if ! pg_superuser_sql postgres -tA <<<"SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'" | grep -q 1; then
        say "creating the role '$PG_ROLE' and the database '$PG_DATABASE'"
        pg_superuser_sql postgres <<EOF
CREATE ROLE $PG_ROLE LOGIN PASSWORD '$S_PG_PASSWORD';
CREATE DATABASE $PG_DATABASE OWNER $PG_ROLE ENCODING 'UTF8';
EOF
    fi
    JDBC_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/$PG_DATABASE
    JDBC_USER=$PG_ROLE
    JDBC_PASSWORD=$S_PG_PASSWORD
}

pg_stop_cluster() {
    # the cluster under DEMO_DIR, if this demo made one (a joining key manager has none)
    local pid
    if ! pid=$(pg_cluster_pid); then
        [ -d "$PG_DATA" ] && say "PostgreSQL not running"
        return 0
    fi
    say "stopping PostgreSQL (pid $pid)"
    pg_as_owner "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 \
        || { kill -TERM "$pid" 2>/dev/null || true; }
}

pg_status() {
    local pid
    [ -d "$PG_DATA" ] || return 0
    if pid=$(pg_cluster_pid); then
        echo "demo: PostgreSQL running (pid $pid, 127.0.0.1:$(sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null || echo "$PG_PORT"), data $PG_DATA)"
    else
        echo "demo: PostgreSQL not running (data $PG_DATA)"
    fi
}

pg_client_sql() {
    # SQL on stdin as the store's role over TCP, with the password in a temporary owner-only pgpass file (never on a
    # command line); extra psql options follow
    local url=${JDBC_URL#jdbc:} pass rc=0 hostport host port db
    url=${url%%\?*}
    hostport=${url#postgresql://}
    hostport=${hostport%%/*}
    db=${url#postgresql://*/}
    host=${hostport%:*}
    port=${hostport##*:}
    [ "$port" != "$hostport" ] || port=5432
    pass=$(mktemp)
    chmod 600 "$pass"
    printf '%s:%s:%s:%s:%s\n' "$host" "$port" "$db" "$JDBC_USER" "${JDBC_PASSWORD//:/\\:}" >"$pass"
    PGPASSFILE=$pass PGCONNECT_TIMEOUT=10 "$(pg_psql_bin)" -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" \
        -U "$JDBC_USER" -d "$db" "$@" || rc=$?
    rm -f "$pass"
    return "$rc"
}

pg_save_seed() {
    # the demo's seed secrets, for key managers that join this store (a demo-only table, not the product's schema)
    local k
    {
        echo "CREATE TABLE IF NOT EXISTS $PG_SEED_TABLE (name VARCHAR(64) PRIMARY KEY, value VARCHAR(512) NOT NULL);"
        echo "COMMENT ON TABLE $PG_SEED_TABLE IS 'scripts/demo only: the demo''s seed secrets, read by a key manager that joins (DEMO_JDBC_URL). Never in production.';"
        for k in $PG_SHARED_SECRETS; do
            echo "INSERT INTO $PG_SEED_TABLE (name, value) VALUES ('$k', '${!k}') ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value;"
        done
    } | pg_client_sql || die "could not write the demo's seed into $PG_SEED_TABLE"
}

pg_join_seed() {
    # takes the first key manager's secrets from the store it seeded
    JDBC_URL=$DEMO_JDBC_URL
    JDBC_USER=${DEMO_JDBC_USER:-}
    JDBC_PASSWORD=${DEMO_JDBC_PASSWORD:-}
    [[ "$JDBC_URL" =~ ^jdbc:postgresql://[^/?[:space:]]+/[A-Za-z0-9_]+(\?[^[:space:]\"\'\<\>]*)?$ ]] \
        || die "DEMO_JDBC_URL must look like jdbc:postgresql://127.0.0.1:8254/scopegate, not '$JDBC_URL'"
    [ -n "$JDBC_USER" ] && [ -n "$JDBC_PASSWORD" ] || die "joining needs DEMO_JDBC_USER and DEMO_JDBC_PASSWORD (JDBC_USER and JDBC_PASSWORD of the first demo's demo.env)"
    local rows name value n=0
    rows=$(pg_client_sql -tA -F ' ' <<<"SELECT name, value FROM $PG_SEED_TABLE ORDER BY name" 2>&1) \
        || die "cannot read the demo's seed from $JDBC_URL as $JDBC_USER: $rows (start the first key manager with DEMO_STORE=postgres first)"
    while read -r name value; do
        case " $PG_SHARED_SECRETS " in *" $name "*) printf -v "$name" '%s' "$value"; n=$((n + 1)) ;; esac
    done <<<"$rows"
    [ "$n" -gt 0 ] || die "the store at $JDBC_URL holds no demo seed: start the first key manager with DEMO_STORE=postgres first"
    say "joining the store at ${JDBC_URL%%\?*}: users, applications and secrets of the first key manager ($n values)"
}

pg_token_parameters() {
    # the context parameters of token.xml; the password goes in a file of CATALINA_BASE/conf (mode 600)
    (umask 077; printf '%s\n' "$JDBC_PASSWORD" >"$CATALINA_BASE/conf/token-db.password")
    echo "    <Parameter name=\"jdbcUrl\" value=\"${JDBC_URL//&/&amp;}\" override=\"false\"/>"
    echo "    <Parameter name=\"jdbcUser\" value=\"$JDBC_USER\" override=\"false\"/>"
    echo "    <Parameter name=\"jdbcPasswordFile\" value=\"\${catalina.base}/conf/token-db.password\" override=\"false\"/>"
}
