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

import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.MBeanServer;

import org.apache.catalina.LifecycleException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The valve's quotas on an embedded Tomcat: an application given a tier of 5 requests a minute gets its 6th request
 * answered 429 with {@code Retry-After}, {@code RateLimit-Policy} and {@code RateLimit}; another application is
 * unaffected; the quota refills at the next window; an unlimited application sees no quota at all. The quota windows
 * follow a clock the test moves by hand ({@link #clock}), so no test waits for a window to pass.
 */
public class TestScopeValveThrottling {

    private static final String RULES = String.join("\n",
            "*     /app/health        public",
            "POST  /app/bulk/**       read  limit=2/60",
            "GET   /app/**            read",
            "");

    private static final String FIVE_A_MINUTE = "{\"application\":12,\"tier\":\"Trial\",\"quota\":5,\"window\":60}";
    private static final String FIVE_IN_TWO_SECONDS =
            "{\"application\":14,\"tier\":\"Quick\",\"quota\":5,\"window\":2}";
    private static final String GOLD = "{\"application\":13,\"tier\":\"Gold\",\"quota\":5000,\"window\":60}";
    private static final String UNLIMITED = "{\"application\":15,\"tier\":\"Unlimited\"}";

    private static final String TRIAL_TOKEN = "trialToken-0123456789abcdefghijklmnopqrstu";
    private static final String TRIAL_TOKEN_2 = "trialToken2-0123456789abcdefghijklmnopqrst";
    private static final String GOLD_TOKEN = "goldToken-0123456789abcdefghijklmnopqrstuv";
    private static final String QUICK_TOKEN = "quickToken-0123456789abcdefghijklmnopqrstu";
    private static final String UNLIMITED_TOKEN = "unlimitedToken-0123456789abcdefghijklmnopq";
    private static final String OLD_SERVICE_TOKEN = "oldServiceToken-0123456789abcdefghijklmnop";

    /** 2030-01-01T00:00:00Z: the start of a minute, an hour, a day. */
    static final long WINDOW_ALIGNED = 1_893_456_000_000L;

    @TempDir
    Path base;

    private FakeTokenService service;
    private EmbeddedTomcat tomcat;
    private ScopeValve valve;
    /** Epoch milliseconds of the quota windows: 1 s into a minute (and into every shorter window). */
    private final AtomicLong clock = new AtomicLong(WINDOW_ALIGNED + 1_000);

    @BeforeEach
    void setUp() throws Exception {
        service = new FakeTokenService();
        long exp = System.currentTimeMillis() / 1000 + 3600;
        service.addToken(TRIAL_TOKEN, "alice", "trial-app", "read", exp, FIVE_A_MINUTE);
        service.addToken(TRIAL_TOKEN_2, null, "trial-app-sandbox", "read", exp, FIVE_A_MINUTE);
        service.addToken(GOLD_TOKEN, "bob", "gold-app", "read", exp, GOLD);
        service.addToken(QUICK_TOKEN, "carol", "quick-app", "read", exp, FIVE_IN_TWO_SECONDS);
        service.addToken(UNLIMITED_TOKEN, "dave", "free-app", "read", exp, UNLIMITED);
        service.addToken(OLD_SERVICE_TOKEN, "erin", "old-app", "read", exp);
        Path rules = base.resolve("scope-rules.conf");
        Files.writeString(rules, RULES);
        valve = new ScopeValve();
        valve.setRulesPath(rules.toString());
        valve.setIntrospectionUrl(service.introspectionUrl());
        valve.setClientId(FakeTokenService.CLIENT_ID);
        valve.setClientSecret(FakeTokenService.CLIENT_SECRET);
        valve.setQuotaClock(clock::get);
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


    @Test
    void invokeWhenSixthRequestInTheMinuteThenTooManyRequestsWithRateLimitFields() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(tomcat.get("/app/orders/" + i, "Authorization", "Bearer " + TRIAL_TOKEN));
        }

        // VERIFY
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> ok = answers.get(i);
            Assertions.assertEquals(200, ok.statusCode(), ok.body());
            Assertions.assertEquals("\"Trial\";q=5;w=60", ok.headers().firstValue("RateLimit-Policy").orElse(null));
            Assertions.assertTrue(ok.headers().firstValue("RateLimit").orElse("")
                    .matches("\"Trial\";r=" + (4 - i) + ";t=\\d+"), ok.headers().map().toString());
        }
        HttpResponse<String> sixth = answers.get(5);
        Assertions.assertEquals(429, sixth.statusCode());
        long retryAfter = Long.parseLong(sixth.headers().firstValue("Retry-After").orElse("-1"));
        Assertions.assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        Assertions.assertEquals("\"Trial\";q=5;w=60", sixth.headers().firstValue("RateLimit-Policy").orElse(null));
        Assertions.assertEquals("\"Trial\";r=0;t=" + retryAfter, sixth.headers().firstValue("RateLimit").orElse(null));
        Assertions.assertEquals("no-store", sixth.headers().firstValue("Cache-Control").orElse(null));
        Assertions.assertEquals("application/json", sixth.headers().firstValue("Content-Type").orElse(null));
        Assertions.assertFalse(sixth.headers().firstValue("WWW-Authenticate").isPresent());
        Assertions.assertEquals("{\"error\":\"too_many_requests\",\"error_description\":\"The request quota of the "
                + "application is spent: retry after the delay in Retry-After\"}", sixth.body());
        Assertions.assertFalse(sixth.body().contains("alice"), "the webapp was not called");
        Assertions.assertEquals(59, retryAfter, "the minute's window ends in 59 s");
        Assertions.assertEquals(1, valve.getRefusedQuotaCount());
        Assertions.assertEquals(5, valve.getAdmittedCount());
    }


    @Test
    void invokeWhenOneApplicationSpentItsQuotaThenOthersUnaffected() throws Exception {
        // PREPARE
        tomcat.start();
        for (int i = 0; i < 6; i++) {
            tomcat.get("/app/orders", "Authorization", "Bearer " + TRIAL_TOKEN);
        }

        // TEST
        HttpResponse<String> sandboxKeys = tomcat.get("/app/orders", "Authorization", "Bearer " + TRIAL_TOKEN_2);
        HttpResponse<String> gold = tomcat.get("/app/orders", "Authorization", "Bearer " + GOLD_TOKEN);
        HttpResponse<String> unlimited = tomcat.get("/app/orders", "Authorization", "Bearer " + UNLIMITED_TOKEN);
        HttpResponse<String> oldService = tomcat.get("/app/orders", "Authorization", "Bearer " + OLD_SERVICE_TOKEN);
        HttpResponse<String> publicPage = tomcat.get("/app/health");

        // VERIFY
        Assertions.assertEquals(429, sandboxKeys.statusCode(), "both key sets of application 12 share its quota");
        Assertions.assertEquals(200, gold.statusCode());
        Assertions.assertTrue(gold.headers().firstValue("RateLimit").orElse("").startsWith("\"Gold\";r=4999;t="));
        Assertions.assertEquals(200, unlimited.statusCode());
        Assertions.assertFalse(unlimited.headers().firstValue("RateLimit").isPresent(), "no quota, no field");
        Assertions.assertFalse(unlimited.headers().firstValue("RateLimit-Policy").isPresent());
        Assertions.assertEquals(200, oldService.statusCode());
        Assertions.assertFalse(oldService.headers().firstValue("RateLimit").isPresent());
        Assertions.assertEquals(200, publicPage.statusCode());
        Assertions.assertEquals(2, valve.getQuotaBucketCount(), "buckets for applications 12 and 13 only");
    }


    @Test
    void invokeWhenNextWindowStartsThenQuotaRefilled() throws Exception {
        // PREPARE: 5 requests in 2 s
        tomcat.start();
        for (int i = 0; i < 5; i++) {
            Assertions.assertEquals(200, tomcat.get("/app/orders", "Authorization", "Bearer " + QUICK_TOKEN)
                    .statusCode());
        }
        HttpResponse<String> spent = tomcat.get("/app/orders", "Authorization", "Bearer " + QUICK_TOKEN);

        // TEST
        long retryAfter = Long.parseLong(spent.headers().firstValue("Retry-After").orElse("-1"));
        clock.addAndGet(retryAfter * 1000 - 1);
        HttpResponse<String> stillSpent = tomcat.get("/app/orders", "Authorization", "Bearer " + QUICK_TOKEN);
        clock.addAndGet(1);
        HttpResponse<String> refilled = tomcat.get("/app/orders", "Authorization", "Bearer " + QUICK_TOKEN);

        // VERIFY
        Assertions.assertEquals(429, spent.statusCode());
        Assertions.assertEquals(1, retryAfter, "1 s left of the 2 s window");
        Assertions.assertEquals(429, stillSpent.statusCode(), "nothing refills 1 ms before the window ends");
        Assertions.assertEquals(200, refilled.statusCode());
        Assertions.assertTrue(refilled.headers().firstValue("RateLimit").orElse("").startsWith("\"Quick\";r=4;t="),
                refilled.headers().map().toString());
    }


    @Test
    void invokeWhenRuleHasLimitThenEveryApplicationCountedOnItWhateverItsTier() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> last = null;
        for (int i = 0; i < 3; i++) {
            last = tomcat.send("POST", "/app/bulk/import", "text/plain", "x", "Authorization",
                    "Bearer " + UNLIMITED_TOKEN);
            statuses.add(Integer.valueOf(last.statusCode()));
        }
        HttpResponse<String> gold = tomcat.send("POST", "/app/bulk/import", "text/plain", "x", "Authorization",
                "Bearer " + GOLD_TOKEN);

        // VERIFY
        Assertions.assertEquals(List.of(200, 200, 429), statuses);
        Assertions.assertEquals("\"POST /app/bulk/**\";q=2;w=60", last.headers().firstValue("RateLimit-Policy")
                .orElse(null));
        Assertions.assertEquals(200, gold.statusCode(), "another application has its own 2");
        Assertions.assertEquals("\"Gold\";q=5000;w=60, \"POST /app/bulk/**\";q=2;w=60",
                gold.headers().firstValue("RateLimit-Policy").orElse(null));
        Assertions.assertTrue(gold.headers().firstValue("RateLimit").orElse("")
                .matches("\"Gold\";r=4999;t=\\d+, \"POST /app/bulk/\\*\\*\";r=1;t=\\d+"),
                gold.headers().firstValue("RateLimit").orElse(""));
    }


    @Test
    void invokeWhenThrottlingOffThenNothingCounted() throws Exception {
        // PREPARE
        valve.setThrottling(false);
        tomcat.start();

        // TEST
        int ok = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 7; i++) {
            last = tomcat.get("/app/orders", "Authorization", "Bearer " + TRIAL_TOKEN);
            ok += last.statusCode() == 200 ? 1 : 0;
        }

        // VERIFY
        Assertions.assertEquals(7, ok);
        Assertions.assertFalse(last.headers().firstValue("RateLimit").isPresent());
        Assertions.assertEquals(0, valve.getQuotaBucketCount());
    }


    @Test
    void invokeWhenTwoGatewaysConfiguredThenThisOneServesHalf() throws Exception {
        // PREPARE
        valve.setGateways(2);
        tomcat.start();

        // TEST
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(Integer.valueOf(tomcat.get("/app/orders", "Authorization", "Bearer " + TRIAL_TOKEN)
                    .statusCode()));
        }

        // VERIFY
        Assertions.assertEquals(List.of(200, 200, 429), statuses, "5 / 2 gateways = 2 here");
    }


    @Test
    void startWhenGatewaysAndSyncBothSetThenRefused() {
        // PREPARE
        valve.setGateways(2);
        valve.setQuotaSyncInterval(250);

        // TEST / VERIFY
        Assertions.assertThrows(LifecycleException.class, () -> tomcat.start());
    }


    @Test
    void startWhenGatewaysZeroThenRefused() {
        // TEST / VERIFY
        valve.setGateways(0);
        Assertions.assertThrows(LifecycleException.class, () -> tomcat.start());
    }


    @Test
    void jmxWhenRunningThenQuotaAttributesPublished() throws Exception {
        // PREPARE
        tomcat.start();
        tomcat.get("/app/orders", "Authorization", "Bearer " + GOLD_TOKEN);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();

        // TEST
        Object refused = server.getAttribute(valve.getObjectName(), "refusedQuotaCount");
        Object buckets = server.getAttribute(valve.getObjectName(), "quotaBucketCount");
        Object gateways = server.getAttribute(valve.getObjectName(), "gateways");
        Object sync = server.getAttribute(valve.getObjectName(), "quotaSyncAvailable");

        // VERIFY
        Assertions.assertEquals(Long.valueOf(0), refused);
        Assertions.assertEquals(Long.valueOf(1), buckets);
        Assertions.assertEquals(Integer.valueOf(1), gateways);
        Assertions.assertEquals(Boolean.TRUE, sync);
    }
}
