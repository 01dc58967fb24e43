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
package org.scopegate.token;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.scopegate.testsupport.Poll;
import org.scopegate.testsupport.TestDatabase;
import org.scopegate.token.store.ScopeStore;

/**
 * Two equal key managers (two embedded Tomcats, each with its own token service and pool) on one PostgreSQL
 * database: whatever one issues, the other refreshes, revokes and introspects; races sent to both at once keep refresh
 * rotation and family revocation; statistics, sign-up settings, scopes and purging behave with both running.
 */
@EnabledIfSystemProperty(named = TestDatabase.ENGINE_PROPERTY, matches = TestDatabase.POSTGRES)
public class TestSeveralKeyManagers {

    private static final String PASSWORD = "pw-0123456789-Kq7";

    private static KeyManagers kms;
    private static EmbeddedTokenServer a;
    private static EmbeddedTokenServer b;
    private static String app;
    private static String appId;
    private static String introspector;

    @BeforeAll
    static void start() throws Exception {
        kms = KeyManagers.start(2, "several", server -> server.with("purgeInterval", "1"));
        a = kms.get(0);
        b = kms.get(1);
        a.createScope("read", "reader");
        a.createUser("alice", PASSWORD, "reader");
        String[] credentials = a.createClient(false, "password", "refresh_token", "client_credentials");
        appId = credentials[0];
        app = EmbeddedTokenServer.basic(credentials[0], credentials[1]);
        String[] i = b.createClient(true, "client_credentials");
        introspector = EmbeddedTokenServer.basic(i[0], i[1]);
    }

    @AfterAll
    static void stop() {
        if (kms != null) {
            kms.close();
        }
    }

    private static JsonNode login(EmbeddedTokenServer server, String user) {
        HttpResponse<String> response = server.postForm("", app,
                "grant_type=password&username=" + user + "&password=" + PASSWORD + "&scope=read");
        Assertions.assertEquals(200, response.statusCode(), response.body());
        return EmbeddedTokenServer.json(response);
    }

    private static boolean active(EmbeddedTokenServer server, String token) {
        HttpResponse<String> response = server.postForm("/introspect", introspector, "token=" + token);
        Assertions.assertEquals(200, response.statusCode(), response.body());
        return EmbeddedTokenServer.json(response).get("active").asBoolean();
    }

    private static HttpResponse<String> refresh(EmbeddedTokenServer server, String refreshToken) {
        return server.postForm("", app, "grant_type=refresh_token&refresh_token=" + refreshToken);
    }

    @Test
    public void tokenWhenIssuedByOneThenRefreshedRevokedAndIntrospectedByTheOther() {
        // PREPARE
        JsonNode issued = login(a, "alice");

        // TEST
        boolean activeOnB = active(b, issued.get("access_token").asText());
        HttpResponse<String> refreshed = refresh(b, issued.get("refresh_token").asText());
        JsonNode rotated = EmbeddedTokenServer.json(refreshed);
        boolean rotatedActiveOnA = active(a, rotated.get("access_token").asText());
        HttpResponse<String> revoked = a.postForm("/revoke", app, "token=" + rotated.get("access_token").asText());

        // VERIFY
        Assertions.assertTrue(activeOnB, "a token issued by A is active at B");
        Assertions.assertEquals(200, refreshed.statusCode(), refreshed.body());
        Assertions.assertTrue(rotatedActiveOnA, "a token refreshed at B is active at A");
        Assertions.assertEquals(200, revoked.statusCode(), revoked.body());
        Assertions.assertFalse(active(b, rotated.get("access_token").asText()), "revoked at A, inactive at B");
        Assertions.assertFalse(active(a, rotated.get("access_token").asText()));
        Assertions.assertEquals(400, refresh(a, issued.get("refresh_token").asText()).statusCode(),
                "the refresh token rotated at B is used up at A");
    }

