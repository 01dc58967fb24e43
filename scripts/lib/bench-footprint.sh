# ScopeGate benchmarks, part "footprint" (issue 14): the recommended memory setting against the former one, in the
# same run, and where the memory goes. Sourced by scripts/bench, which calls bench_footprint full|smoke.
# Licensed under the Apache License, Version 2.0.

# The demo's memory setting before issue 14 (and the Derby page cache it had then)
FOOTPRINT_BEFORE="-Xms512m -Xmx512m -Xmn256m -XX:+UseSerialGC -Dderby.storage.pageCacheSize=4000"

# Two Tomcats side by side, each with its own DEMO_DIR, ports and store: "before" (FOOTPRINT_BEFORE) and "after"
# (scripts/demo's default, the README's setting). Alternating rounds (A-B, B-A) of a protected request, an
# introspection and a client-credentials grant; the ratio after / before of each pair, median per kind and overall.
# Then, on "after": a heap histogram (what is ours), heap, metaspace and code cache, resident memory; and the cost of
# one entry of the valve's token cache.
bench_footprint() {
    local rounds=10 warm=4 kinds=(protected introspection issue) r k side first second ratios=() all=()
    # this part's own Tomcats: the run's DEMO_DIR, BASE, ... are left as they were for the parts that follow
    local DEMO_DIR=$DEMO_DIR BASE=${BASE:-} TOMCAT_PID=$TOMCAT_PID PORT_OFFSET=$PORT_OFFSET
    [ "$1" = full ] || { rounds=1 warm=1; }
    local -A FP_DIR FP_OFFSET FP_BASE FP_PID FP_TOKEN FP_BASIC FP_IBASIC
    FP_OFFSET[before]=$((PORT_OFFSET + 100)) FP_OFFSET[after]=$((PORT_OFFSET + 200))
    for side in before after; do
        FP_DIR[$side]=$WORK/footprint-$side
        footprint_start "$side"
    done
    # warm-up of every request on both (the JIT compiles them for tens of seconds)
    for side in before after; do
        for k in "${kinds[@]}"; do footprint_run "$side" "$k" "" "$warm"; footprint_run "$side" "$k" "" "$warm"; done
    done
    for k in "${kinds[@]}"; do
        ratios=()
        for r in $(seq 1 "$rounds"); do
            if [ $((r % 2)) = 1 ]; then first=before second=after; else first=after second=before; fi
            footprint_run "$first" "$k" "footprint $k $first $r" 1
            footprint_run "$second" "$k" "footprint $k $second $r" 1
            ratios+=("$(calc "${RPS[footprint $k after $r]} / ${RPS[footprint $k before $r]}" 4)")
        done
        all+=("${ratios[@]}")
        bench_row "footprint: $k, throughput with the recommended setting ÷ the former one, median of $rounds pairs (pairs)" \
            "$(lines "${ratios[@]}" | sort -g | footprint_median) ($(lines "${ratios[@]}" | sort -g | paste -sd' '))"
    done
    local ratio
    ratio=$(lines "${all[@]}" | sort -g | footprint_median)
    bench_contract memory_setting_throughput_ratio "$ratio"
    bench_target "memory_setting_throughput_ratio >= 0.98 (256 MiB heap against the former 512 MiB, same run)" \
        "$ratio >= 0.98" "$ratio"

    footprint_where_it_goes after
    footprint_cache_cost
    footprint_allocation

    # "after" is stopped through stop_tomcat: its resident memory counts in rss_after_bench_mib; "before" does not
    footprint_use before
    bench_row "footprint: resident memory after the rounds, former setting / recommended setting" \
        "$(rss_mib) / $(TOMCAT_PID=${FP_PID[after]} rss_mib) MiB"
    demo stop >>"$LOG" 2>&1 || true
    TOMCAT_PID=""
    footprint_use after
    stop_tomcat
    bench_note "- Two Tomcats side by side (\`scripts/demo\`, own directories and ports): the former memory setting"
    bench_note "  \`$FOOTPRINT_BEFORE\` and the recommended one (\`scripts/demo\`'s default,"
    bench_note "  README section 4). $rounds alternating pairs of 1 s per request (8 connections for the protected request, 4"
    bench_note "  otherwise) after ${warm} s x 2 of warm-up each; the ratio is recommended ÷ former throughput, median of all pairs."
    bench_note "- The histogram is \`jcmd <pid> GC.class_histogram\` of the recommended Tomcat after the rounds (a full"
    bench_note "  collection first: live objects only); \"ours\" are the classes under \`org.scopegate\` (the valve's shaded"
    bench_note "  Caffeine and Jackson included)."
}

