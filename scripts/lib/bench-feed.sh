# shellcheck shell=bash
# scripts/bench part "feed": the pushed revocation feed (issue 11) and a key manager lost under load (issue 9).
# Licensed under the Apache License, Version 2.0.
#
# Tomcats of its own, PORT_OFFSET + 300 .. + 700, under $WORK/feed/:
#   1. a key manager (Derby) and a gateway on another Tomcat that knows it: N rounds of revoke-then-use through
#      bench/FeedBench (refresh grant, two uses at the gateway, the revocation at the key manager, uses at the
#      gateway until refused) -> revocation_visible_p99_ms=, revoke_call_p50_ms=; then N held streams of the
#      pushed feed at once (N valves) -> what one held connection costs the key manager (memory, CPU, bytes)
#   2. two key managers on one PostgreSQL (DEMO_STORE=postgres, the second joining) and a gateway knowing both:
#      load through the gateway (a third of the requests with a token never seen before, so introspection runs;
#      half of those tokens kept for after the kill), kill -9 of the first key manager after 3 s
#      -> ha_failover_failed_requests=
# Needs the postgresql server package for 2 (as the demo's DEMO_STORE=postgres does).

feed_env() { # FILE KEY -> the value of KEY in a demo.env
    sed -n "s/^$2=//p" "$1" | sed "s/^'\\(.*\\)'\$/\\1/" | head -n1
}

feed_demo() { # DIR PORT_OFFSET COMMAND [VAR=value ...]: scripts/demo with a directory and an offset of its own
    local dir=$1 offset=$2 cmd=$3
    shift 3
    env DEMO_DIR="$dir" PORT_OFFSET="$offset" DEMO_NO_BUILD=1 DEMO_START_TIMEOUT=180 \
        CATALINA_OPTS="${BENCH_CATALINA_OPTS:-}" "$@" "$ROOT/scripts/demo" "$cmd" >>"$LOG" 2>&1
}

feed_helper() {
    timeout 600 java -Xmx512m -cp "$HELPER_CP" org.scopegate.bench.FeedBench "$@"
}

