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
package org.scopegate.token.web;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.scopegate.testsupport.Poll;
import org.scopegate.testsupport.PostgresCluster;
import org.scopegate.testsupport.TestDatabase;
import org.scopegate.token.EmbeddedTokenServer;
import org.scopegate.token.LogCapture;
import org.scopegate.token.store.StoreFailures;

/**
 * A running key manager that loses its database: every endpoint that needs the store answers 503 with
 * {@code Retry-After} and the protocol's JSON error, never a 500; a grant whose connection dies in the middle writes
 * no token; once the database is back the next request works. The database is a cluster of this class's own.
 */
@EnabledIfSystemProperty(named = TestDatabase.ENGINE_PROPERTY, matches = TestDatabase.POSTGRES)
public class TestStoreUnavailable {

    private static final String PASSWORD = "pw-0123456789-Kq7";

    private static PostgresCluster cluster;
    private static TestDatabase database;
    private static EmbeddedTokenServer server;
    private static String app;
    private static String introspector;

    @BeforeAll
    static void start() throws Exception {
        cluster = PostgresCluster.startNew();
        database = TestDatabase.in(cluster, "outage");
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-outage")).on(database);
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        server.createUser("alice", PASSWORD);
        String[] credentials = server.createClient(false, "password", "refresh_token", "client_credentials");
        app = EmbeddedTokenServer.basic(credentials[0], credentials[1]);
        String[] i = server.createClient(true, "client_credentials");
        introspector = EmbeddedTokenServer.basic(i[0], i[1]);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stopAndDelete();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void assertUnavailable(String what, HttpResponse<String> response) {
        Assertions.assertEquals(503, response.statusCode(), what + ": " + response.body());
        Assertions.assertEquals(String.valueOf(StoreFailures.RETRY_AFTER_SECONDS),
                response.headers().firstValue("Retry-After").orElse(null), what);
        Assertions.assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                what);
        JsonNode body = EmbeddedTokenServer.json(response);
        Assertions.assertEquals("temporarily_unavailable", body.get("error").asText(), what);
        Assertions.assertTrue(body.has("error_description"), what);
    }

    @Test
    public void everyEndpointWhenDatabaseStoppedThen503AndWorksAgainWhenItIsBack() throws Exception {
        // PREPARE
        JsonNode tokens = EmbeddedTokenServer.json(server.postForm("", app,
                "grant_type=password&username=alice&password=" + PASSWORD));
        String access = tokens.get("access_token").asText();
        cluster.stop();
        try (LogCapture log = new LogCapture()) {

            // TEST
            Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
            answers.put("password grant", server.postForm("", app,
                    "grant_type=password&username=alice&password=" + PASSWORD));
            answers.put("refresh grant", server.postForm("", app,
                    "grant_type=refresh_token&refresh_token=" + tokens.get("refresh_token").asText()));
            answers.put("client credentials grant", server.postForm("", app, "grant_type=client_credentials"));
            answers.put("revoke", server.postForm("/revoke", app, "token=" + access));
            answers.put("introspect", server.postForm("/introspect", introspector, "token=" + access));
            answers.put("revocation feed", server.send("/revocations?after=0", "GET", introspector, null, null));
            answers.put("admin", server.admin("GET", "/users", null));
            answers.put("admin change", server.admin("POST", "/scopes", "{\"name\":\"x\"}"));
            answers.put("sign-up switch", server.send("/signup", "GET", null, null, null));
            answers.put("sign-in", server.send("/api/session", "POST", null, "application/json",
                    "{\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"}"));
            cluster.start();
            HttpResponse<String> afterwards = server.postForm("", app, "grant_type=client_credentials");
            HttpResponse<String> introspected = server.postForm("/introspect", introspector, "token=" + access);

            // VERIFY
            answers.forEach(TestStoreUnavailable::assertUnavailable);
            Assertions.assertEquals(200, afterwards.statusCode(), "the first request after the outage works: "
                    + afterwards.body());
            Assertions.assertTrue(EmbeddedTokenServer.json(introspected).get("active").asBoolean(),
                    "the revocation refused during the outage changed nothing");
            Assertions.assertEquals(1, log.count("The token store is unavailable"), log.messages(Level.INFO)
                    .toString());
            Assertions.assertEquals(1, log.count("The token store is available again"));
            Assertions.assertTrue(log.withStackTraces().isEmpty(), "no stack trace: " + log.withStackTraces());
        } finally {
            cluster.start();
        }
    }

    @Test
    public void grantWhenConnectionLostInTheMiddleThen503AndNoTokenWritten() throws Exception {
        // PREPARE: a grant that stops, after inserting its tokens, on a lock this test holds; then its session dies
        Assertions.assertEquals(200, server.postForm("", app, "grant_type=client_credentials").statusCode());
        long before = tokenRows();
        try (Connection holder = cluster.connect(database.name())) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE oauth_token_daily IN EXCLUSIVE MODE");
            }

            // TEST
            CompletableFuture<HttpResponse<String>> grant = CompletableFuture.supplyAsync(
                    () -> server.postForm("", app, "grant_type=client_credentials"));
            try (Connection observer = cluster.connect(database.name())) {
                int waiting = waitingSession(observer);
                try (PreparedStatement ps = observer.prepareStatement("SELECT pg_terminate_backend(?)")) {
                    ps.setInt(1, waiting);
                    ps.execute();
                }
            }
            HttpResponse<String> answer = grant.get(30, TimeUnit.SECONDS);
            holder.rollback();

            // VERIFY
            assertUnavailable("grant cut short", answer);
            Assertions.assertEquals(before, tokenRows(), "no token of the interrupted grant was kept");
        }
        Assertions.assertEquals(200, server.postForm("", app, "grant_type=client_credentials").statusCode());
    }

    private static int waitingSession(Connection observer) throws Exception {
        // auto-commit: pg_stat_activity is read afresh by each transaction only
        try (PreparedStatement ps = observer.prepareStatement("SELECT pid FROM pg_stat_activity "
                + "WHERE datname = ? AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")) {
            ps.setString(1, database.name());
            return Poll.within("the grant waits for the lock", Duration.ofSeconds(20), () -> {
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Integer.valueOf(rs.getInt(1)) : null;
                }
            }, pid -> pid != null).value().intValue();
        }
    }

    private static long tokenRows() throws Exception {
        try (Connection c = cluster.connect(database.name()); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM oauth_token")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
