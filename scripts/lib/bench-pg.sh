# ScopeGate benchmarks, part "pg": the token service on PostgreSQL (issue 9). Sourced by scripts/bench.
# Licensed under the Apache License, Version 2.0.
#
# One Tomcat of the part's own (DEMO_DIR=target/bench/pg/demo, PORT_OFFSET + 100) with DEMO_STORE=postgres: the
# demo starts a PostgreSQL cluster of its own under that directory (the installed server's initdb/pg_ctl) and
# token.war runs on it through jdbcUrl, at the low Argon2id cost (m=1024 t=1), as the core's growth phase.
#   pg_password_grant_overhead_ms=    p50 of the password grant at 1 connection minus the hash alone timed in the
#                                     same Tomcat right after, median of the rounds (as password_grant_overhead_ms)
#   pg_issue_latency_ratio_1m_vs_1k=  p50 of the client-credentials grant at 1 connection with 1,000,000 tokens in
#                                     oauth_token over the same with 1,000 (seeded with generate_series in SQL)
#   pg_introspection_cpu_ms=          CPU time of the Tomcat process and of every PostgreSQL process (the server and
#                                     its backends) per introspection, 4 connections, a fresh seeded token each time;
#                                     the median of 3 rounds

PG_PART_DIR=""

pg_bench_psql_bin() {
    local d
    for d in "${PG_BIN:-}" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
        if [ -n "$d" ] && [ -x "$d/psql" ]; then echo "$d/psql"; return 0; fi
    done
    command -v psql || die "pg: psql not found (install postgresql)"
}

pg_bench_psql() {
    # SQL on stdin, as the store's role over TCP (password in an owner-only pgpass file); extra psql options follow
    PGPASSFILE=$PG_PART_DIR/pgpass.$PGB_CURRENT "$(pg_bench_psql_bin)" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
        -U "$JDBC_USER" -d scopegate "$@"
}

pg_bench_checkpoint() {
    # after seeding: the dirty pages written now, not by the checkpointer during the measurement (as superuser,
    # over the demo cluster's own socket; the cluster runs as postgres when the bench runs as root)
    local psql
    psql=$(pg_bench_psql_bin)
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$psql" -X -q -h "$DEMO_DIR/postgres/run" -p "$PG_PORT" -U postgres -d postgres \
            -c CHECKPOINT
    else
        "$psql" -X -q -h "$DEMO_DIR/postgres/run" -p "$PG_PORT" -U postgres -d postgres -c CHECKPOINT
    fi
}

pg_bench_issue_round() {
    # $1 store size label, $2 round: the client-credentials grant at 1 connection on the current key manager
    run "pg client-credentials grant $1 c=1 round $2" 1 "$PG_GRANT_SECS" /token BENCH_METHOD=POST \
        BENCH_HEADERS="Authorization: Basic $CLIENT_BASIC" BENCH_BODY='grant_type=client_credentials'
    PG_ISSUE_ROUNDS[$1]+="${P50[pg client-credentials grant $1 c=1 round $2]} "
}

