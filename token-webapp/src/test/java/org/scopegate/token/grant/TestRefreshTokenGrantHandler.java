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
package org.scopegate.token.grant;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;

/**
 * The refresh grant checks again what the refresh token stands for: the user (gone or disabled: refused), the roles
 * behind each scope (narrowed to what the user holds now), and the age of the family (a rotated family ends
 * {@code refreshFamilyMaxAge} after it began). Concurrent uses of one refresh token: one winner, and the whole family
 * revoked by the replays.
 */
public class TestRefreshTokenGrantHandler {

    private static final String PASSWORD = "Cobalt-Orchard-6127";
    private static final int FAMILY_MAX_AGE = 5;

    private static EmbeddedTokenServer server;
    private static String basic;
    private static String introspect;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("refresh-grant"))
                .with("refreshFamilyMaxAge", String.valueOf(FAMILY_MAX_AGE));
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        server.createScope("orders.read", "clerk");
        server.createScope("orders.write", "manager");
        String[] client = server.createClient(true, "password", "refresh_token");
        basic = EmbeddedTokenServer.basic(client[0], client[1]);
        introspect = basic;
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    public void refreshWhenAScopeNowNeedsARoleTheUserLacksThenNarrowedToWhatTheUserHoldsNow() {
        // PREPARE
        server.createUser("jack", PASSWORD, "clerk", "manager");
        JsonNode first = grant("jack", "orders.read orders.write");
        Assertions.assertEquals("orders.read orders.write", first.get("scope").asText());
        server.admin("PATCH", "/scopes/orders.write", "{\"roles\":[\"director\"]}");

        // TEST
        JsonNode refreshed = json(refresh(first.get("refresh_token").asText(), null), 200);

        // VERIFY
        Assertions.assertEquals("orders.read", refreshed.get("scope").asText());
        server.admin("PATCH", "/scopes/orders.write", "{\"roles\":[\"manager\"]}");
        JsonNode again = json(refresh(refreshed.get("refresh_token").asText(), null), 200);
        Assertions.assertEquals("orders.read orders.write", again.get("scope").asText(),
                "the refresh token keeps its scope; the role given back gives the scope back");
    }

    @Test
    public void refreshWhenUserDisabledOrDeletedThoughTheTokenSurvivedThenInvalidGrant() throws Exception {
        // PREPARE: tokens that a lost race left alive (the admin API revokes them), then the user disabled, then gone
        server.createUser("kate", PASSWORD);
        JsonNode first = grant("kate", null);
        JsonNode second = grant("kate", null);
        try (Connection c = server.openStore();
                PreparedStatement ps = c.prepareStatement("UPDATE oauth_user SET enabled = FALSE WHERE username = ?")) {
            ps.setString(1, "kate");
            Assertions.assertEquals(1, ps.executeUpdate());
        }

        // TEST
        HttpResponse<String> disabled = refresh(first.get("refresh_token").asText(), null);
        try (Connection c = server.openStore();
                PreparedStatement roles = c.prepareStatement("DELETE FROM oauth_user_role WHERE username = ?");
                PreparedStatement user = c.prepareStatement("DELETE FROM oauth_user WHERE username = ?");
                PreparedStatement name = c.prepareStatement("DELETE FROM oauth_principal_name WHERE name_key = ?")) {
            roles.setString(1, "kate");
            roles.executeUpdate();
            user.setString(1, "kate");
            Assertions.assertEquals(1, user.executeUpdate());
            name.setString(1, "kate");
            name.executeUpdate();
        }
        server.createUser("kate", PASSWORD);
        HttpResponse<String> gone = refresh(second.get("refresh_token").asText(), null);

        // VERIFY: refused, even though a new kate exists now
        assertInvalidGrant(disabled);
        assertInvalidGrant(gone);
    }

    @Test
    public void refreshWhenFamilyOlderThanItsMaximumAgeThenInvalidGrantHoweverOftenRotated() throws Exception {
        // PREPARE
        server.createUser("liam", PASSWORD);
        long start = System.currentTimeMillis();
        JsonNode tokens = grant("liam", null);
        tokens = json(refresh(tokens.get("refresh_token").asText(), null), 200);
        tokens = json(refresh(tokens.get("refresh_token").asText(), null), 200);
        JsonNode refreshInfo = EmbeddedTokenServer.json(server.postForm("/introspect", introspect,
                "token=" + tokens.get("refresh_token").asText()));
        Thread.sleep(Math.max(0, start + FAMILY_MAX_AGE * 1000L + 200 - System.currentTimeMillis()));

        // TEST
        HttpResponse<String> tooOld = refresh(tokens.get("refresh_token").asText(), null);

        // VERIFY
        assertInvalidGrant(tooOld);
        if (refreshInfo.get("active").asBoolean()) {
            Assertions.assertTrue(refreshInfo.get("exp").asLong() <= (start / 1000) + FAMILY_MAX_AGE + 1,
                    "a rotated refresh token outlives its family: " + refreshInfo);
        }
    }

    @Test
    public void refreshWhenSixUseOneTokenAtOnceThenExactlyOneWinsAndTheReplaysRevokeTheWholeFamily()
            throws Exception {
        // PREPARE
        server.createUser("mona", PASSWORD);
        JsonNode first = grant("mona", null);
        String refresh = first.get("refresh_token").asText();
        int uses = 6;
        CyclicBarrier together = new CyclicBarrier(uses);
        ExecutorService pool = Executors.newFixedThreadPool(uses);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();

        // TEST
        for (int i = 0; i < uses; i++) {
            answers.add(pool.submit(() -> {
                together.await(30, TimeUnit.SECONDS);
                return refresh(refresh, null);
            }));
        }

        // VERIFY
        JsonNode winner = null;
        int wins = 0;
        for (Future<HttpResponse<String>> f : answers) {
            HttpResponse<String> answer = f.get(60, TimeUnit.SECONDS);
            if (answer.statusCode() == 200) {
                wins++;
                winner = EmbeddedTokenServer.json(answer);
            } else {
                assertInvalidGrant(answer);
            }
        }
        pool.shutdown();
        Assertions.assertEquals(1, wins, "winners among " + uses + " uses of one refresh token");
        Assertions.assertFalse(active(first.get("access_token").asText()), "the family's first access token");
        Assertions.assertFalse(active(winner.get("access_token").asText()), "the winner's access token");
        assertInvalidGrant(refresh(winner.get("refresh_token").asText(), null));
    }

    private static JsonNode grant(String username, String scope) {
        return json(server.postForm("", basic, "grant_type=password&username=" + username + "&password=" + PASSWORD
                + (scope == null ? "" : "&scope=" + scope)), 200);
    }

    private static HttpResponse<String> refresh(String token, String scope) {
        return server.postForm("", basic, "grant_type=refresh_token&refresh_token=" + token
                + (scope == null ? "" : "&scope=" + scope));
    }

    private static boolean active(String token) {
        return EmbeddedTokenServer.json(server.postForm("/introspect", introspect, "token=" + token)).get("active")
                .asBoolean();
    }

    private static JsonNode json(HttpResponse<String> response, int status) {
        Assertions.assertEquals(status, response.statusCode(), response.body());
        return EmbeddedTokenServer.json(response);
    }

    private static void assertInvalidGrant(HttpResponse<String> response) {
        Assertions.assertEquals(400, response.statusCode(), response.body());
        Assertions.assertEquals("invalid_grant", EmbeddedTokenServer.json(response).get("error").asText());
    }
}