footprint_median() { awk '{a[NR]=$1} END {printf "%.3f", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

footprint_start() { # $1 side: a Tomcat of its own, a fresh store, a token
    local side=$1 DEMO_DIR=${FP_DIR[$1]} PORT_OFFSET=${FP_OFFSET[$1]}
    rm -rf "$DEMO_DIR/base/data"
    bench_on_exit "DEMO_DIR='$DEMO_DIR' '$ROOT/scripts/demo' stop"
    if [ "$side" = before ]; then
        DEMO_MEMORY_OPTS="$FOOTPRINT_BEFORE" start_tomcat ""
    else
        start_tomcat ""
    fi
    FP_BASE[$side]=$BASE FP_PID[$side]=$TOMCAT_PID FP_BASIC[$side]="Authorization: Basic $CLIENT_BASIC"
    FP_IBASIC[$side]="Authorization: Basic $(printf '%s:%s' "$INTROSPECT_CLIENT_ID" "$INTROSPECT_CLIENT_SECRET" | base64 -w0)"
    FP_TOKEN[$side]=$(curl -sf --max-time 30 -H "Authorization: Basic $CLIENT_BASIC" \
        -d "grant_type=password&username=$USERNAME&password=$PASSWORD&scope=read" "$BASE/token" \
        | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
    [ -n "${FP_TOKEN[$side]}" ] || die "footprint: no token from the $side Tomcat"
}

footprint_use() { # $1 side: run(), cpu_ns, gc_mark and stop_tomcat then work on that Tomcat
    DEMO_DIR=${FP_DIR[$1]} PORT_OFFSET=${FP_OFFSET[$1]} BASE=${FP_BASE[$1]} TOMCAT_PID=${FP_PID[$1]}
}

footprint_run() { # $1 side, $2 kind, $3 name ("" = warm-up), $4 seconds
    local DEMO_DIR BASE TOMCAT_PID PORT_OFFSET
    footprint_use "$1"
    case $2 in
        protected) run "$3" 8 "$4" /orders/catalog BENCH_HEADERS="Authorization: Bearer ${FP_TOKEN[$1]}" ;;
        introspection) run "$3" 4 "$4" /token/introspect BENCH_METHOD=POST BENCH_HEADERS="${FP_IBASIC[$1]}" \
            BENCH_BODY="token=${FP_TOKEN[$1]}" ;;
        issue) run "$3" 4 "$4" /token BENCH_METHOD=POST BENCH_HEADERS="${FP_BASIC[$1]}" \
            BENCH_BODY='grant_type=client_credentials' ;;
    esac
}