pg_bench_median() {
    printf '%s\n' $1 | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

pg_bench_start() {
    # $1 small|large, $2 port offset: a key manager with a PostgreSQL cluster of its own (DEMO_STORE=postgres)
    DEMO_DIR=$WORK/pg/$1 PORT_OFFSET=$2
    bench_on_exit "DEMO_DIR=$DEMO_DIR '$ROOT/scripts/demo' stop"
    start_tomcat "$LOW_P" postgres
    STORE=webapp
    PGB_DIR[$1]=$DEMO_DIR PGB_BASE[$1]=$BASE PGB_PID[$1]=$TOMCAT_PID PGB_BASIC[$1]=$CLIENT_BASIC
    PGB_PORT[$1]=$PG_PORT PGB_USER[$1]=$JDBC_USER PGB_DATA[$1]=$PG_DATA PGB_CLIENT[$1]=$CLIENT_ID
    PGB_IBASIC[$1]="Authorization: Basic $(printf '%s:%s' "$INTROSPECT_CLIENT_ID" "$INTROSPECT_CLIENT_SECRET" | base64 -w0)"
    (umask 077; printf '127.0.0.1:%s:scopegate:%s:%s\n' "$PG_PORT" "$JDBC_USER" "$JDBC_PASSWORD" >"$PG_PART_DIR/pgpass.$1")
    say "pg: $1 key manager on $BASE, PostgreSQL $(pg_bench_use "$1"; pg_bench_psql -tA <<<"SHOW server_version" | tr -d ' ') on 127.0.0.1:$PG_PORT"
}

pg_bench_use() {
    # $1 small|large: run, cpu_ticks and the pg_bench_* helpers act on that key manager and its cluster
    DEMO_DIR=${PGB_DIR[$1]} BASE=${PGB_BASE[$1]} TOMCAT_PID=${PGB_PID[$1]} CLIENT_BASIC=${PGB_BASIC[$1]}
    PG_PORT=${PGB_PORT[$1]} JDBC_USER=${PGB_USER[$1]} PG_DATA=${PGB_DATA[$1]} CLIENT_ID=${PGB_CLIENT[$1]}
    PGB_CURRENT=$1
}

pg_bench_stop() {
    pg_bench_use "$1"
    stop_tomcat
}

pg_bench_introspection() {
    # $1 size label, $2 token file prefix (rounds read <prefix>1..<prefix>N): CPU per introspection, Tomcat and
    # PostgreSQL, in $PG_CPU_ROUNDS rounds of fresh tokens; the figure is the median round (one round's figure moved
    # by several per cent from run to run on this VM) -> PG_CPU_TOMCAT/PG_CPU_PG/PG_CPU, PG_CPU_ROUNDS_OF
    local t0 t1 r name pg tomcat rounds=()
    for r in $(seq 1 "$PG_CPU_ROUNDS"); do
        name="pg introspection $1 round $r"
        t0=$(pg_bench_ticks)
        run "$name" "$CC" "$PG_SECONDS" /token/introspect BENCH_METHOD=POST \
            BENCH_HEADERS="${PGB_IBASIC[$PGB_CURRENT]}" BENCH_BODY='token=%TOKEN%' BENCH_TOKENS="$2$r"
        t1=$(pg_bench_ticks)
        pg=$(calc "($t1 - $t0) * 1000 / $CLK_TCK / (${REQ[$name]} > 0 ? ${REQ[$name]} : 1)" 4)
        tomcat=${CPU[$name]}
        rounds+=("$(calc "$tomcat + $pg" 4) $tomcat $pg")
    done
    # the round whose total is the median, with its own Tomcat and PostgreSQL shares
    read -r PG_CPU[$1] PG_CPU_TOMCAT[$1] PG_CPU_PG[$1] < <(printf '%s\n' "${rounds[@]}" | sort -g -k1,1 \
        | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}')
    PG_CPU_ROUNDS_OF[$1]=$(printf '%s\n' "${rounds[@]}" | awk '{printf "%s%s", (NR > 1 ? " " : ""), $1}')
    say "pg: introspection $1, Tomcat + PostgreSQL CPU per request by round: ${PG_CPU_ROUNDS_OF[$1]} -> ${PG_CPU[$1]} ms"
}

pg_bench_warm() {
    local r
    for r in 1 2; do
        run "" "$CC" "$DW" /token BENCH_METHOD=POST BENCH_HEADERS="Authorization: Basic $CLIENT_BASIC" \
            BENCH_BODY='grant_type=client_credentials'
        run "" "$CC" "$DW" /token/introspect BENCH_METHOD=POST BENCH_HEADERS="${PGB_IBASIC[$PGB_CURRENT]}" \
            BENCH_BODY='token=%TOKEN%' BENCH_TOKENS="$WORK/tokens/pgwarm"
    done
}
declare -A PGB_DIR PGB_BASE PGB_PID PGB_BASIC PGB_PORT PGB_USER PGB_DATA PGB_CLIENT PGB_IBASIC PG_CPU PG_CPU_PG
declare -A PG_CPU_TOMCAT PG_CPU_ROUNDS_OF
declare -A PG_ISSUE_ROUNDS PG_ISSUE
PGB_CURRENT=""


pg_bench_ticks() {
    # utime + stime of the postmaster and of its live children (the backends), plus the children it reaped
    local pm pid total=0 t
    pm=$(head -n1 "$PG_DATA/postmaster.pid" 2>/dev/null | tr -dc '0-9')
    [ -n "$pm" ] || { echo 0; return 0; }
    total=$(sed 's/^.*) //' "/proc/$pm/stat" | awk '{print $12 + $13 + $14 + $15}')
    for pid in $(ps -o pid= --ppid "$pm"); do
        t=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}') || continue
        total=$((total + ${t:-0}))
    done
    echo "$total"
}

