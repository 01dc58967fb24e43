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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.token.store.RevocationCause;

/**
 * The token service's metrics as a Prometheus scrape shows them: names, labels, values, histograms; and withdrawn
 * whole, so that a redeployed webapp registers them again.
 */
public class TestPrometheusTokenMetrics {

    private static List<String> scrape(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        return Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\n"));
    }

    private static void assertSample(List<String> lines, String sample) {
        Assertions.assertTrue(lines.contains(sample), () -> "missing [" + sample + "] in\n" + String.join("\n", lines));
    }

    @Test
    void scrapeWhenEventsCountedThenEachFamilyShowsThem() throws IOException {
        // PREPARE
        PrometheusRegistry registry = new PrometheusRegistry();
        TokenServiceMetrics metrics = new TokenServiceMetrics();
        PrometheusTokenMetrics.register(registry, metrics);

        // TEST
        metrics.grant("password", null);
        metrics.grant("password", null);
        metrics.grant("password", "invalid_grant");
        metrics.grant("client_credentials", "invalid_client");
        metrics.grant("urn:made:up", "unsupported_grant_type");
        metrics.grant(null, "invalid_request");
        metrics.signIn(false);
        metrics.lockout();
        metrics.revoked(RevocationCause.CLIENT_REQUEST, 2);
        metrics.liveTokens(5, 3, 1_800_000_000_000L);
        metrics.passwordHashed(2_000_000, 60_000_000);
        List<String> lines = scrape(registry);

        // VERIFY
        assertSample(lines, "scopegate_token_grants_total{grant_type=\"password\",outcome=\"issued\"} 2.0");
        assertSample(lines, "scopegate_token_grants_total{grant_type=\"password\",outcome=\"invalid_grant\"} 1.0");
        assertSample(lines,
                "scopegate_token_grants_total{grant_type=\"client_credentials\",outcome=\"invalid_client\"} 1.0");
        assertSample(lines,
                "scopegate_token_grants_total{grant_type=\"other\",outcome=\"unsupported_grant_type\"} 1.0");
        assertSample(lines, "scopegate_token_grants_total{grant_type=\"other\",outcome=\"invalid_request\"} 1.0");
        Assertions.assertTrue(lines.stream().noneMatch(l -> l.contains("urn:made:up")), "no label chosen by a client");
        assertSample(lines, "scopegate_token_signins_total{outcome=\"failure\"} 1.0");
        assertSample(lines, "scopegate_token_lockouts_total 1.0");
        assertSample(lines, "scopegate_token_revocations_total{cause=\"client_request\"} 1.0");
        assertSample(lines, "scopegate_token_revoked_tokens_total{cause=\"client_request\"} 2.0");
        assertSample(lines, "scopegate_token_tokens_live{kind=\"access\"} 5.0");
        assertSample(lines, "scopegate_token_tokens_live{kind=\"refresh\"} 3.0");
        assertSample(lines, "# TYPE scopegate_token_password_check_seconds histogram");
        assertSample(lines, "scopegate_token_password_check_seconds_bucket{le=\"0.05\"} 0");
        assertSample(lines, "scopegate_token_password_check_seconds_bucket{le=\"0.075\"} 1");
        assertSample(lines, "scopegate_token_password_check_seconds_count 1");
        assertSample(lines, "scopegate_token_password_hash_slot_wait_seconds_bucket{le=\"0.001\"} 0");
        assertSample(lines, "scopegate_token_password_hash_slot_wait_seconds_bucket{le=\"0.005\"} 1");
    }

    @Test
    void scrapeWhenOpenMetricsAskedThenUnitsDeclared() throws IOException {
        // PREPARE
        PrometheusRegistry registry = new PrometheusRegistry();
        PrometheusTokenMetrics.register(registry, new TokenServiceMetrics());

        // TEST
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new OpenMetricsTextFormatWriter(false, false).write(out, registry.scrape());
        List<String> lines = Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\n"));

        // VERIFY
        assertSample(lines, "# UNIT scopegate_token_password_check_seconds seconds");
        assertSample(lines, "# TYPE scopegate_token_grants counter");
        Assertions.assertEquals("# EOF", lines.get(lines.size() - 1));
    }

    @Test
    void closeWhenRegisteredThenNothingLeftAndRegisteringAgainWorks() throws IOException {
        // PREPARE
        PrometheusRegistry registry = new PrometheusRegistry();
        TokenServiceMetrics metrics = new TokenServiceMetrics();
        PrometheusTokenMetrics first = PrometheusTokenMetrics.register(registry, metrics);

        // TEST
        first.close();
        List<String> afterClose = scrape(registry);
        metrics.passwordHashed(1, 1);
        PrometheusTokenMetrics.register(registry, new TokenServiceMetrics());

        // VERIFY
        Assertions.assertTrue(afterClose.stream().noneMatch(l -> l.startsWith("scopegate_")), afterClose::toString);
        assertSample(scrape(registry), "scopegate_token_password_check_seconds_count 0");
    }

    @Test
    void registerWhenNamesTakenThenRefusedAndNothingOfItsOwnLeft() throws IOException {
        // PREPARE
        PrometheusRegistry registry = new PrometheusRegistry();
        TokenServiceMetrics first = new TokenServiceMetrics();
        PrometheusTokenMetrics.register(registry, first);
        first.lockout();

        // TEST
        Assertions.assertThrows(IllegalStateException.class,
                () -> PrometheusTokenMetrics.register(registry, new TokenServiceMetrics()));

        // VERIFY
        assertSample(scrape(registry), "scopegate_token_lockouts_total 1.0");
    }
}