footprint_where_it_goes() { # $1 side: histogram, heap, metaspace, code cache, RSS into the report
    local pid=${FP_PID[$1]} histo ours derby total
    histo=$(jcmd "$pid" GC.class_histogram 2>/dev/null) || { bench_fail "footprint: jcmd GC.class_histogram failed"; return 0; }
    echo "--- class histogram ($1)" >>"$LOG"
    echo "$histo" >>"$LOG"
    total=$(awk '/^Total/ {printf "%.1f", $3 / 1048576}' <<<"$histo")
    ours=$(awk '$4 ~ /^org\.scopegate\./ {b += $3} END {printf "%.2f", b / 1048576}' <<<"$histo")
    derby=$(awk '$4 ~ /^org\.apache\.derby\./ {b += $3} END {printf "%.2f", b / 1048576}' <<<"$histo")
    bench_row "footprint: live heap after the rounds (histogram total) / classes of ours (org.scopegate) / Derby's own objects" \
        "$total / $ours / $derby MiB"
    bench_note "- Heap histogram of the recommended Tomcat after the rounds (\`jcmd <pid> GC.class_histogram\`), the 15"
    bench_note "  largest rows and every row of ours:"
    bench_note ""
    bench_note "| rank | instances | bytes | class | ours |"
    bench_note "| ---: | ---: | ---: | --- | --- |"
    while IFS= read -r line; do bench_note "$line"; done < <(awk '/^ *[0-9]+:/ { r = $1; sub(":", "", r);
        o = ($4 ~ /^org\.scopegate\./) ? "**ours**" : ""; if (r + 0 <= 15 || o != "")
        printf "| %s | %s | %s | `%s` | %s |\n", r, $2, $3, $4, o }' <<<"$histo")
    bench_note ""
    bench_note "  The \`long[]\` (\`[J\`) are mostly ours too: the Argon2id work areas, one per hash slot (\`PasswordHasher\`,"
    bench_note "  one slot per processor, the configured memory cost each: $(awk '$4 == "[J" {printf "%.1f MiB in %d arrays", $3 / 1048576, $2}' <<<"$histo") here)."
    bench_note ""
    local heap meta code
    heap=$(jcmd "$pid" GC.heap_info 2>/dev/null | tr '\n' ' ' | sed 's/  */ /g')
    meta=$(jcmd "$pid" VM.metaspace 2>/dev/null | awk '/^Total Usage/ {f=1} f && /Both:/ {print; exit}' | sed 's/  */ /g')
    code=$(jcmd "$pid" Compiler.codecache 2>/dev/null | head -n 3 | tr '\n' ' ' | sed 's/  */ /g')
    bench_note "- Heap: \`${heap:-n/a}\`"
    bench_note "- Metaspace: \`${meta:-n/a}\`"
    bench_note "- Code cache: \`${code:-n/a}\`"
    bench_note "- Resident memory (VmRSS) of the recommended Tomcat after the rounds: $(TOMCAT_PID=$pid rss_mib) MiB."
}

footprint_cache_cost() {
    local home out
    home=$(ls -d "${FP_DIR[after]}"/apache-tomcat-* 2>/dev/null | head -n1)
    out=$(timeout 120 java -XX:+UseSerialGC -Xmx256m \
        -cp "$ROOT/bench/target/scopegate-bench.jar:$ROOT/scope-valve/target/scope-valve.jar:$home/lib/*" \
        org.scopegate.bench.BenchTool cache-cost entries=20000 2>&1) || { bench_fail "footprint: cache-cost failed: $out"; return 0; }
    echo "$out" >>"$LOG"
    local per
    per=$(sed -n 's/^cache_bytes_per_entry=//p' <<<"$out")
    bench_contract valve_cache_bytes_per_entry "$per"
    bench_row "footprint: one entry of the valve's token cache (\`cacheSize\`, default 10,000 entries)" \
        "$per bytes (10,000 entries: $(calc "$per * 10000 / 1048576" 1) MiB)"
}

footprint_allocation() {
    # Bytes allocated per request by Tomcat's request threads, from JFR's exact per-thread counters
    # (jdk.ThreadAllocationStatistics at the start and end of a recording around one run): the same resource without
    # the valve (the open Host) and behind it, and an introspection. On the "before" Tomcat (what a request allocates
    # does not depend on the heap's size), so that JFR's own buffers do not count in the other's resident memory.
    local DEMO_DIR BASE TOMCAT_PID PORT_OFFSET jfc=$WORK/footprint-alloc.jfc k name f out
    local -A per
    footprint_use before
    cat >"$jfc" <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="scripts/bench: allocation per thread">
  <event name="jdk.ThreadAllocationStatistics">
    <setting name="enabled">true</setting>
    <setting name="period">everyChunk</setting>
  </event>
</configuration>
JFC
    # the open Host's path first warmed up like the others (code the JIT has not compiled yet allocates more)
    run "" 4 4 /orders/catalog BENCH_HEADERS="Host: $OPEN_HOST"
    run "" 4 4 /orders/catalog BENCH_HEADERS="Host: $OPEN_HOST"
    for k in open protected introspection; do
        name="footprint allocation $k"
        f=$WORK/footprint-alloc-$k.jfr
        rm -f "$f"
        jcmd "$TOMCAT_PID" JFR.start name=bench-alloc settings="$jfc" filename="$f" >>"$LOG" 2>&1 \
            || { bench_fail "footprint: JFR.start failed"; return 0; }
        case $k in
            open) run "$name" 4 3 /orders/catalog BENCH_HEADERS="Host: $OPEN_HOST" ;;
            protected) run "$name" 4 3 /orders/catalog BENCH_HEADERS="Authorization: Bearer ${FP_TOKEN[before]}" ;;
            introspection) run "$name" 4 3 /token/introspect BENCH_METHOD=POST BENCH_HEADERS="${FP_IBASIC[before]}" \
                BENCH_BODY="token=${FP_TOKEN[before]}" ;;
        esac
        jcmd "$TOMCAT_PID" JFR.stop name=bench-alloc >>"$LOG" 2>&1 || { bench_fail "footprint: JFR.stop failed"; return 0; }
        out=$(java -cp "$ROOT/bench/target/scopegate-bench.jar" org.scopegate.bench.BenchTool jfr-alloc file="$f" 2>&1) \
            || { bench_fail "footprint: jfr-alloc failed: $out"; return 0; }
        per[$k]=$(calc "$(sed -n 's/^allocated_bytes=//p' <<<"$out") / ${REQ[$name]}" 0)
    done
    bench_contract valve_alloc_bytes_per_request "$(calc "${per[protected]} - ${per[open]}" 0)"
    bench_row "footprint: bytes allocated per request by the request threads (JFR), open / protected / the valve's share / introspection" \
        "${per[open]} / ${per[protected]} / $(calc "${per[protected]} - ${per[open]}" 0) / ${per[introspection]}"
}