pg_bench_seed() {
    # $1 first index, $2 last index, $3 "pool" to also write the token strings to $PG_PART_DIR/tokens.all
    # Tokens are "pgbench-<i>" (their digest is what the store keeps), for the demo user and application.
    local from=$1 to=$2 t0=$SECONDS
    pg_bench_psql <<EOF
INSERT INTO oauth_token (token_digest, token_kind, client_id, username, scope, grant_type, family_id, issued_at,
                         expires_at, revoked, used)
SELECT encode(sha256(convert_to('pgbench-' || g, 'UTF8')), 'hex'), 'A', '$CLIENT_ID', '$USERNAME', 'read update',
       'password', NULL, $PG_NOW, $((PG_NOW + 86400000)), FALSE, FALSE
FROM generate_series($from, $to) AS g;
VACUUM ANALYZE oauth_token;
EOF
    pg_bench_checkpoint >>"$LOG" 2>&1 || die "pg: CHECKPOINT failed (see $LOG)"
    [ "${3:-}" != pool ] || seq -f 'pgbench-%.0f' "$from" "$to" >>"$PG_PART_DIR/tokens.all"
    say "pg: seeded tokens $from..$to in $((SECONDS - t0)) s"
}

pg_bench_rows() {
    pg_bench_psql -tA <<<"SELECT COUNT(*) FROM oauth_token" | tr -d ' '
}

