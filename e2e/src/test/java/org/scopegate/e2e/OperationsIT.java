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
package org.scopegate.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.scopegate.e2e.browser.Browser;
import org.scopegate.testsupport.Poll;

/**
 * What an operator watches, on the real Tomcat 11 distribution started by {@code scripts/demo} (its own demo
 * directory, port offset 11500, the Prometheus JMX exporter agent on 127.0.0.1:20904): after a few grants, failed
 * logins, a lockout, a revoked token, valve refusals and a rules reload, the metrics endpoint ({@code METRICS_URL})
 * shows each family with the counts that happened, parsed from the exposition format; the audit log has those
 * events and none of the credentials used; the administration page draws the live figures and the tokens issued per
 * day as charts (screenshots in e2e/target/screenshots).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class OperationsIT {

    private static DemoServer server;
    private static Http http;
    private static String basic;
    private static String adminSecret;
    private static final List<String> CREDENTIALS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = DemoServer.startAll("operations-t11", DemoServer.tomcat11(), 11500);
        http = new Http(server);
        basic = Http.basic(server.get("CLIENT_ID"), server.get("CLIENT_SECRET"));
        adminSecret = Files.readString(Path.of(server.get("ADMIN_SECRET_FILE")), StandardCharsets.UTF_8).trim();
        CREDENTIALS.add(server.get("PASSWORD"));
        CREDENTIALS.add(server.get("CLIENT_SECRET"));
        CREDENTIALS.add(server.get("VALVE_CLIENT_SECRET"));
        CREDENTIALS.add(adminSecret);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static Http.Response grant(String username, String password) throws Exception {
        return http.postForm(server.get("TOKEN_URL"), basic,
                Http.form(Http.params("grant_type", "password", "username", username, "password", password,
                        "scope", "read update")));
    }

    private static Exposition scrape() throws Exception {
        Http.Response response = http.request("GET", server.get("METRICS_URL"));
        Assertions.assertEquals(200, response.status(), response.body());
        Assertions.assertTrue(response.header("Content-Type").startsWith("text/plain"), response.toString());
        return Exposition.parse(response.body());
    }

    private static void assertAtLeast(double expected, double actual, String what) {
        Assertions.assertTrue(actual >= expected, what + ": expected at least " + expected + " but was " + actual);
    }

    private static void assertHistogram(Exposition metrics, String family, double atLeast, String... labels) {
        Assertions.assertEquals("histogram", metrics.type(family), family);
        double count = metrics.sum(family + "_count", labels);
        assertAtLeast(atLeast, count, family + "_count");
        List<Exposition.Sample> buckets = metrics.samples(family + "_bucket", labels);
        Assertions.assertFalse(buckets.isEmpty(), family + "_bucket");
        double previous = 0;
        for (Exposition.Sample bucket : buckets) {
            Assertions.assertTrue(bucket.value() >= previous, "cumulative buckets of " + family);
            previous = bucket.value();
        }
        Assertions.assertEquals("+Inf", buckets.get(buckets.size() - 1).labels().get("le"));
        Assertions.assertEquals(count, previous, "the +Inf bucket of " + family + " is its count");
    }

    @Test
    @Order(1)
    void scrapeWhenTrafficHappenedThenEveryFamilyShowsIt() throws Exception {
        // PREPARE: grants, failed logins up to a lockout, a revoked token, valve decisions, a rules reload
        String victim = "locked" + ThreadLocalRandom.current().nextInt(10000, 99999);
        String victimPassword = "Tidal-Comet-" + ThreadLocalRandom.current().nextInt(100000, 999999);
        CREDENTIALS.add(victimPassword);
        DemoServer.Result add = server.runWithInput(60, victimPassword + "\n", "scripts/tokenctl", "user", "add",
                victim, "--password", "-", "--roles", "reader");
        Assertions.assertEquals(0, add.exit(), add.output());
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Http.Response issued = grant(server.get("USERNAME"), server.get("PASSWORD"));
            Assertions.assertEquals(200, issued.status(), issued.body());
            tokens.add(issued.json().get("access_token").asText());
            tokens.add(issued.json().get("refresh_token").asText());
        }
        CREDENTIALS.addAll(tokens);
        Assertions.assertEquals(400, grant(server.get("USERNAME"), "not-the-password").status());
        for (int i = 0; i < 5; i++) {
            Assertions.assertEquals(400, grant(victim, "wrong-" + i).status());
        }
        Assertions.assertEquals(400, grant(victim, victimPassword).status(), "locked");
        String access = tokens.get(0);
        Assertions.assertEquals(200, http.get(server.get("PROTECTED_URL"), access).status());
        // A use is answered from the valve's cache once its revocation feed vouches for it: just after the start,
        // on a slow machine, the valve may still be connecting to the feed and introspect the token again
        Poll.await("a use of the token answered from the valve's cache", Duration.ofSeconds(10), () -> {
            Assertions.assertEquals(200, http.get(server.get("PROTECTED_URL"), access).status());
            return Boolean.valueOf(scrape().sum("scopegate_valve_cache_hits_total") >= 1);
        });
        Assertions.assertEquals(401, http.get(server.get("PROTECTED_URL"), null).status());
        Assertions.assertEquals(200, http.postForm(server.get("REVOKE_URL"), basic,
                Http.form(Http.params("token", access))).status());
        Http.Response refused = null;
        for (long deadline = System.nanoTime() + 5_000_000_000L; System.nanoTime() < deadline;) {
            refused = http.get(server.get("PROTECTED_URL"), access);
            if (refused.status() == 401) {
                break;
            }
            Thread.sleep(200);
        }
        Assertions.assertEquals(401, refused.status(), "revoked within the guarantee");
        Path rules = Path.of(server.get("CATALINA_BASE"), "conf", "scope-rules.conf");
        String original = Files.readString(rules, StandardCharsets.UTF_8);
        Files.writeString(rules, original + "\n# reloaded by OperationsIT\n", StandardCharsets.UTF_8);
        Files.setLastModifiedTime(rules, FileTime.fromMillis(System.currentTimeMillis() + 2000));

        // TEST: the valve looks at its rules every 10 s and the store's live tokens are counted every 30 s
        Exposition metrics = scrape();
        for (long deadline = System.nanoTime() + 45_000_000_000L; System.nanoTime() < deadline;) {
            metrics = scrape();
            if (metrics.sum("scopegate_valve_rules_reloads_total") >= 1
                    && metrics.sum("scopegate_token_tokens_live", "kind", "access") >= 2) {
                break;
            }
            Thread.sleep(1000);
        }

        // VERIFY: Tomcat's own figures and the JVM's
        assertAtLeast(1, metrics.sum("tomcat_connector_requests_total"), "tomcat_connector_requests_total");
        Assertions.assertEquals("counter", metrics.type("tomcat_connector_requests_total"));
        assertAtLeast(1, metrics.sum("tomcat_threadpool_threads_max"), "tomcat_threadpool_threads_max");
        Assertions.assertFalse(metrics.samples("tomcat_sessions_active", "context", "/token").isEmpty(),
                "sessions of token.war");
        assertAtLeast(1, metrics.sum("jvm_memory_used_bytes"), "jvm_memory_used_bytes");
        // the token service
        assertAtLeast(3, metrics.sum("scopegate_token_grants_total", "grant_type", "password", "outcome", "issued"),
                "password grants issued");
        assertAtLeast(7, metrics.sum("scopegate_token_grants_total", "grant_type", "password", "outcome",
                "invalid_grant"), "password grants refused");
        assertAtLeast(1, metrics.sum("scopegate_token_lockouts_total"), "lockouts");
        assertAtLeast(1, metrics.sum("scopegate_token_revocations_total", "cause", "client_request"),
                "revocations by a client");
        assertAtLeast(1, metrics.sum("scopegate_token_revoked_tokens_total", "cause", "client_request"),
                "tokens revoked by a client");
        assertAtLeast(2, metrics.sum("scopegate_token_tokens_live", "kind", "access"), "live access tokens");
        assertHistogram(metrics, "scopegate_token_password_check_seconds", 10);
        assertHistogram(metrics, "scopegate_token_password_hash_slot_wait_seconds", 10);
        // the valve
        assertAtLeast(2, metrics.sum("scopegate_valve_requests_total", "outcome", "admitted"), "admitted");
        assertAtLeast(1, metrics.sum("scopegate_valve_requests_total", "outcome", "no_token"), "401 no token");
        assertAtLeast(1, metrics.sum("scopegate_valve_requests_total", "outcome", "invalid_token"), "401 revoked");
        assertAtLeast(1, metrics.sum("scopegate_valve_cache_hits_total"), "cache hits");
        assertAtLeast(1, metrics.sum("scopegate_valve_cache_misses_total"), "cache misses");
        assertHistogram(metrics, "scopegate_valve_introspection_seconds", 1, "valve", "localhost");
        assertHistogram(metrics, "scopegate_valve_revocation_feed_lag_seconds", 1, "valve", "localhost");
        assertAtLeast(1, metrics.sum("scopegate_valve_revocation_feed_last_acknowledged_event", "valve", "localhost"),
                "the revocation event acknowledged to the key manager");
        Assertions.assertEquals("gauge", metrics.type("scopegate_valve_revocation_feed_silence_seconds"));
        double silence = metrics.sum("scopegate_valve_revocation_feed_silence_seconds", "valve", "localhost");
        Assertions.assertTrue(silence >= 0 && silence < 30, "feed silent for " + silence + " s");
        assertAtLeast(1, metrics.sum("scopegate_valve_rules_reloads_total"), "rules reloads");
        Assertions.assertEquals("counter", metrics.type("scopegate_valve_rules_reload_errors_total"));
        Assertions.assertEquals(1.0, metrics.sum("scopegate_valve_token_service_up", "valve", "localhost"));
        // bounded labels: no user name, client id or token anywhere in the scrape
        String body = http.request("GET", server.get("METRICS_URL")).body();
        for (String secret : Set.of(victim, server.get("USERNAME"), server.get("CLIENT_ID"), access)) {
            Assertions.assertFalse(body.contains(secret), "the scrape names " + secret);
        }
        Files.writeString(rules, original, StandardCharsets.UTF_8);
    }

    @Test
    @Order(2)
    void auditLogWhenTrafficHappenedThenEventsAndNoCredential() throws Exception {
        // PREPARE
        Path logs = Path.of(server.get("AUDIT_LOG_DIR"));
        List<Path> files;
        try (Stream<Path> list = Files.list(logs)) {
            files = list.filter(p -> p.getFileName().toString().startsWith("scopegate-audit.")).toList();
        }
        Assertions.assertEquals(1, files.size(), "one audit file: " + files);
        String catalinaOut = Files.readString(logs.resolve("catalina.out"), StandardCharsets.UTF_8);

        // TEST: the handler is asynchronous; give it a moment
        String text = "";
        for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline;) {
            text = Files.readString(files.get(0), StandardCharsets.UTF_8);
            if (text.contains("\"account.locked\"") && text.contains("\"tokens.revoked\"")) {
                break;
            }
            Thread.sleep(200);
        }

        // VERIFY
        Set<String> events = new HashSet<>();
        for (String line : text.split("\n")) {
            JsonNode event = Http.json(line);
            Assertions.assertTrue(event.has("ts") && event.has("event"), line);
            events.add(event.get("event").asText());
        }
        Assertions.assertTrue(events.containsAll(Set.of("grant.password.success", "grant.password.failure",
                "account.locked", "tokens.revoked", "user.created", "client.created", "scope.created")),
                events.toString());
        for (String credential : CREDENTIALS) {
            Assertions.assertFalse(text.contains(credential), "a credential in the audit log");
        }
        Assertions.assertFalse(catalinaOut.contains("\"event\":\"grant.password"), "audit lines stay out of catalina.out");
    }

    @Test
    @Order(3)
    void adminPageWhenSignedInThenLiveFiguresAndTokensPerDayAsCharts() throws Exception {
        Path chromium = Programs.required("Debian's chromium", "chromium", "chromium-browser");
        Path chromedriver = Programs.required("Debian's chromium-driver", "chromedriver");
        Path screenshots = Path.of(System.getProperty("screenshotDir",
                DemoServer.root().resolve("e2e/target/screenshots").toString())).toAbsolutePath();
        Http.Response dashboard = http.request("GET", server.get("ADMIN_URL") + "/dashboard", "Authorization",
                Http.basic("admin", adminSecret));
        Assertions.assertEquals(200, dashboard.status(), dashboard.body());
        Assertions.assertEquals(1, dashboard.json().get("valves").get("count").asInt(), dashboard.body());
        assertAtLeast(2, dashboard.json().get("valves").get("refused").asDouble(), "valve refusals");
        assertAtLeast(3, dashboard.json().get("token_service").get("grants_issued").asDouble(), "grants issued");

        try (Browser admin = new Browser(chromium, chromedriver, screenshots)) {
            admin.size(1280, 1500);
            admin.open(server.get("HTTPS_BASE") + "/token/ui/");
            admin.type(By.id("username"), "admin");
            admin.type(By.id("password"), adminSecret);
            admin.click(By.id("signin-button"));
            admin.await("admin page loaded", d -> d.findElement(By.tagName("body")).getAttribute("data-loaded"));
            // traffic while the page watches, so that the rates are not flat
            for (int i = 0; i < 3; i++) {
                grant(server.get("USERNAME"), server.get("PASSWORD"));
                grant(server.get("USERNAME"), "still-not-the-password");
                http.get(server.get("PROTECTED_URL"), null);
                Thread.sleep(2500);
            }
            admin.await("three samples", d -> {
                String n = d.findElement(By.id("live")).getAttribute("data-samples");
                return n != null && Integer.parseInt(n) >= 3;
            });
            for (String chart : List.of("chart-grants", "chart-failures", "chart-valve")) {
                admin.visible(By.cssSelector("#" + chart + " canvas"));
                String label = admin.driver().findElement(By.id(chart)).getAttribute("aria-label");
                Assertions.assertTrue(label.contains("latest:"), chart + ": " + label);
            }
            String grantsLabel = admin.driver().findElement(By.id("chart-grants")).getAttribute("aria-label");
            Assertions.assertFalse(grantsLabel.contains("Issued 0,"), "grants per minute drawn: " + grantsLabel);
            admin.text(By.id("live-totals"), "Scope valves here");
            admin.screenshot("09-admin-live-figures");

            admin.click(By.xpath("//table[@id='apps-table']//tr[td[contains(@class,'app-name') and text()='demo-app']]"
                    + "//button[contains(@class,'show-stats')]"));
            String days = admin.await("tokens per day drawn",
                    d -> d.findElement(By.id("stats-chart")).getAttribute("data-days"));
            Assertions.assertTrue(Integer.parseInt(days) >= 1, "days drawn: " + days);
            admin.visible(By.cssSelector("#stats-chart canvas"));
            admin.scrollTo(By.id("stats-panel"));
            admin.screenshot("10-admin-tokens-per-day");
        }
    }
}
