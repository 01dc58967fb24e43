/*
 * Copyright the ScopeGate authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package org.scopegate.valve.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The valves' metrics in the Prometheus JMX exporter agent's registry: one set of metrics for every valve of this
 * JVM, told apart by the {@code valve} label. Registered once, when the first valve starts, and kept (the valve's
 * classes live in the common class loader as long as Tomcat). Counters and gauges read each valve's own counters at
 * scrape time; only the two histograms are fed as things happen, and neither on a cached request.
 */
final class PrometheusValveMetrics extends ValveMetrics {

    /** Upper bounds of the introspection latency histogram, in seconds. */
    static final double[] INTROSPECTION_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

    /** Upper bounds of the revocation feed lag histogram, in seconds: the guarantee is 2 s. */
    static final double[] FEED_LAG_SECONDS = {0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30};

    private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private static final Map<String, ValveFigures> VALVES = new ConcurrentHashMap<>();
    private static Histogram introspection;
    private static Histogram feedLag;

    private final String name;
    private final DurationObserver introspectionObserver;
    private final DurationObserver feedLagObserver;

    private PrometheusValveMetrics(String name) {
        this.name = name;
        this.introspectionObserver = observer(introspection.labelValues(name));
        this.feedLagObserver = observer(feedLag.labelValues(name));
    }

    static synchronized ValveMetrics registerValve(String name, ValveFigures figures) {
        if (introspection == null) {
            registerAll(PrometheusRegistry.defaultRegistry);
        }
        String unique = name;
        for (int i = 2; VALVES.putIfAbsent(unique, figures) != null; i++) {
            unique = name + "#" + i;
        }
        return new PrometheusValveMetrics(unique);
    }

    @Override
    public DurationObserver introspectionLatency() {
        return introspectionObserver;
    }

    @Override
    public DurationObserver revocationFeedLag() {
        return feedLagObserver;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        synchronized (PrometheusValveMetrics.class) {
            VALVES.remove(name);
            introspection.remove(name);
            feedLag.remove(name);
        }
    }

    private static void registerAll(PrometheusRegistry registry) {
        registry.register(CounterWithCallback.builder()
                .name("scopegate_valve_requests")
                .help("Decisions of the scope valve, by outcome: admitted, passed (public or unmatched-allowed), "
                        + "no_token and invalid_token (401), insufficient_scope and unmatched (403), "
                        + "invalid_request (400), throttled (429: a quota spent), unavailable (503)")
                .labelNames("valve", "outcome")
                .callback(callback -> VALVES.forEach((valve, f) -> {
                    callback.call(f.getAdmittedCount(), valve, "admitted");
                    callback.call(f.getPassedCount(), valve, "passed");
                    callback.call(f.getRefusedNoTokenCount(), valve, "no_token");
                    callback.call(f.getRefusedInvalidTokenCount(), valve, "invalid_token");
                    callback.call(f.getRefusedInsufficientScopeCount(), valve, "insufficient_scope");
                    callback.call(f.getRefusedUnmatchedCount(), valve, "unmatched");
                    callback.call(f.getRefusedInvalidRequestCount(), valve, "invalid_request");
                    callback.call(f.getRefusedQuotaCount(), valve, "throttled");
                    callback.call(f.getRefusedUnavailableCount(), valve, "unavailable");
                }))
                .build());
        registry.register(counter("scopegate_valve_cache_hits",
                "Requests whose token was answered from the valve's cache", ValveFigures::getCacheHitCount));
        registry.register(counter("scopegate_valve_cache_misses",
                "Requests whose token needed an introspection (not cached, or the cache not trusted)",
                ValveFigures::getCacheMissCount));
        registry.register(counter("scopegate_valve_rules_reloads",
                "Reloads of the rules file", ValveFigures::getRulesReloadCount));
        registry.register(counter("scopegate_valve_rules_reload_errors",
                "Edits of the rules file refused (the rules in force stayed)", ValveFigures::getRulesReloadErrorCount));
        registry.register(gauge("scopegate_valve_cache_entries",
                "Answers in the valve's cache", ValveFigures::getCachedTokenCount));
        registry.register(gauge("scopegate_valve_token_service_up",
                "1 when the last introspection got an answer", f -> f.isTokenServiceAvailable() ? 1 : 0));
        registry.register(gauge("scopegate_valve_cache_trusted",
                "1 when the revocation feed is recent enough for cached answers to be used",
                f -> f.isCacheTrusted() ? 1 : 0));
        registry.register(gauge("scopegate_valve_revocation_feed_last_acknowledged_event",
                "The newest revocation event this valve acknowledged to a key manager (-1 before the first)",
                ValveFigures::getLastAcknowledgedEvent));
        registry.register(GaugeWithCallback.builder()
                .name("scopegate_valve_revocation_feed_silence_seconds")
                .help("Time since the revocation feed of any key manager was last heard from (-1 before the first); "
                        + "past revocationMaxLag the valve stops trusting its cache")
                .unit(Unit.SECONDS)
                .labelNames("valve")
                .callback(callback -> VALVES.forEach((valve, f) -> {
                    long millis = f.getRevocationFeedLag();
                    callback.call(millis < 0 ? -1 : millis / 1000.0, valve);
                }))
                .build());
        introspection = Histogram.builder()
                .name("scopegate_valve_introspection_seconds")
                .help("Latency of the introspections that got an answer (cache misses only)")
                .unit(Unit.SECONDS)
                .labelNames("valve")
                .classicOnly()
                .classicUpperBounds(INTROSPECTION_SECONDS)
                .withoutExemplars()
                .register(registry);
        feedLag = Histogram.builder()
                .name("scopegate_valve_revocation_feed_lag_seconds")
                .help("Time from a revocation at the token service to its eviction from this valve's cache")
                .unit(Unit.SECONDS)
                .labelNames("valve")
                .classicOnly()
                .classicUpperBounds(FEED_LAG_SECONDS)
                .withoutExemplars()
                .register(registry);
    }

    private static CounterWithCallback counter(String name, String help, ToLongFunction<ValveFigures> value) {
        return CounterWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("valve")
                .callback(callback -> VALVES.forEach((valve, f) -> callback.call(value.applyAsLong(f), valve)))
                .build();
    }

    private static GaugeWithCallback gauge(String name, String help, ToLongFunction<ValveFigures> value) {
        return GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("valve")
                .callback(callback -> VALVES.forEach((valve, f) -> callback.call(value.applyAsLong(f), valve)))
                .build();
    }

    private static DurationObserver observer(DistributionDataPoint point) {
        return nanos -> point.observe(nanos / NANOS_PER_SECOND);
    }
}
