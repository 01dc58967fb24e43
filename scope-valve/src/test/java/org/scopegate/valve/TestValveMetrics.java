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
package org.scopegate.valve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The valve's metrics in the Prometheus registry the JMX exporter agent serves (here the Prometheus client is on the
 * test class path, as the agent puts it on Tomcat's): decisions by outcome, cache hits and misses, introspection
 * latency, rules reload errors; and nothing left behind once the valve stops.
 */
public class TestValveMetrics {

    private static final String READ_TOKEN = "readToken-0123456789abcdefghijklmnopqrstuv";
    private static final String ONE_A_MINUTE_TOKEN = "oneAMinuteToken-0123456789abcdefghijklmno";

    @TempDir
    Path base;

    private FakeTokenService service;
    private EmbeddedTomcat tomcat;
    private ScopeValve valve;
    private Path rules;


    @BeforeEach
    void setUp() throws Exception {
        service = new FakeTokenService();
        service.addToken(READ_TOKEN, "alice", "orders-app", "read", System.currentTimeMillis() / 1000 + 3600);
        service.addToken(ONE_A_MINUTE_TOKEN, "bob", "trial-app", "read", System.currentTimeMillis() / 1000 + 3600,
                "{\"application\":31,\"tier\":\"OneAMinute\",\"quota\":1,\"window\":60}");
        rules = base.resolve("scope-rules.conf");
        Files.writeString(rules, TestScopeValve.RULES);
        valve = new ScopeValve();
        valve.setRulesPath(rules.toString());
        valve.setIntrospectionUrl(service.introspectionUrl());
        valve.setClientId(FakeTokenService.CLIENT_ID);
        valve.setClientSecret(FakeTokenService.CLIENT_SECRET);
        valve.setQuotaClock(() -> TestScopeValveThrottling.WINDOW_ALIGNED + 1_000);
        tomcat = new EmbeddedTomcat(base.resolve("tomcat"));
        tomcat.addHostValve(valve);
    }


    @AfterEach
    void tearDown() throws Exception {
        try {
            tomcat.close();
        } finally {
            service.close();
        }
    }


    private static List<String> scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, PrometheusRegistry.defaultRegistry.scrape());
        return Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\n"));
    }


    private static void assertSample(List<String> lines, String sample) {
        Assertions.assertTrue(lines.contains(sample), () -> "missing [" + sample + "] in\n" + String.join("\n",
                lines.stream().filter(l -> l.startsWith("scopegate_valve")).toList()));
    }


    @Test
    void scrapeWhenRequestsDecidedThenCountedByOutcome() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> noToken = tomcat.get("/app/orders");
        HttpResponse<String> admitted = tomcat.get("/app/orders", "Authorization", "Bearer " + READ_TOKEN);
        HttpResponse<String> cached = tomcat.get("/app/orders", "Authorization", "Bearer " + READ_TOKEN);
        HttpResponse<String> forbidden = tomcat.get("/app/audit/1", "Authorization", "Bearer " + READ_TOKEN);
        HttpResponse<String> unmatched = tomcat.get("/elsewhere");
        String oneAMinute = "Bearer " + ONE_A_MINUTE_TOKEN;
        HttpResponse<String> withinQuota = tomcat.get("/app/orders", "Authorization", oneAMinute);
        HttpResponse<String> quotaSpent = tomcat.get("/app/orders", "Authorization", oneAMinute);
        List<String> lines = scrape();

        // VERIFY
        Assertions.assertEquals(401, noToken.statusCode());
        Assertions.assertEquals(200, admitted.statusCode());
        Assertions.assertEquals(200, cached.statusCode());
        Assertions.assertEquals(403, forbidden.statusCode());
        Assertions.assertEquals(403, unmatched.statusCode());
        Assertions.assertEquals(200, withinQuota.statusCode());
        Assertions.assertEquals(429, quotaSpent.statusCode());
        assertSample(lines, "scopegate_valve_requests_total{outcome=\"no_token\",valve=\"localhost\"} 1.0");
        assertSample(lines, "scopegate_valve_requests_total{outcome=\"admitted\",valve=\"localhost\"} 3.0");
        assertSample(lines, "scopegate_valve_requests_total{outcome=\"insufficient_scope\",valve=\"localhost\"} 1.0");
        assertSample(lines, "scopegate_valve_requests_total{outcome=\"unmatched\",valve=\"localhost\"} 1.0");
        assertSample(lines, "scopegate_valve_requests_total{outcome=\"throttled\",valve=\"localhost\"} 1.0");
        assertSample(lines, "scopegate_valve_requests_total{outcome=\"unavailable\",valve=\"localhost\"} 0.0");
        long misses = valve.getCacheMissCount();
        long hits = valve.getCacheHitCount();
        Assertions.assertEquals(5, misses + hits, "one token check per token-bearing request");
        assertSample(lines, "scopegate_valve_cache_misses_total{valve=\"localhost\"} " + (double) misses);
        assertSample(lines, "scopegate_valve_cache_hits_total{valve=\"localhost\"} " + (double) hits);
        assertSample(lines, "scopegate_valve_introspection_seconds_count{valve=\"localhost\"} "
                + valve.getIntrospectionCount());
        assertSample(lines, "scopegate_valve_token_service_up{valve=\"localhost\"} 1.0");
        assertSample(lines, "scopegate_valve_revocation_feed_last_acknowledged_event{valve=\"localhost\"} "
                + (double) valve.getLastAcknowledgedEvent());
        Assertions.assertTrue(lines.stream().anyMatch(l -> l.startsWith(
                "scopegate_valve_revocation_feed_silence_seconds{valve=\"localhost\"} ")), () -> String.join("\n", lines));
    }


    @Test
    void scrapeWhenRulesEditBrokenThenReloadErrorCounted() throws Exception {
        // PREPARE
        tomcat.start();
        Files.writeString(rules, "GET /app/*/x read\n");
        Files.setLastModifiedTime(rules, FileTime.fromMillis(System.currentTimeMillis() + 5000));

        // TEST
        valve.backgroundProcess();
        List<String> lines = scrape();

        // VERIFY
        Assertions.assertNotNull(valve.getRulesError());
        assertSample(lines, "scopegate_valve_rules_reload_errors_total{valve=\"localhost\"} 1.0");
        assertSample(lines, "scopegate_valve_rules_reloads_total{valve=\"localhost\"} 0.0");
    }


    @Test
    void scrapeWhenValveStoppedThenItsSeriesAreGone() throws Exception {
        // PREPARE
        tomcat.start();
        tomcat.get("/app/orders");

        // TEST
        tomcat.tomcat().stop();
        List<String> lines = scrape();

        // VERIFY
        Assertions.assertTrue(lines.stream().noneMatch(l -> l.contains("valve=\"localhost\"")),
                () -> String.join("\n", lines));
    }
}
