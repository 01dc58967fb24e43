/*
 * ScopeGate: an OAuth 2.0 token service and scope gate for Apache Tomcat.
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
package org.scopegate.token.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import org.scopegate.token.store.RevocationCause;

/**
 * The token service's figures as Prometheus metrics, in a registry served by the Prometheus JMX exporter agent. The
 * only class of the webapp that names the Prometheus client: {@link MetricsExport} loads it only when the agent's
 * classes are there, so the webapp runs the same without them.
 *
 * <p>Counters and gauges are read from {@link TokenServiceMetrics} at each scrape (nothing is added to a request);
 * the two histograms are filled as hashes happen. {@link #close()} removes everything again, so that a redeployed
 * webapp neither leaks its class loader into the agent's registry nor finds its names taken.
 */
public final class PrometheusTokenMetrics implements AutoCloseable {

    /** Upper bounds of the password hash histogram, in seconds: Argon2id at OWASP's cost takes 20 to 200 ms. */
    static final double[] HASH_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5};

    /** Upper bounds of the hash slot wait histogram, in seconds: zero while logins are fewer than processors. */
    static final double[] WAIT_SECONDS = {0.0001, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final PrometheusRegistry registry;
    private final TokenServiceMetrics metrics;
    private final List<Collector> collectors = new ArrayList<>();

    private PrometheusTokenMetrics(PrometheusRegistry registry, TokenServiceMetrics metrics) {
        this.registry = registry;
        this.metrics = metrics;
    }

    /**
     * Registers the token service's metrics in the agent's registry ({@code PrometheusRegistry.defaultRegistry}).
     *
     * @param metrics the counters
     * @return what unregisters them
     * @throws IllegalStateException when a name is registered already (another token service in this JVM)
     */
    public static AutoCloseable registerDefault(TokenServiceMetrics metrics) {
        return register(PrometheusRegistry.defaultRegistry, metrics);
    }

    /**
     * Registers the token service's metrics.
     *
     * @param registry where
     * @param metrics the counters
     * @return what unregisters them
     * @throws IllegalStateException when a name is registered already; nothing stays registered then
     */
    public static PrometheusTokenMetrics register(PrometheusRegistry registry, TokenServiceMetrics metrics) {
        PrometheusTokenMetrics exported = new PrometheusTokenMetrics(registry, metrics);
        try {
            exported.registerAll();
        } catch (RuntimeException e) {
            exported.close();
            throw e;
        }
        return exported;
    }

    private void registerAll() {
        add(CounterWithCallback.builder()
                .name("scopegate_token_grants")
                .help("Answers of the token endpoint, by grant type and outcome (issued or the OAuth error code)")
                .labelNames("grant_type", "outcome")
                .callback(callback -> {
                    for (GrantKind kind : GrantKind.values()) {
                        for (GrantOutcome outcome : GrantOutcome.values()) {
                            callback.call(metrics.grants(kind, outcome), kind.label(), outcome.label());
                        }
                    }
                })
                .build());
        add(CounterWithCallback.builder()
                .name("scopegate_token_signins")
                .help("Sign-ins to the self-service pages, by outcome")
                .labelNames("outcome")
                .callback(callback -> {
                    callback.call(metrics.signIns(true), "success");
                    callback.call(metrics.signIns(false), "failure");
                })
                .build());
        add(CounterWithCallback.builder()
                .name("scopegate_token_lockouts")
                .help("Accounts locked after repeated failed logins")
                .callback(callback -> callback.call(metrics.lockouts()))
                .build());
        add(CounterWithCallback.builder()
                .name("scopegate_token_unlocks")
                .help("Accounts unlocked by the administrator")
                .callback(callback -> callback.call(metrics.unlocks()))
                .build());
        add(CounterWithCallback.builder()
                .name("scopegate_token_revocations")
                .help("Revocations (one request or administrative change each), by cause")
                .labelNames("cause")
                .callback(callback -> {
                    for (RevocationCause cause : RevocationCause.values()) {
                        callback.call(metrics.revocations(cause), cause.label());
                    }
                })
                .build());
        add(CounterWithCallback.builder()
                .name("scopegate_token_revoked_tokens")
                .help("Tokens (access and refresh) revoked, by cause")
                .labelNames("cause")
                .callback(callback -> {
                    for (RevocationCause cause : RevocationCause.values()) {
                        callback.call(metrics.revokedTokens(cause), cause.label());
                    }
                })
                .build());
        add(GaugeWithCallback.builder()
                .name("scopegate_token_tokens_live")
                .help("Unexpired, unrevoked tokens in the store, by kind, as last counted (see "
                        + "scopegate_token_tokens_live_counted_timestamp_seconds)")
                .labelNames("kind")
                .callback(callback -> {
                    if (metrics.liveCountedAt() != 0) {
                        callback.call(metrics.liveAccessTokens(), "access");
                        callback.call(metrics.liveRefreshTokens(), "refresh");
                    }
                })
                .build());
        add(GaugeWithCallback.builder()
                .name("scopegate_token_tokens_live_counted_timestamp_seconds")
                .help("When the live tokens were last counted (Unix time)")
                .unit(Unit.SECONDS)
                .callback(callback -> {
                    if (metrics.liveCountedAt() != 0) {
                        callback.call(metrics.liveCountedAt() / 1000.0);
                    }
                })
                .build());
        Histogram check = Histogram.builder()
                .name("scopegate_token_password_check_seconds")
                .help("Time of one password hash (sign-in and password grant checks, new passwords), without the "
                        + "wait for a hash slot")
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(HASH_SECONDS)
                .withoutExemplars()
                .build();
        add(check);
        Histogram wait = Histogram.builder()
                .name("scopegate_token_password_hash_slot_wait_seconds")
                .help("Time a password hash waited for a free hash slot (at most one hash per processor runs)")
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(WAIT_SECONDS)
                .withoutExemplars()
                .build();
        add(wait);
        metrics.observeWith(observer(check), observer(wait));
    }

    private void add(Collector collector) {
        registry.register(collector);
        collectors.add(collector);
    }

    private static DurationObserver observer(Histogram histogram) {
        DistributionDataPoint point = histogram;
        return nanos -> point.observe(nanos / NANOS_PER_SECOND);
    }

    /**
     * Unregisters every metric and detaches the histograms.
     */
    @Override
    public void close() {
        metrics.observeWith(DurationObserver.NONE, DurationObserver.NONE);
        for (Collector collector : collectors) {
            registry.unregister(collector);
        }
        collectors.clear();
    }
}