bench_pg() {
    local mode=$1
    # the part's own key managers and clusters (dynamic scope: the helpers see these)
    local DEMO_DIR=$WORK/pg/small PORT_OFFSET=$PORT_OFFSET base=$PORT_OFFSET
    PG_PART_DIR=$WORK/pg
    local pool rows_1k rows_1m="" ratio="" derby_ratio=n/a r
    if [ "$mode" = smoke ]; then
        pool=8000 PG_SECONDS=2 PG_GRANT_SECS=2 PG_ROUNDS=1 PG_CPU_ROUNDS=1
    else
        pool=320000 PG_SECONDS=4 PG_GRANT_SECS=3 PG_ROUNDS=3 PG_CPU_ROUNDS=3
    fi
    rm -rf "$PG_PART_DIR"
    mkdir -p "$PG_PART_DIR"
    PG_NOW=$(($(date +%s) * 1000))

    # ---- the small store: the password grant as the core's overhead line (low cost: the hash is about 1 ms)
    pg_bench_start small $((base + 100))
    pg_bench_use small
    password_runs pg 0 1024 1 1
    bench_contract pg_password_grant_overhead_ms "$(calc "${OVERHEAD[pg]}" 2)"
    bench_target "pg_password_grant_overhead_ms < 3 (as password_grant_overhead_ms, on PostgreSQL)" \
        "${OVERHEAD[pg]} >= 0 && ${OVERHEAD[pg]} < 3" "$(calc "${OVERHEAD[pg]}" 2) ms"

    # ---- 1,000 tokens plus the pool of introspected tokens; CPU per introspection
    pg_bench_seed 1 1000
    pg_bench_seed 1000001 $((1000000 + pool)) pool
    rows_1k=$(pg_bench_rows)
    # fresh tokens for every introspection run: a token introspected twice is a reuse the runs report
    split_tokens "$PG_PART_DIR/tokens.all" pgwarm:$((pool / 8)) \
        $(for r in $(seq 1 "$PG_CPU_ROUNDS"); do echo "pgi1k$r:$((pool * 3 / 8 / PG_CPU_ROUNDS))"; done) \
        $(for r in $(seq 1 "$PG_CPU_ROUNDS"); do echo "pgi1m$r:$((pool / 2 / PG_CPU_ROUNDS))"; done)
    pg_bench_warm
    pg_bench_introspection 1k "$WORK/tokens/pgi1k"
    bench_contract pg_introspection_cpu_ms "${PG_CPU[1k]}"
    bench_target "pg_introspection_cpu_ms < 0.2 (Tomcat + PostgreSQL CPU per introspection)" "${PG_CPU[1k]} < 0.2" \
        "${PG_CPU[1k]} ms (Tomcat ${PG_CPU_TOMCAT[1k]}, PostgreSQL ${PG_CPU_PG[1k]}; rounds ${PG_CPU_ROUNDS_OF[1k]})"

    if [ "$mode" = full ]; then
        # ---- the large store: a second key manager with a cluster of its own, 1,000,000 tokens plus the same
        # pool; then the issue latency on both in alternating rounds (A-B B-A), so that the machine's drift
        # favours neither size
        pg_bench_start large $((base + 200))
        pg_bench_use large
        pg_bench_seed 1 1000000
        pg_bench_seed 1000001 $((1000000 + pool))
        rows_1m=$(pg_bench_rows)
        pg_bench_warm
        pg_bench_use small
        pg_bench_warm
        for r in $(seq 1 "$PG_ROUNDS"); do
            if [ $((r % 2)) = 1 ]; then
                pg_bench_use small; pg_bench_issue_round 1k "$r"; pg_bench_use large; pg_bench_issue_round 1m "$r"
            else
                pg_bench_use large; pg_bench_issue_round 1m "$r"; pg_bench_use small; pg_bench_issue_round 1k "$r"
            fi
        done
        PG_ISSUE[1k]=$(pg_bench_median "${PG_ISSUE_ROUNDS[1k]}")
        PG_ISSUE[1m]=$(pg_bench_median "${PG_ISSUE_ROUNDS[1m]}")
        say "pg: client-credentials grant p50 per round: 1k ${PG_ISSUE_ROUNDS[1k]}-> ${PG_ISSUE[1k]} ms; 1m ${PG_ISSUE_ROUNDS[1m]}-> ${PG_ISSUE[1m]} ms"
        ratio=$(calc "${PG_ISSUE[1m]} / ${PG_ISSUE[1k]}" 3)
        bench_contract pg_issue_latency_ratio_1m_vs_1k "$ratio"
        bench_target "pg_issue_latency_ratio_1m_vs_1k < 1.3" "$ratio < 1.3" "$ratio"
        pg_bench_use large
        pg_bench_introspection 1m "$WORK/tokens/pgi1m"
        bench_row "pg: introspection with 1M tokens, CPU per request Tomcat + PostgreSQL (median round)" \
            "${PG_CPU[1m]} ms (Tomcat ${PG_CPU_TOMCAT[1m]}, PostgreSQL ${PG_CPU_PG[1m]}; rounds ${PG_CPU_ROUNDS_OF[1m]})"
        pg_bench_stop large
    else
        pg_bench_issue_round 1k 1
        PG_ISSUE[1k]=$(pg_bench_median "${PG_ISSUE_ROUNDS[1k]}")
        bench_contract pg_issue_latency_ratio_1m_vs_1k n/a
        bench_target "pg_issue_latency_ratio_1m_vs_1k < 1.3" "0" n/a
    fi
    pg_bench_stop small

    # ---- beside the Derby figures of the same run (the core phases), when they ran
    if [ -n "${P50[client-credentials grant 1m c=1]:-}" ] && [ -n "${P50[client-credentials grant 1k c=1]:-}" ]; then
        derby_ratio=$(calc "${P50[client-credentials grant 1m c=1]} / ${P50[client-credentials grant 1k c=1]}" 3)
    fi
    bench_row "password grant overhead, Derby / PostgreSQL (low hash cost, p50 minus the hash alone)" \
        "${OVERHEAD[low]:-n/a} / ${OVERHEAD[pg]} ms"
    bench_row "client-credentials grant p50 at 1 connection, small store, Derby / PostgreSQL" \
        "${P50[client-credentials grant 1k c=1]:-n/a} / ${PG_ISSUE[1k]} ms"
    bench_row "issue latency ratio 1M vs 1k, Derby / PostgreSQL" "$derby_ratio / ${ratio:-n/a}"
    bench_row "introspection, server CPU per request: Derby (Tomcat, embedded store) / PostgreSQL (Tomcat + PostgreSQL)" \
        "${CPU[introspection 1k]:-n/a} / ${PG_CPU[1k]} ms"
    bench_row "pg: rows in oauth_token, small / large store" "$rows_1k / ${rows_1m:-n/a}"
    bench_note "- Part \`pg\` runs key managers of the demo with \`DEMO_STORE=postgres\`: each starts a PostgreSQL cluster of"
    bench_note "  its own (the installed server, default settings but \`listen_addresses\`), token.war on it through"
    bench_note "  \`jdbcUrl\` (its own DBCP2 pool), Argon2id at m=1024 t=1. The overhead line is the core's method on the"
    bench_note "  first one. Stores are seeded in SQL (\`INSERT … SELECT … FROM generate_series\`, tokens \`pgbench-<n>\` stored"
    bench_note "  as their SHA-256, then \`VACUUM ANALYZE\` and \`CHECKPOINT\`): the small one with 1,000 tokens, the large one"
    bench_note "  (a second key manager and cluster) with 1,000,000, both plus the same pool of $pool for introspection. The"
    bench_note "  issue latency is the median p50 of $PG_ROUNDS rounds of ${PG_GRANT_SECS} s at 1 connection on each, alternating"
    bench_note "  A-B B-A after a warm-up of both. CPU per introspection adds the PostgreSQL server's and backends' utime+stime"
    bench_note "  (\`/proc/<pid>/stat\`, children reaped included) to Tomcat's, over each round's requests: $PG_CPU_ROUNDS rounds of"
    bench_note "  ${PG_SECONDS} s with fresh tokens, the figure is the median round's."
}
