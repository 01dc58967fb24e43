# ScopeGate benchmarks, part "throttle" (issue 13): what request quotas cost at the valve. Sourced by scripts/bench.
# Licensed under the Apache License, Version 2.0.
#
# On a Tomcat of its own (DEMO_DIR target/bench/throttle, PORT_OFFSET + 300), the same GET /orders/catalog as the
# core's valve overhead, in rounds of three runs whose order turns (A-B-C, C-B-A, ...):
#   open       the open Host (no valve), as the core phase 1
#   unlimited  behind the valve, token of an application of the Unlimited tier (the default: nothing counted)
#   counted    behind the valve, token of an application of a tier it never spends (1e9 requests a minute):
#              every request goes through its Bucket4j bucket and carries RateLimit-Policy and RateLimit
# -> throttled_valve_throughput_ratio= (median of unlimited/open per round; target >= 0.96), and the same for
#    counted as a figure of the report.

bench_throttle() {
    local mode=$1 rounds=31 secs=1 warm=4
    if [ "$mode" = smoke ]; then rounds=1 secs=2 warm=1; fi
    local DEMO_DIR=$WORK/throttle PORT_OFFSET=$((PORT_OFFSET + 300))
    rm -rf "$DEMO_DIR/base/data"
    start_tomcat ""
    bench_on_exit "DEMO_DIR=$DEMO_DIR PORT_OFFSET=$PORT_OFFSET DEMO_NO_BUILD=1 $ROOT/scripts/demo stop"
    local ctl=(env DEMO_DIR="$DEMO_DIR" "$ROOT/scripts/tokenctl")
    local out app_id app_secret
    "${ctl[@]}" --exists-ok tier add BenchUnspent --requests 1000000000 --per 60 >>"$LOG" 2>&1 \
        || { bench_fail "tokenctl tier add failed (see $LOG)"; stop_tomcat; return; }
    out=$("${ctl[@]}" client add bench-counted --grant-types password 2>>"$LOG") \
        || { bench_fail "tokenctl client add failed (see $LOG)"; stop_tomcat; return; }
    app_id=$(sed -n 's/^client_id: *//p' <<<"$out")
    app_secret=$(sed -n 's/^client_secret: *//p' <<<"$out")
    "${ctl[@]}" client tier bench-counted BenchUnspent >>"$LOG" 2>&1 \
        || { bench_fail "tokenctl client tier failed (see $LOG)"; stop_tomcat; return; }
    local body="grant_type=password&username=$USERNAME&password=$PASSWORD&scope=read" unlimited counted
    unlimited=$(curl -sf --max-time 30 -H "Authorization: Basic $CLIENT_BASIC" -d "$body" "$BASE/token" \
        | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
    counted=$(curl -sf --max-time 30 -u "$app_id:$app_secret" -d "$body" "$BASE/token" \
        | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
    [ -n "$unlimited" ] && [ -n "$counted" ] || { bench_fail "no access tokens"; stop_tomcat; return; }
    # layout: the unlimited application carries no quota, the counted one does
    local h_unlimited h_counted
    h_unlimited=$(curl -s -o /dev/null -D - -H "Authorization: Bearer $unlimited" "$BASE/orders/catalog" | tr -d '\r')
    h_counted=$(curl -s -o /dev/null -D - -H "Authorization: Bearer $counted" "$BASE/orders/catalog" | tr -d '\r')
    if ! grep -q '^HTTP/1.1 200' <<<"$h_unlimited" || grep -qi '^RateLimit' <<<"$h_unlimited" \
            || ! grep -q '^RateLimit-Policy: "BenchUnspent";q=1000000000;w=60$' <<<"$h_counted"; then
        echo "unlimited: $h_unlimited counted: $h_counted" >>"$LOG"
        bench_fail "layout check failed: the Unlimited application must carry no RateLimit, the counted one its policy"
        stop_tomcat
        return
    fi
    local open_h="Host: $OPEN_HOST" unl_h="Authorization: Bearer $unlimited" cnt_h="Authorization: Bearer $counted"
    run "" 8 "$warm" /orders/catalog BENCH_HEADERS="$open_h"
    run "" 8 "$warm" /orders/catalog BENCH_HEADERS="$unl_h"
    run "" 8 "$warm" /orders/catalog BENCH_HEADERS="$cnt_h"
    local r order name
    for r in $(seq 1 "$rounds"); do
        # the order turns every round, so that a drift of this VM's speed favours none of the three
        case $((r % 6)) in
            1) order="open unlimited counted" ;; 2) order="counted unlimited open" ;;
            3) order="unlimited counted open" ;; 4) order="open counted unlimited" ;;
            5) order="counted open unlimited" ;; *) order="unlimited open counted" ;;
        esac
        for name in $order; do
            case $name in
                open) run "throttle open round $r" 8 "$secs" /orders/catalog BENCH_HEADERS="$open_h" ;;
                unlimited) run "throttle unlimited round $r" 8 "$secs" /orders/catalog BENCH_HEADERS="$unl_h" ;;
                counted) run "throttle counted round $r" 8 "$secs" /orders/catalog BENCH_HEADERS="$cnt_h" ;;
            esac
        done
    done
    local refused
    refused=$(curl -s -o /dev/null -w '%{http_code}' -H "$cnt_h" "$BASE/orders/catalog")
    [ "$refused" = 200 ] || bench_fail "the counted application was refused ($refused): its tier must not be spent"
    stop_tomcat

    local ratio counted_ratio
    ratio=$(for r in $(seq 1 "$rounds"); do
        calc "${RPS[throttle unlimited round $r]} / ${RPS[throttle open round $r]}" 4; echo; done \
        | sort -g | awk '{a[NR]=$1} END {printf "%.3f", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
    counted_ratio=$(for r in $(seq 1 "$rounds"); do
        calc "${RPS[throttle counted round $r]} / ${RPS[throttle open round $r]}" 4; echo; done \
        | sort -g | awk '{a[NR]=$1} END {printf "%.3f", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
    bench_contract throttled_valve_throughput_ratio "$ratio"
    bench_target "throttled_valve_throughput_ratio >= 0.96 (valve with an Unlimited tier ÷ no valve)" \
        "$ratio >= 0.96" "$ratio"
    bench_row "throttle: valve with an Unlimited tier ÷ no valve (median of $rounds rounds of ${secs} s, 8 connections)" "$ratio"
    bench_row "throttle: valve counting every request in a Bucket4j bucket (a tier never spent) ÷ no valve" "$counted_ratio"
    bench_note "- The same \`GET /orders/catalog\` on the open Host (no valve), behind the valve with the token of an"
    bench_note "  application of the \`Unlimited\` tier (the default: the valve counts nothing and adds no field), and"
    bench_note "  behind the valve with the token of an application whose tier (\`BenchUnspent\`, 10⁹ requests a minute,"
    bench_note "  set with \`scripts/tokenctl\`) is never spent: every request takes a token from its bucket and carries"
    bench_note "  \`RateLimit-Policy\` and \`RateLimit\`. $rounds rounds of three ${secs} s runs at 8 connections, their order"
    bench_note "  turning every round; each ratio is the median of its per-round ratios against the open run of the round."
}