    @Test
    public void refreshWhenSameTokenSentToBothAtOnceThenOneWinnerAndWholeFamilyRevoked() throws Exception {
        // PREPARE: several families, each refreshed at A and at B at the same moment
        int families = 8;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int f = 0; f < families; f++) {
                JsonNode issued = login(f % 2 == 0 ? a : b, "alice");
                String refreshToken = issued.get("refresh_token").asText();
                CyclicBarrier together = new CyclicBarrier(2);

                // TEST
                Future<HttpResponse<String>> atA = pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return refresh(a, refreshToken);
                });
                Future<HttpResponse<String>> atB = pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return refresh(b, refreshToken);
                });
                HttpResponse<String> first = atA.get(30, TimeUnit.SECONDS);
                HttpResponse<String> second = atB.get(30, TimeUnit.SECONDS);

                // VERIFY: exactly one exchange succeeded, the other is a reuse: the whole family is revoked
                List<HttpResponse<String>> winners = new ArrayList<>();
                for (HttpResponse<String> r : List.of(first, second)) {
                    if (r.statusCode() == 200) {
                        winners.add(r);
                    } else {
                        Assertions.assertEquals(400, r.statusCode(), r.body());
                        Assertions.assertEquals("invalid_grant", EmbeddedTokenServer.json(r).get("error").asText());
                    }
                }
                Assertions.assertEquals(1, winners.size(), "family " + f + ": A answered " + first.statusCode()
                        + ", B answered " + second.statusCode());
                JsonNode won = EmbeddedTokenServer.json(winners.get(0));
                Assertions.assertFalse(active(a, issued.get("access_token").asText()), "family " + f);
                Assertions.assertFalse(active(b, won.get("access_token").asText()),
                        "family " + f + ": the winner's access token is revoked with its family");
                Assertions.assertEquals(400, refresh(a, won.get("refresh_token").asText()).statusCode(),
                        "family " + f + ": the winner's refresh token is revoked with its family");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void grantWhenManyAtOnceOnBothThenStatisticsCountEveryTokenAndUserOnce() throws Exception {
        // PREPARE: a new application (no statistics row yet), users that never had a token for it
        String[] credentials = a.createClient(false, "password");
        String basic = EmbeddedTokenServer.basic(credentials[0], credentials[1]);
        int users = 6;
        int grantsPerUser = 4;
        for (int u = 0; u < users; u++) {
            b.createUser("stat" + u, PASSWORD, "reader");
        }
        int threads = users * 2;
        CyclicBarrier together = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> results = new ArrayList<>();

        // TEST: every user logs in on both servers at once, several times
        try {
            for (int t = 0; t < threads; t++) {
                EmbeddedTokenServer server = t % 2 == 0 ? a : b;
                String user = "stat" + (t / 2);
                results.add(pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    int ok = 0;
                    for (int g = 0; g < grantsPerUser / 2; g++) {
                        HttpResponse<String> r = server.postForm("", basic,
                                "grant_type=password&username=" + user + "&password=" + PASSWORD);
                        Assertions.assertEquals(200, r.statusCode(), r.body());
                        ok++;
                    }
                    return ok;
                }));
            }
            int issued = 0;
            for (Future<Integer> f : results) {
                issued += f.get(60, TimeUnit.SECONDS);
            }

            // VERIFY: asked at either server
            for (EmbeddedTokenServer server : List.of(a, b)) {
                JsonNode stats = EmbeddedTokenServer.json(server.admin("GET", "/stats/" + credentials[0], null));
                Assertions.assertEquals(users, stats.get("registered_users").asInt(), stats.toString());
                long counted = 0;
                for (JsonNode day : stats.get("tokens_per_day")) {
                    Assertions.assertEquals("password", day.get("grant_type").asText());
                    counted += day.get("issued").asLong();
                }
                Assertions.assertEquals(issued, counted, stats.toString());
            }
            Assertions.assertEquals(users * grantsPerUser, issued);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void signupWhenSwitchedOnOrOffAtOneThenTheOtherFollowsAtOnce() {
        // TEST and VERIFY: the setting is read from the store at each sign-up, never kept in memory
        a.setSignup(true);
        HttpResponse<String> accepted = b.signup("newcomer-" + System.nanoTime(), "a long passphrase 42");
        b.setSignup(false);
        HttpResponse<String> refused = a.signup("latecomer-" + System.nanoTime(), "a long passphrase 42");

        Assertions.assertEquals(201, accepted.statusCode(), accepted.body());
        Assertions.assertEquals(403, refused.statusCode(), refused.body());
        Assertions.assertEquals("signup_disabled", EmbeddedTokenServer.json(refused).get("error").asText());
    }

    @Test
    public void scopeWhenChangedAtOneThenGrantedAtOnceThereAndWithinTheCopyAgeAtTheOther() throws Exception {
        // PREPARE: B has a recent copy of the scopes (it issued a token just now)
        a.createUser("carol", PASSWORD, "auditor");
        login(b, "alice");

        // TEST: a new scope for carol's role, created at A
        a.createScope("audit", "auditor");
        long changedAt = System.nanoTime();
        String atA = grantedScope(a, "carol", "audit");
        Poll.Result<String> atB = Poll.within("the other server grants the new scope once its copy is old enough",
                Duration.ofMillis(ScopeStore.GRANT_COPY_MILLIS + 1000), changedAt,
                () -> grantedScope(b, "carol", "audit"), "audit"::equals);

        // VERIFY
        Assertions.assertEquals("audit", atA, "the server that made the change drops its copy at once");
        Assertions.assertEquals("audit", atB.value());
    }

    private static String grantedScope(EmbeddedTokenServer server, String user, String scope) {
        HttpResponse<String> response = server.postForm("", app,
                "grant_type=password&username=" + user + "&password=" + PASSWORD + "&scope=" + scope);
        Assertions.assertEquals(200, response.statusCode(), response.body());
        return EmbeddedTokenServer.json(response).get("scope").asText();
    }

    @Test
    public void purgeWhenBothPurgeTheSameStoreThenExpiredRowsGoneAndLiveTokensKept() throws Exception {
        // PREPARE: expired tokens and old revocation events written straight into the store; a live token
        JsonNode live = login(a, "alice");
        long now = System.currentTimeMillis();
        Set<String> expired = new HashSet<>();
        try (Connection c = kms.connect()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO oauth_token (token_digest, token_kind, "
                    + "client_id, username, scope, grant_type, family_id, issued_at, expires_at, revoked, used) "
                    + "VALUES (?, 'A', ?, 'alice', 'read', 'password', NULL, ?, ?, FALSE, FALSE)")) {
                for (int i = 0; i < 50; i++) {
                    String digest = String.format("%064x", i + 1);
                    expired.add(digest);
                    ps.setString(1, digest);
                    ps.setString(2, appId);
                    ps.setLong(3, now - 7_200_000L);
                    ps.setLong(4, now - 3_600_000L);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO oauth_revocation_event (event_type, event_value, created_at) "
                        + "VALUES ('token', 'old', " + (now - 7_200_000L) + ")");
            }
        }

        // TEST: both servers purge every second
        Poll.await("expired tokens purged", Duration.ofSeconds(15),
                () -> Boolean.valueOf(countWhere("oauth_token", "expires_at < " + now) == 0));

        // VERIFY
        Assertions.assertEquals(0, countWhere("oauth_revocation_event", "event_value = 'old'"));
        Assertions.assertTrue(active(b, live.get("access_token").asText()), "a live token is kept");
        try (Connection c = kms.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT setting_value FROM oauth_setting "
                        + "WHERE name = 'revocation.purgedThrough'")) {
            Assertions.assertTrue(rs.next(), "the feed knows what was purged");
        }
    }

    private static int countWhere(String table, String condition) throws Exception {
        try (Connection c = kms.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE " + condition)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