feed_ticks() { # utime + stime of a process, in clock ticks
    sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

feed_rss_kib() {
    awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

bench_feed() {
    local mode=$1 dir=$WORK/feed samples=200 streams=1000 hold=10 load=10 fresh=1500
    if [ "$mode" = smoke ]; then samples=20 streams=50 hold=3 load=6 fresh=300; fi
    local km=$dir/km gw=$dir/gateway ha1=$dir/ha-km1 ha2=$dir/ha-km2 hag=$dir/ha-gateway
    local o_km=$((PORT_OFFSET + 300)) o_gw=$((PORT_OFFSET + 400)) o_ha1=$((PORT_OFFSET + 500))
    local o_ha2=$((PORT_OFFSET + 600)) o_hag=$((PORT_OFFSET + 700))
    mkdir -p "$dir"
    rm -rf "$km/base/data"

    feed_revocation || true
    feed_failover || true
    feed_notes
    return 0
}

feed_revocation_na() { # the contract lines of part 1 when it could not measure
    bench_contract revocation_visible_p99_ms n/a
    bench_contract revoke_call_p50_ms n/a
}

# ---- 1. one key manager, one gateway on another Tomcat (the variables are bench_feed's)
feed_revocation() {
    say "feed: key manager (offset $o_km) and gateway (offset $o_gw)"
    bench_on_exit "DEMO_DIR='$km' '$ROOT/scripts/demo' stop"
    bench_on_exit "DEMO_DIR='$gw' '$ROOT/scripts/demo' stop"
    feed_demo "$km" "$o_km" start || { bench_fail "the key manager did not start (see $LOG)"; feed_revocation_na; return 0; }
    local env=$km/demo.env
    local km_http kmpid
    km_http=http://127.0.0.1:$(feed_env "$env" HTTP_PORT)
    kmpid=$(tr -dc '0-9' <"$km/base/tomcat.pid")
    feed_demo "$gw" "$o_gw" start DEMO_ROLE=gateway KEY_MANAGER_URL="$km_http/token" \
        VALVE_CLIENT_SECRET="$(feed_env "$env" VALVE_CLIENT_SECRET)" \
        || { bench_fail "the gateway did not start (see $LOG)"; feed_revocation_na; feed_demo "$km" "$o_km" stop || true; return 0; }
    local gw_http
    gw_http=http://127.0.0.1:$(feed_env "$gw/demo.env" HTTP_PORT)

    local out
    say "feed: $samples rounds of revoke-then-use across the two Tomcats"
    if out=$(feed_helper revocation token="$km_http/token" revoke="$km_http/token/revoke" \
            gateway="$gw_http/orders/42" client="$(feed_env "$env" CLIENT_ID)" \
            secret="$(feed_env "$env" CLIENT_SECRET)" user="$(feed_env "$env" USERNAME)" \
            password="$(feed_env "$env" PASSWORD)" samples="$samples" 2>>"$LOG"); then
        echo "--- feed revocation: $out" >>"$LOG"
        local visible99 call50 visible50 call99 admitted
        visible99=$(sed -n 's/^revocation_visible_p99_ms=//p' <<<"$out")
        visible50=$(sed -n 's/^revocation_visible_p50_ms=//p' <<<"$out")
        call50=$(sed -n 's/^revoke_call_p50_ms=//p' <<<"$out")
        call99=$(sed -n 's/^revoke_call_p99_ms=//p' <<<"$out")
        admitted=$(sed -n 's/^admitted_after_revoke=//p' <<<"$out")
        bench_contract revocation_visible_p99_ms "$visible99"
        bench_contract revoke_call_p50_ms "$call50"
        bench_target "revocation_visible_p99_ms < 50 (gateway on another Tomcat)" "$visible99 < 50" "$visible99 ms"
        bench_target "revoke_call_p50_ms < 20" "$call50 < 20" "$call50 ms"
        bench_target "revoked token admitted after the revocation answered: 0" "$admitted == 0" "$admitted of $samples"
        bench_row "revocation visible at the gateway, p50" "$visible50 ms"
        bench_row "revocation call (POST /token/revoke, waiting for the gateway's acknowledgement), p99" "$call99 ms"
    else
        bench_fail "feed revocation rounds failed (see $LOG)"
        feed_revocation_na
    fi
    feed_demo "$gw" "$o_gw" stop || true

    # What each held stream costs the key manager: N streams as N valves would hold them, against the same time idle
    say "feed: $streams held streams for $hold s"
    local idle0 idle1 held0 held1 rss0 rss1 idle_ms held_ms sfile=$dir/streams.out
    idle0=$(feed_ticks "$kmpid")
    sleep "$hold"
    idle1=$(feed_ticks "$kmpid")
    rss0=$(feed_rss_kib "$kmpid")
    rm -f "$sfile"
    feed_helper streams feed="$km_http/token/revocations" client=scope-valve \
        secret="$(feed_env "$env" VALVE_CLIENT_SECRET)" count="$streams" seconds="$hold" >"$sfile" 2>>"$LOG" &
    local spid=$!
    local waited=0
    until grep -q '^streams_holding_s=' "$sfile" 2>/dev/null || [ "$waited" -ge 120 ] || ! kill -0 "$spid" 2>/dev/null; do
        sleep 0.5
        waited=$((waited + 1))
    done
    local ready
    ready=$(sed -n 's/^streams_ready=//p' "$sfile")
    held0=$(feed_ticks "$kmpid")
    sleep "$hold"
    held1=$(feed_ticks "$kmpid")
    rss1=$(feed_rss_kib "$kmpid")
    wait "$spid" || true
    echo "--- feed streams: $(tr '\n' ' ' <"$sfile")" >>"$LOG"
    if [ -n "$ready" ] && [ "$ready" -gt 0 ]; then
        idle_ms=$(calc "($idle1 - $idle0) * 1000 / $CLK_TCK / $hold" 2)
        held_ms=$(calc "($held1 - $held0) * 1000 / $CLK_TCK / $hold" 2)
        bench_row "held streams of the pushed feed, open at once" "$ready of $streams"
        bench_row "key manager CPU while holding them (idle before)" "$held_ms ms/s ($idle_ms ms/s)"
        bench_row "key manager CPU per held stream" "$(calc "($held_ms - $idle_ms) / $ready * 1000" 1) µs/s"
        bench_row "key manager resident memory per held stream (RSS difference, noisy)" \
            "$(calc "($rss1 - $rss0) / $ready" 1) KiB"
        bench_row "bytes sent per held stream (heartbeats)" \
            "$(calc "$(sed -n 's/^streams_bytes_per_second=//p' "$sfile") / $ready" 1) B/s"
    else
        bench_fail "no stream of the pushed feed opened (see $LOG)"
    fi
    feed_demo "$km" "$o_km" stop || true
}

# ---- 2. two key managers on one PostgreSQL, a gateway knowing both, the first killed under load
feed_failover() {
    say "feed: two key managers on PostgreSQL (offsets $o_ha1, $o_ha2) and a gateway knowing both ($o_hag)"
    bench_on_exit "DEMO_DIR='$hag' '$ROOT/scripts/demo' stop"
    bench_on_exit "DEMO_DIR='$ha2' '$ROOT/scripts/demo' stop"
    bench_on_exit "DEMO_DIR='$ha1' '$ROOT/scripts/demo' stop"
    rm -rf "$ha1/base" "$ha2/base" "$hag/base"
    if ! feed_demo "$ha1" "$o_ha1" start DEMO_STORE=postgres; then
        bench_fail "the first key manager on PostgreSQL did not start (see $LOG)"
        bench_contract ha_failover_failed_requests n/a
        return 0
    fi
    local e1=$ha1/demo.env
    feed_demo "$ha2" "$o_ha2" start DEMO_STORE=postgres DEMO_JDBC_URL="$(feed_env "$e1" JDBC_URL)" \
        DEMO_JDBC_USER="$(feed_env "$e1" JDBC_USER)" DEMO_JDBC_PASSWORD="$(feed_env "$e1" JDBC_PASSWORD)" \
        || { bench_fail "the second key manager did not start (see $LOG)"; bench_contract ha_failover_failed_requests n/a; feed_demo "$ha1" "$o_ha1" stop || true; return 0; }
    local k1 k2
    k1=http://127.0.0.1:$(feed_env "$e1" HTTP_PORT)
    k2=http://127.0.0.1:$(feed_env "$ha2/demo.env" HTTP_PORT)
    feed_demo "$hag" "$o_hag" start DEMO_ROLE=gateway KEY_MANAGER_URL="$k1/token $k2/token" \
        VALVE_CLIENT_SECRET="$(feed_env "$e1" VALVE_CLIENT_SECRET)" \
        || { bench_fail "the gateway of the two key managers did not start (see $LOG)"; bench_contract ha_failover_failed_requests n/a; feed_demo "$ha2" "$o_ha2" stop || true; feed_demo "$ha1" "$o_ha1" stop || true; return 0; }
    local hag_http ha1pid out
    hag_http=http://127.0.0.1:$(feed_env "$hag/demo.env" HTTP_PORT)
    ha1pid=$(tr -dc '0-9' <"$ha1/base/tomcat.pid")
    say "feed: load through the gateway for $load s, kill -9 of the first key manager (pid $ha1pid) after 3 s"
    if out=$(feed_helper failover token="$k1/token,$k2/token" gateway="$hag_http/orders/42" \
            client="$(feed_env "$e1" CLIENT_ID)" secret="$(feed_env "$e1" CLIENT_SECRET)" \
            user="$(feed_env "$e1" USERNAME)" password="$(feed_env "$e1" PASSWORD)" pid="$ha1pid" threads=4 \
            seconds="$load" killAfter=3 fresh="$fresh" 2>>"$LOG"); then
        echo "--- feed failover: $out" >>"$LOG"
        local failed requests fresh_after
        failed=$(sed -n 's/^ha_failover_failed_requests=//p' <<<"$out")
        requests=$(sed -n 's/^ha_requests=//p' <<<"$out")
        fresh_after=$(sed -n 's/^ha_fresh_tokens_after_kill=//p' <<<"$out")
        bench_contract ha_failover_failed_requests "$failed"
        bench_target "ha_failover_failed_requests = 0" "$failed == 0" "$failed of $requests"
        bench_row "requests through the gateway during the failover run (fresh tokens introspected after the kill)" \
            "$requests ($fresh_after)"
    else
        bench_fail "the failover run failed (see $LOG)"
        bench_contract ha_failover_failed_requests n/a
    fi
    feed_demo "$hag" "$o_hag" stop || true
    feed_demo "$ha2" "$o_ha2" stop || true
    feed_demo "$ha1" "$o_ha1" stop || true
}

feed_notes() {
    bench_note "Two Tomcats of the demo, a key manager (token.war, Derby) and a gateway (valve + orders.war) that knows it;"
    bench_note "\`bench/FeedBench revocation\`: $samples rounds of a fresh token (refresh grant), two uses at the gateway, its"
    bench_note "revocation at the key manager, then uses at the gateway until one is refused. \`revoke_call\` is the revocation's"
    bench_note "own time (it answers once the gateway's valve, and the key manager's own, have acknowledged the event);"
    bench_note "\`revocation_visible\` runs from its answer to the answer of the first refused use (one request when the promise"
    bench_note "holds). Then $streams streams of the pushed feed held at once by \`FeedBench streams\` (as $streams valves),"
    bench_note "against the same $hold s idle: the key manager's CPU (from /proc) and resident memory. Last, two key managers on"
    bench_note "one PostgreSQL (the demo's \`DEMO_STORE=postgres\` and the join) and a gateway knowing both; \`FeedBench failover\`"
    bench_note "loads the gateway from 4 threads for $load s (a third of the requests with a token never used before),"
    bench_note "kills the first key manager with SIGKILL after 3 s, and counts the requests that got anything but 200."
    return 0
}
