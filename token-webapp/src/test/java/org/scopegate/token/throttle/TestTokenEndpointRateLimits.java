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
package org.scopegate.token.throttle;

import java.net.http.HttpResponse;
import java.nio.file.Files;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;

/**
 * The token endpoint's rate limits over HTTP: a flood of logins from one address is refused with 429
 * {@code slow_down} and {@code Retry-After} before any password hash is computed; the limit per client counts the
 * authenticated client only; refresh is not limited.
 */
public class TestTokenEndpointRateLimits {

    private static EmbeddedTokenServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-limits"))
                .with("grantRateLimitPerAddress", "1000").with("grantRateLimitPerClient", "3")
                .with("grantRateLimitWindow", "3600");
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        server.createUser("frank", "Limits-test-pass-0123");
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    void grantsWhenClientLimitThenFourthRefusedWithoutHashAndOthersServed() {
        // PREPARE
        String[] shop = server.createClient(false, "password", "refresh_token");
        String[] other = server.createClient(false, "client_credentials");
        String auth = EmbeddedTokenServer.basic(shop[0], shop[1]);
        String login = "grant_type=password&username=frank&password=Limits-test-pass-0123";
        String refresh = null;
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> ok = server.postForm("", auth, login);
            Assertions.assertEquals(200, ok.statusCode(), ok.body());
            refresh = EmbeddedTokenServer.json(ok).get("refresh_token").asText();
        }
        long hashesBefore = hashes();

        // TEST
        HttpResponse<String> fourth = server.postForm("", auth, login);
        HttpResponse<String> wrongSecret = server.postForm("", EmbeddedTokenServer.basic(shop[0], "wrong"), login);
        HttpResponse<String> refreshed = server.postForm("", auth, "grant_type=refresh_token&refresh_token=" + refresh);
        HttpResponse<String> otherClient = server.postForm("", EmbeddedTokenServer.basic(other[0], other[1]),
                "grant_type=client_credentials");

        // VERIFY
        Assertions.assertEquals(429, fourth.statusCode(), fourth.body());
        JsonNode error = EmbeddedTokenServer.json(fourth);
        Assertions.assertEquals("slow_down", error.get("error").asText());
        Assertions.assertTrue(error.get("error_description").asText().startsWith("Too many token requests for this "
                + "client"), fourth.body());
        long retryAfter = Long.parseLong(fourth.headers().firstValue("Retry-After").orElse("0"));
        Assertions.assertTrue(retryAfter >= 1 && retryAfter <= 1200, "Retry-After " + retryAfter);
        Assertions.assertEquals("no-store", fourth.headers().firstValue("Cache-Control").orElse(null));
        Assertions.assertEquals(hashesBefore, hashes(), "the refused login computed no password hash");
        Assertions.assertEquals(401, wrongSecret.statusCode(), "an unauthenticated caller cannot spend it");
        Assertions.assertEquals(200, refreshed.statusCode(), "refresh is not limited: " + refreshed.body());
        Assertions.assertEquals(200, otherClient.statusCode(), otherClient.body());
    }

    @Test
    void grantsWhenAddressLimitSpentThenEveryClientRefusedFromThatAddress() throws Exception {
        // PREPARE: 4 grants an hour from one address
        EmbeddedTokenServer flooded = new EmbeddedTokenServer(Files.createTempDirectory("token-flood"))
                .with("grantRateLimitPerAddress", "4").with("grantRateLimitWindow", "3600");
        try {
            Assertions.assertEquals(LifecycleState.STARTED, flooded.start());
            flooded.createUser("gina", "Flood-test-pass-4567");
            String[] app = flooded.createClient(false, "client_credentials", "password");
            String auth = EmbeddedTokenServer.basic(app[0], app[1]);
            String login = "grant_type=password&username=gina&password=Flood-test-pass-4567";
            for (int i = 0; i < 4; i++) {
                Assertions.assertEquals(200, flooded.postForm("", auth, i % 2 == 0 ? login
                        : "grant_type=client_credentials").statusCode());
            }
            long hashesBefore = hashes(flooded);

            // TEST
            HttpResponse<String> fifth = flooded.postForm("", auth, login);
            HttpResponse<String> anonymous = flooded.postForm("", null, "grant_type=password&username=a&password=b");
            HttpResponse<String> unknownGrant = flooded.postForm("", auth, "grant_type=urn:nothing");

            // VERIFY
            Assertions.assertEquals(429, fifth.statusCode(), fifth.body());
            Assertions.assertTrue(fifth.body().contains("Too many token requests from this address"), fifth.body());
            Assertions.assertEquals(429, anonymous.statusCode(), "refused before the client is even authenticated");
            Assertions.assertTrue(anonymous.headers().firstValue("Retry-After").isPresent());
            Assertions.assertEquals(hashesBefore, hashes(flooded), "no password hash for a refused login");
            Assertions.assertEquals(400, unknownGrant.statusCode(), "other grant types are not counted");
        } finally {
            flooded.stopAndDelete();
        }
    }

    private static long hashes() {
        return hashes(server);
    }

    private static long hashes(EmbeddedTokenServer on) {
        return EmbeddedTokenServer.json(on.admin("GET", "/password-hash", null)).get("hashes").asLong();
    }
}
