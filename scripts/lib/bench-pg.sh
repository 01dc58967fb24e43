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
#                                     its backends) per introspection, 4 connections, a fresh seeded token each time

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
    PGPASSFILE=$PG_PART_DIR/pgpass "$(pg_bench_psql_bin)" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
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

pg_bench_issue() {
    # $1 store size label: the client-credentials grant at 1 connection, $PG_ROUNDS rounds; PG_ISSUE[$1] = median p50
    local size=$1 r p50s=()
    for r in $(seq 1 "$PG_ROUNDS"); do
        run "pg client-credentials grant $size c=1 round $r" 1 "$PG_GRANT_SECS" /token BENCH_METHOD=POST \
            BENCH_HEADERS="Authorization: Basic $CLIENT_BASIC" BENCH_BODY='grant_type=client_credentials'
        p50s+=("${P50[pg client-credentials grant $size c=1 round $r]}")
    done
    PG_ISSUE[$size]=$(printf '%s\n' "${p50s[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
    say "pg: client-credentials grant $size, p50 per round: ${p50s[*]} ms -> ${PG_ISSUE[$size]} ms"
}
declare -A PG_ISSUE

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
    # the part's own Tomcat and PostgreSQL (dynamic scope: the helpers see these)
    local DEMO_DIR=$WORK/pg/demo PORT_OFFSET=$((PORT_OFFSET + 100))
    PG_PART_DIR=$WORK/pg
    local basic ibasic r pool seconds ticks0 ticks1 rows_1k rows_1m="" ratio="" derby_ratio=n/a
    if [ "$mode" = smoke ]; then
        pool=8000 seconds=2 PG_GRANT_SECS=2 PG_ROUNDS=1
    else
        pool=80000 seconds=4 PG_GRANT_SECS=3 PG_ROUNDS=3
    fi
    rm -rf "$PG_PART_DIR"
    mkdir -p "$PG_PART_DIR"
    bench_on_exit "DEMO_DIR=$DEMO_DIR '$ROOT/scripts/demo' stop"

    start_tomcat "$LOW_P" postgres
    STORE=webapp
    basic="Authorization: Basic $CLIENT_BASIC"
    ibasic="Authorization: Basic $(printf '%s:%s' "$INTROSPECT_CLIENT_ID" "$INTROSPECT_CLIENT_SECRET" | base64 -w0)"
    (umask 077; printf '127.0.0.1:%s:scopegate:%s:%s\n' "$PG_PORT" "$JDBC_USER" "$JDBC_PASSWORD" >"$PG_PART_DIR/pgpass")
    PG_NOW=$(($(date +%s) * 1000))
    say "pg: Tomcat on $BASE, PostgreSQL $(pg_bench_psql -tA <<<"SHOW server_version" | tr -d ' ') on 127.0.0.1:$PG_PORT"

    # ---- the password grant, as the core's overhead line (low cost: the hash is about a millisecond)
    password_runs pg 0 1024 1 1
    bench_contract pg_password_grant_overhead_ms "$(calc "${OVERHEAD[pg]}" 2)"
    bench_target "pg_password_grant_overhead_ms < 3 (as password_grant_overhead_ms, on PostgreSQL)" \
        "${OVERHEAD[pg]} >= 0 && ${OVERHEAD[pg]} < 3" "$(calc "${OVERHEAD[pg]}" 2) ms"

    # ---- 1,000 tokens (plus the pool of introspected tokens)
    pg_bench_seed 1 1000
    pg_bench_seed 1000001 $((1000000 + pool)) pool
    rows_1k=$(pg_bench_rows)
    split_tokens "$PG_PART_DIR/tokens.all" pgwarm:$((pool / 8)) pgi1k:$((pool * 3 / 8)) pgi1m:$((pool / 2))
    # (fresh tokens for every introspection run: a token introspected twice is a reuse the runs report)
    for r in 1 2; do
        run "" "$CC" "$DW" /token BENCH_METHOD=POST BENCH_HEADERS="$basic" BENCH_BODY='grant_type=client_credentials'
        run "" "$CC" "$DW" /token/introspect BENCH_METHOD=POST BENCH_HEADERS="$ibasic" BENCH_BODY='token=%TOKEN%' \
            BENCH_TOKENS="$WORK/tokens/pgwarm"
    done
    pg_bench_issue 1k
    ticks0=$(pg_bench_ticks)
    run "pg introspection 1k" "$CC" "$seconds" /token/introspect BENCH_METHOD=POST BENCH_HEADERS="$ibasic" \
        BENCH_BODY='token=%TOKEN%' BENCH_TOKENS="$WORK/tokens/pgi1k"
    ticks1=$(pg_bench_ticks)
    local pg_cpu_1k total_1k
    pg_cpu_1k=$(calc "($ticks1 - $ticks0) * 1000 / $CLK_TCK / (${REQ[pg introspection 1k]} > 0 ? ${REQ[pg introspection 1k]} : 1)" 4)
    total_1k=$(calc "${CPU[pg introspection 1k]} + $pg_cpu_1k" 4)
    bench_contract pg_introspection_cpu_ms "$total_1k"
    bench_target "pg_introspection_cpu_ms < 0.2 (Tomcat + PostgreSQL CPU per introspection)" "$total_1k < 0.2" \
        "$total_1k ms (Tomcat ${CPU[pg introspection 1k]}, PostgreSQL $pg_cpu_1k)"

    if [ "$mode" = full ]; then
        # ---- 1,000,000 tokens: the same Tomcat, the store grown by SQL, warmed up again
        pg_bench_seed 1001 1000000
        rows_1m=$(pg_bench_rows)
        run "" "$CC" "$DW" /token BENCH_METHOD=POST BENCH_HEADERS="$basic" BENCH_BODY='grant_type=client_credentials'
        pg_bench_issue 1m
        ticks0=$(pg_bench_ticks)
        run "pg introspection 1m" "$CC" "$seconds" /token/introspect BENCH_METHOD=POST BENCH_HEADERS="$ibasic" \
            BENCH_BODY='token=%TOKEN%' BENCH_TOKENS="$WORK/tokens/pgi1m"
        ticks1=$(pg_bench_ticks)
        local pg_cpu_1m
        ratio=$(calc "${PG_ISSUE[1m]} / ${PG_ISSUE[1k]}" 3)
        pg_cpu_1m=$(calc "($ticks1 - $ticks0) * 1000 / $CLK_TCK / (${REQ[pg introspection 1m]} > 0 ? ${REQ[pg introspection 1m]} : 1)" 4)
        bench_contract pg_issue_latency_ratio_1m_vs_1k "$ratio"
        bench_target "pg_issue_latency_ratio_1m_vs_1k < 1.3" "$ratio < 1.3" "$ratio"
        bench_row "pg: introspection with 1M tokens, CPU per request Tomcat + PostgreSQL" \
            "$(calc "${CPU[pg introspection 1m]} + $pg_cpu_1m" 4) ms (Tomcat ${CPU[pg introspection 1m]}, PostgreSQL $pg_cpu_1m)"
    else
        bench_contract pg_issue_latency_ratio_1m_vs_1k n/a
        bench_target "pg_issue_latency_ratio_1m_vs_1k < 1.3" "0" n/a
    fi
    stop_tomcat
    DEMO_DIR=$DEMO_DIR "$ROOT/scripts/demo" stop >>"$LOG" 2>&1 || true

    # ---- beside the Derby figures of the same run (the core phases), when they ran
    if [ -n "${P50[client-credentials grant 1m c=1]:-}" ] && [ -n "${P50[client-credentials grant 1k c=1]:-}" ]; then
        derby_ratio=$(calc "${P50[client-credentials grant 1m c=1]} / ${P50[client-credentials grant 1k c=1]}" 3)
    fi
    bench_row "password grant overhead, Derby / PostgreSQL (low hash cost, p50 minus the hash alone)" \
        "${OVERHEAD[low]:-n/a} / ${OVERHEAD[pg]} ms"
    bench_row "client-credentials grant p50 at 1 connection, 1k tokens, Derby / PostgreSQL" \
        "${P50[client-credentials grant 1k c=1]:-n/a} / ${PG_ISSUE[1k]} ms"
    bench_row "issue latency ratio 1M vs 1k, Derby / PostgreSQL" \
        "$derby_ratio / ${ratio:-n/a}"
    bench_row "introspection, server CPU per request: Derby (Tomcat, embedded store) / PostgreSQL (Tomcat + PostgreSQL)" \
        "${CPU[introspection 1k]:-n/a} / $total_1k ms"
    bench_row "pg: rows in oauth_token, small / large store" "$rows_1k / ${rows_1m:-n/a}"
    bench_note "- Part \`pg\` runs the demo's Tomcat with \`DEMO_STORE=postgres\`: a PostgreSQL cluster of its own (the installed"
    bench_note "  server, default settings but \`listen_addresses\`), token.war on it through \`jdbcUrl\` (its own DBCP2 pool),"
    bench_note "  Argon2id at m=1024 t=1. The overhead line is the core's method on that Tomcat. The store is seeded in SQL"
    bench_note "  (\`INSERT … SELECT … FROM generate_series\`, tokens \`pgbench-<n>\` stored as their SHA-256, then \`VACUUM"
    bench_note "  ANALYZE\`, \`CHECKPOINT\`): 1,000 tokens plus a pool of $pool for introspection, then 999,000 more while Tomcat"
    bench_note "  runs; each latency figure follows a warm-up of the same request; the issue latency is the median p50 of"
    bench_note "  $PG_ROUNDS rounds of ${PG_GRANT_SECS} s at 1 connection. CPU per introspection adds the PostgreSQL server's and"
    bench_note "  backends' utime+stime (\`/proc/<pid>/stat\`, children reaped included) to Tomcat's, over the run's requests."
}
