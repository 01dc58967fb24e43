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
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scopegate.testsupport.Poll;

/**
 * The valve on the Host pipeline of an embedded Tomcat, in front of servlets that print what they were handed,
 * with a {@link FakeTokenService} behind it: every answer of RFC 6750 section 3 the valve gives.
 */
public class TestScopeValve {

    static final String RULES = String.join("\n",
            "# test rules",
            "*     /app/health      public",
            "GET   /app/audit/**    update",
            "POST  /app/**          update",
            "GET   /app/me          authenticated",
            "GET   /app/**          read",
            "");

    private static final String READ_TOKEN = "readToken-0123456789abcdefghijklmnopqrstuv";
    private static final String UPDATE_TOKEN = "updateToken-0123456789abcdefghijklmnopqrstu";
    private static final String CLIENT_TOKEN = "clientToken-0123456789abcdefghijklmnopqrstu";
    private static final String OTHER_TOKEN = "otherToken-0123456789abcdefghijklmnopqrstuv";
    private static final String EXPIRED_TOKEN = "expiredToken-0123456789abcdefghijklmnopqrst";

    @TempDir
    Path base;

    private FakeTokenService service;
    private EmbeddedTomcat tomcat;
    private ScopeValve valve;
    private long exp;


    @BeforeEach
    void setUp() throws Exception {
        service = new FakeTokenService();
        exp = System.currentTimeMillis() / 1000 + 3600;
        service.addToken(READ_TOKEN, "alice", "orders-app", "read", exp);
        service.addToken(UPDATE_TOKEN, "bob", "orders-app", "read update", exp);
        service.addToken(CLIENT_TOKEN, null, "batch-app", "read", exp);
        service.addToken(OTHER_TOKEN, "carol", "orders-app", "profile", exp);
        service.addToken(EXPIRED_TOKEN, "dave", "orders-app", "read", System.currentTimeMillis() / 1000 - 10);
        Path rules = base.resolve("scope-rules.conf");
        Files.writeString(rules, RULES);
        valve = new ScopeValve();
        valve.setRealm("test-api");
        valve.setRulesPath(rules.toString());
        valve.setIntrospectionUrl(service.introspectionUrl());
        valve.setClientId(FakeTokenService.CLIENT_ID);
        valve.setClientSecret(FakeTokenService.CLIENT_SECRET);
        valve.setRetryAfter(7);
        valve.setReadTimeout(1000);
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


    private static String bearer(String token) {
        return "Bearer " + token;
    }


    private static void assertRefusal(HttpResponse<String> response, int status, String challenge, String body) {
        Assertions.assertEquals(status, response.statusCode(), response.body());
        Assertions.assertEquals(challenge, response.headers().firstValue("WWW-Authenticate").orElse(null));
        Assertions.assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null));
        Assertions.assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
        Assertions.assertEquals(body, response.body());
    }


    @Test
    void invokeWhenNoTokenThenUnauthorizedWithBareChallenge() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.get("/app/orders");

        // VERIFY
        assertRefusal(response, 401, "Bearer realm=\"test-api\"",
                "{\"error_description\":\"A bearer token is required\"}");
        Assertions.assertEquals(1, valve.getRefusedNoTokenCount());
        Assertions.assertEquals(0, service.introspections());
    }


    @Test
    void invokeWhenOtherSchemeThenUnauthorizedWithBareChallenge() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.get("/app/orders", "Authorization", "Basic dXNlcjpwYXNz");

        // VERIFY
        assertRefusal(response, 401, "Bearer realm=\"test-api\"",
                "{\"error_description\":\"A bearer token is required\"}");
    }


    @Test
    void invokeWhenTokenUnknownThenInvalidToken() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.get("/app/orders", "Authorization", bearer("unknown-token"));

        // VERIFY
        assertRefusal(response, 401, "Bearer realm=\"test-api\", error=\"invalid_token\", " +
                "error_description=\"The access token is invalid, expired or revoked\"",
                "{\"error\":\"invalid_token\"," +
                "\"error_description\":\"The access token is invalid, expired or revoked\"}");
        Assertions.assertEquals(1, valve.getRefusedInvalidTokenCount());
    }


    @Test
    void invokeWhenTokenExpiredThenInvalidToken() throws Exception {
        // PREPARE: the service still says active, but exp is past; the valve checks exp itself
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.get("/app/orders", "Authorization", bearer(EXPIRED_TOKEN));

        // VERIFY
        Assertions.assertEquals(401, response.statusCode());
        Assertions.assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("")
                .contains("error=\"invalid_token\""));
    }


    @Test
    void invokeWhenTokenLacksScopeThenForbiddenWithScopeHint() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.get("/app/audit/2024", "Authorization", bearer(READ_TOKEN));

        // VERIFY
        assertRefusal(response, 403, "Bearer realm=\"test-api\", error=\"insufficient_scope\", " +
                "error_description=\"The token does not hold a scope this resource requires\", scope=\"update\"",
                "{\"error\":\"insufficient_scope\"," +
                "\"error_description\":\"The token does not hold a scope this resource requires\"," +
                "\"scope\":\"update\"}");
        Assertions.assertEquals(1, valve.getRefusedInsufficientScopeCount());
    }


    @Test
    void invokeWhenPostWithReadTokenThenForbidden() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.send("POST", "/app/orders", "application/json", "{}",
                "Authorization", bearer(READ_TOKEN));

        // VERIFY
        Assertions.assertEquals(403, response.statusCode());
        Assertions.assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("")
                .endsWith("scope=\"update\""));
    }


    @Test
    void invokeWhenHeaderMalformedThenBadRequest() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.get("/app/orders", "Authorization", "Bearer abc def");

        // VERIFY
        assertRefusal(response, 400, "Bearer realm=\"test-api\", error=\"invalid_request\", " +
                "error_description=\"The bearer token is not a valid b64token\"",
                "{\"error\":\"invalid_request\",\"error_description\":\"The bearer token is not a valid b64token\"}");
        Assertions.assertEquals(1, valve.getRefusedInvalidRequestCount());
        Assertions.assertEquals(0, service.introspections());
    }


    @Test
    void invokeWhenTokenInHeaderAndQueryThenBadRequest() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.get("/app/orders?x=1&access_token=" + READ_TOKEN,
                "Authorization", bearer(READ_TOKEN));

        // VERIFY
        assertRefusal(response, 400, "Bearer realm=\"test-api\", error=\"invalid_request\", " +
                "error_description=\"The token is sent in more than one place\"",
                "{\"error\":\"invalid_request\",\"error_description\":\"The token is sent in more than one place\"}");
    }


    @Test
    void invokeWhenTokenInHeaderAndFormBodyThenBadRequest() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.send("POST", "/app/orders", "application/x-www-form-urlencoded",
                "item=1&access_token=" + UPDATE_TOKEN, "Authorization", bearer(UPDATE_TOKEN));

        // VERIFY
        Assertions.assertEquals(400, response.statusCode());
        Assertions.assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("")
                .contains("error=\"invalid_request\""));
    }


    @Test
    void invokeWhenTokenValidThenPrincipalRolesAndAttributes() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN));

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
        List<String> lines = Arrays.asList(response.body().split("\\R"));
        Assertions.assertTrue(lines.contains("user=alice"), response.body());
        Assertions.assertTrue(lines.contains("authType=BEARER"), response.body());
        Assertions.assertTrue(lines.contains("role.read=true"), response.body());
        Assertions.assertTrue(lines.contains("role.update=false"), response.body());
        Assertions.assertTrue(lines.contains("client=orders-app"), response.body());
        Assertions.assertTrue(lines.contains("scopes=read"), response.body());
        Assertions.assertTrue(lines.contains("expiresAt=" + exp + " java.lang.Long"), response.body());
        Assertions.assertEquals(1, valve.getAdmittedCount());
    }


    @Test
    void invokeWhenUpdateTokenThenBothRolesAndAuditAllowed() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.get("/app/audit/2024", "Authorization", bearer(UPDATE_TOKEN));

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
        Assertions.assertTrue(response.body().contains("role.update=true"), response.body());
        Assertions.assertTrue(response.body().contains("role.read=true"), response.body());
        Assertions.assertTrue(response.body().contains("scopes=read update"), response.body());
    }


    @Test
    void invokeWhenClientCredentialsTokenThenPrincipalIsClientId() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.get("/app/orders", "Authorization", bearer(CLIENT_TOKEN));

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
        Assertions.assertTrue(response.body().contains("user=batch-app"), response.body());
        Assertions.assertTrue(response.body().contains("client=batch-app"), response.body());
    }


    @Test
    void invokeWhenAuthenticatedRuleThenAnyActiveTokenPasses() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> me = tomcat.get("/app/me", "Authorization", bearer(OTHER_TOKEN));
        HttpResponse<String> orders = tomcat.get("/app/orders", "Authorization", bearer(OTHER_TOKEN));

        // VERIFY
        Assertions.assertEquals(200, me.statusCode(), me.body());
        Assertions.assertTrue(me.body().contains("user=carol"), me.body());
        Assertions.assertEquals(403, orders.statusCode());
    }


    @Test
    void invokeWhenPublicRuleThenPassesWithoutLookingAtTheToken() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> plain = tomcat.get("/app/health");
        HttpResponse<String> malformed = tomcat.get("/app/health", "Authorization", "Bearer !!!");
        HttpResponse<String> valid = tomcat.get("/app/health", "Authorization", bearer(READ_TOKEN));

        // VERIFY
        Assertions.assertEquals(200, plain.statusCode());
        Assertions.assertEquals(200, malformed.statusCode());
        Assertions.assertEquals(200, valid.statusCode());
        Assertions.assertTrue(valid.body().contains("user=null"), valid.body());
        Assertions.assertEquals(0, service.introspections());
        Assertions.assertEquals(3, valve.getPassedCount());
    }


    @Test
    void invokeWhenPathHasParametersOrDotSegmentsThenMatchedNormalised() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST: both normalise to /app/audit/x, which needs update
        HttpResponse<String> dots = tomcat.get("/app/health/../audit/x", "Authorization", bearer(READ_TOKEN));
        HttpResponse<String> params = tomcat.get("/app/audit;jsessionid=1/x", "Authorization", bearer(READ_TOKEN));

        // VERIFY
        Assertions.assertEquals(403, dots.statusCode());
        Assertions.assertEquals(403, params.statusCode());
    }


    @Test
    void invokeWhenTomcatRejectedTheUriThenItsOwnBadRequestNotAServiceError() throws Exception {
        // PREPARE: an encoded solidus is rejected by the connector, which still routes the request through the Host
        // pipeline (with no decoded URI) to render its error page
        tomcat.start();

        // TEST
        HttpResponse<String> encodedSlash = tomcat.get("/app/health/..%2faudit/x", "Authorization", bearer(READ_TOKEN));

        // VERIFY
        Assertions.assertEquals(400, encodedSlash.statusCode());
        Assertions.assertEquals(0, valve.getRefusedUnavailableCount());
        Assertions.assertEquals(0, service.introspections());
    }


    @Test
    void invokeWhenUnmatchedThenForbiddenAccessDenied() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.send("PUT", "/app/orders/1", "application/json", "{}",
                "Authorization", bearer(UPDATE_TOKEN));

        // VERIFY
        assertRefusal(response, 403, null,
                "{\"error\":\"access_denied\",\"error_description\":\"No rule grants access to this resource\"}");
        Assertions.assertEquals(1, valve.getRefusedUnmatchedCount());
        Assertions.assertEquals(0, service.introspections());
    }


    @Test
    void invokeWhenUnmatchedAndAllowUnmatchedThenPasses() throws Exception {
        // PREPARE
        valve.setAllowUnmatched(true);
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.send("PUT", "/app/orders/1", "application/json", "{}");

        // VERIFY
        Assertions.assertEquals(200, response.statusCode());
        Assertions.assertTrue(response.body().contains("user=null"), response.body());
    }


    @Test
    void invokeWhenAsyncServletThenStillWorks() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST
        HttpResponse<String> response = tomcat.get("/app/async/orders", "Authorization", bearer(READ_TOKEN));

        // VERIFY
        Assertions.assertTrue(valve.isAsyncSupported());
        Assertions.assertEquals(200, response.statusCode(), response.body());
        Assertions.assertTrue(response.body().contains("async=true"), response.body());
        Assertions.assertTrue(response.body().contains("user=alice"), response.body());
    }


    @Test
    void invokeWhenTokenServiceDownThenServiceUnavailable() throws Exception {
        // PREPARE
        tomcat.start();
        service.close();

        // TEST
        HttpResponse<String> response = tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN));

        // VERIFY
        Assertions.assertEquals(503, response.statusCode());
        Assertions.assertEquals("7", response.headers().firstValue("Retry-After").orElse(null));
        assertRefusal(response, 503, null, "{\"error\":\"temporarily_unavailable\"," +
                "\"error_description\":\"The token service is unavailable, try again later\"}");
        Assertions.assertFalse(valve.isTokenServiceAvailable());
        Assertions.assertEquals(1, valve.getRefusedUnavailableCount());
    }


    @Test
    void invokeWhenTokenServiceAnswersGarbageThenServiceUnavailable() throws Exception {
        // PREPARE
        tomcat.start();
        service.setMode(FakeTokenService.Mode.GARBAGE);

        // TEST
        HttpResponse<String> response = tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN));

        // VERIFY
        Assertions.assertEquals(503, response.statusCode());
        Assertions.assertEquals("7", response.headers().firstValue("Retry-After").orElse(null));
    }


    @Test
    void invokeWhenTokenServiceAnswersErrorThenServiceUnavailable() throws Exception {
        // PREPARE
        tomcat.start();
        service.setMode(FakeTokenService.Mode.ERROR);

        // TEST
        HttpResponse<String> response = tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN));

        // VERIFY
        Assertions.assertEquals(503, response.statusCode());
    }


    @Test
    void invokeWhenTokenServiceTooSlowThenServiceUnavailable() throws Exception {
        // PREPARE
        tomcat.start();
        service.setMode(FakeTokenService.Mode.SLOW);

        // TEST
        HttpResponse<String> response = tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN));

        // VERIFY
        Assertions.assertEquals(503, response.statusCode());
    }


    @Test
    void invokeWhenTokenServiceRecoversThenAdmittedAgain() throws Exception {
        // PREPARE
        tomcat.start();
        service.setMode(FakeTokenService.Mode.ERROR);
        HttpResponse<String> during = tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN));
        service.setMode(FakeTokenService.Mode.NORMAL);

        // TEST
        HttpResponse<String> after = tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN));

        // VERIFY
        Assertions.assertEquals(503, during.statusCode());
        Assertions.assertEquals(200, after.statusCode());
        Assertions.assertTrue(valve.isTokenServiceAvailable());
    }


    @Test
    void invokeWhenTokenRepeatedThenIntrospectedOnce() throws Exception {
        // PREPARE
        tomcat.start();
        awaitCacheTrusted(READ_TOKEN);
        tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN));
        int introspections = service.introspections();
        long hits = valve.getCacheHitCount();

        // TEST
        HttpResponse<String> second = tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN));
        HttpResponse<String> third = tomcat.get("/app/other", "Authorization", bearer(READ_TOKEN));

        // VERIFY
        Assertions.assertEquals(200, second.statusCode());
        Assertions.assertEquals(200, third.statusCode());
        Assertions.assertEquals(introspections, service.introspections());
        Assertions.assertEquals(hits + 2, valve.getCacheHitCount());
        Assertions.assertEquals(1, valve.getCachedTokenCount());
    }


    @Test
    void invokeWhenTokenRevokedThenRefusedWithinTwoSeconds() throws Exception {
        // PREPARE
        tomcat.start();
        awaitCacheTrusted(READ_TOKEN);
        Assertions.assertEquals(200, tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN)).statusCode());
        int introspections = service.introspections();

        // TEST
        long revokedAt = System.nanoTime();
        service.revoke(READ_TOKEN);
        Poll.Result<Integer> refused = Poll.within("the revoked token refused", Duration.ofSeconds(2), revokedAt,
                () -> Integer.valueOf(tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN)).statusCode()),
                status -> status.intValue() != 200);

        // VERIFY: the feed's token event (cacheTtl is 300 s) leaves the token known as revoked: refused from the
        // cache, without asking the token service again
        Assertions.assertEquals(401, refused.value().intValue());
        Assertions.assertEquals(introspections, service.introspections());
    }


    @Test
    void invokeWhenClientSecretRegeneratedThenItsTokensRefused() throws Exception {
        // PREPARE
        tomcat.start();
        awaitCacheTrusted(CLIENT_TOKEN);
        Assertions.assertEquals(200, tomcat.get("/app/orders", "Authorization", bearer(CLIENT_TOKEN)).statusCode());

        // TEST
        long revokedAt = System.nanoTime();
        service.revokeClient("batch-app");
        Poll.Result<Integer> refused = Poll.within("the application's token refused", Duration.ofSeconds(2),
                revokedAt,
                () -> Integer.valueOf(tomcat.get("/app/orders", "Authorization", bearer(CLIENT_TOKEN)).statusCode()),
                status -> status.intValue() != 200);

        // VERIFY
        Assertions.assertEquals(401, refused.value().intValue());
    }


    @Test
    void invokeWhenFeedFailsThenCacheNotTrustedAndEveryRequestIntrospected() throws Exception {
        // PREPARE
        tomcat.start();
        awaitCacheTrusted(READ_TOKEN);
        service.setFeedFailing(true);
        Poll.await("the valve stops trusting its cache", Duration.ofSeconds(5),
                () -> Boolean.valueOf(!valve.isCacheTrusted()));
        int introspections = service.introspections();

        // TEST
        HttpResponse<String> first = tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN));
        HttpResponse<String> second = tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN));

        // VERIFY
        Assertions.assertFalse(valve.isCacheTrusted());
        Assertions.assertEquals(200, first.statusCode());
        Assertions.assertEquals(200, second.statusCode());
        Assertions.assertEquals(introspections + 2, service.introspections());
    }


    @Test
    void jmxWhenRunningThenCountersShownAndNoSecret() throws Exception {
        // PREPARE
        tomcat.start();
        tomcat.get("/app/orders", "Authorization", bearer(READ_TOKEN));
        tomcat.get("/app/orders");
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();

        // TEST
        Object admitted = server.getAttribute(valve.getObjectName(), "admittedCount");
        Object noToken = server.getAttribute(valve.getObjectName(), "refusedNoTokenCount");
        Object available = server.getAttribute(valve.getObjectName(), "tokenServiceAvailable");
        MBeanAttributeInfo[] attributes = server.getMBeanInfo(valve.getObjectName()).getAttributes();

        // VERIFY
        Assertions.assertEquals(Long.valueOf(1), admitted);
        Assertions.assertEquals(Long.valueOf(1), noToken);
        Assertions.assertEquals(Boolean.TRUE, available);
        for (MBeanAttributeInfo attribute : attributes) {
            Assertions.assertFalse(attribute.getName().toLowerCase().contains("secret"), attribute.getName());
            Assertions.assertFalse(attribute.getName().toLowerCase().contains("password"), attribute.getName());
            Object value = server.getAttribute(valve.getObjectName(), attribute.getName());
            Assertions.assertFalse(String.valueOf(value).contains(FakeTokenService.CLIENT_SECRET));
        }
    }


    /** Sends the token until the feed's cursor is known and the cache is trusted. */
    private void awaitCacheTrusted(String token) throws Exception {
        tomcat.get("/app/orders", "Authorization", bearer(token));
        Poll.await("the valve trusts its cache", Duration.ofSeconds(5), () -> Boolean.valueOf(valve.isCacheTrusted()));
    }
}
