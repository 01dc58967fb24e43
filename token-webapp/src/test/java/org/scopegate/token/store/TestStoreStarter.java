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
package org.scopegate.token.store;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.scopegate.testsupport.Poll;
import org.scopegate.testsupport.PostgresCluster;
import org.scopegate.testsupport.TestDatabase;
import org.scopegate.token.EmbeddedTokenServer;
import org.scopegate.token.LogCapture;

/**
 * A key manager starting on PostgreSQL: one that starts while the database is down answers 503 and comes up with it,
 * saying so once each way; wrong settings stop the webapp with one log line and no stack trace; two that start at once
 * on a fresh database migrate it once. The database is a cluster of this class's own, stopped and started at will.
 */
@EnabledIfSystemProperty(named = TestDatabase.ENGINE_PROPERTY, matches = TestDatabase.POSTGRES)
public class TestStoreStarter {

    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.startNew();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static EmbeddedTokenServer server(String prefix, TestDatabase database) throws Exception {
        return new EmbeddedTokenServer(Files.createTempDirectory(prefix)).on(database);
    }

    @Test
    public void startWhenDatabaseDownThenAnswers503AndOpensWhenItComesUp() throws Exception {
        // PREPARE
        TestDatabase database = TestDatabase.in(cluster, "waiting");
        cluster.stop();
        EmbeddedTokenServer server = server("token-waiting", database);
        try (LogCapture log = new LogCapture()) {

            // TEST
            LifecycleState state = server.start();
            HttpResponse<String> whileDown = server.postForm("", EmbeddedTokenServer.basic("any", "secret"),
                    "grant_type=client_credentials");
            HttpResponse<String> adminWhileDown = server.admin("GET", "/users", null);
            Thread.sleep(1500);
            cluster.start();
            int status = Poll.within("the store opens once the database is back", Duration.ofSeconds(60),
                    () -> Integer.valueOf(server.admin("GET", "/users", null).statusCode()),
                    s -> s.intValue() != 503).value().intValue();

            // VERIFY
            Assertions.assertEquals(LifecycleState.STARTED, state, "a database that is down does not stop the webapp");
            Assertions.assertEquals(503, whileDown.statusCode(), whileDown.body());
            Assertions.assertEquals(String.valueOf(StoreFailures.RETRY_AFTER_SECONDS),
                    whileDown.headers().firstValue("Retry-After").orElse(null));
            Assertions.assertEquals("temporarily_unavailable",
                    EmbeddedTokenServer.json(whileDown).get("error").asText());
            Assertions.assertEquals(503, adminWhileDown.statusCode(), adminWhileDown.body());
            Assertions.assertEquals(200, status, "the store opened once the database came");
            Assertions.assertEquals(1, log.count("The token store is unavailable at start"), log.messages(Level.INFO)
                    .toString());
            Assertions.assertEquals(1, log.count("The token store is available after"));
            Assertions.assertTrue(log.withStackTraces().isEmpty(), "no stack trace: " + log.withStackTraces());
            server.createUser("late", "pw-0123456789-Kq7");
            String[] app = server.createClient(false, "password");
            HttpResponse<String> grant = server.postForm("", EmbeddedTokenServer.basic(app[0], app[1]),
                    "grant_type=password&username=late&password=pw-0123456789-Kq7");
            Assertions.assertEquals(200, grant.statusCode(), grant.body());
        } finally {
            cluster.start();
            server.stopAndDelete();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bad password     | password=wrong-password | password authentication failed",
        "missing database | database=no_such_db     | does not exist",
        "unknown host     | host=no-such-host.invalid | unknown host no-such-host.invalid",
        "not a PostgreSQL URL | url=jdbc:mysql://127.0.0.1/scopegate | jdbcUrl must be a PostgreSQL JDBC URL" })
    public void startWhenSettingsWrongThenWebappStopsWithOneLogLine(String name, String change, String reason)
            throws Exception {
        // PREPARE
        TestDatabase good = TestDatabase.in(cluster, "settings");
        EmbeddedTokenServer server = server("token-settings", good);
        String[] kv = change.split("=", 2);
        switch (kv[0]) {
            case "password" -> server.with("jdbcPassword", kv[1]);
            case "database" -> server.with("jdbcUrl", cluster.jdbcUrl(kv[1]));
            case "host" -> server.with("jdbcUrl", "jdbc:postgresql://" + kv[1] + ":" + cluster.port() + "/settings");
            default -> server.with("jdbcUrl", kv[1]);
        }
        try (LogCapture log = new LogCapture()) {

            // TEST
            LifecycleState state = server.start();

            // VERIFY
            Assertions.assertNotEquals(LifecycleState.STARTED, state);
            List<String> errors = log.messages(Level.SEVERE);
            Assertions.assertEquals(1, errors.size(), errors.toString());
            Assertions.assertTrue(errors.get(0).contains(reason), errors.get(0));
            Assertions.assertFalse(errors.get(0).contains(good.password()), "no password in the log");
            List<LogRecord> traces = log.withStackTraces();
            Assertions.assertTrue(traces.isEmpty(), "no stack trace, got one from " + (traces.isEmpty() ? ""
                    : traces.get(0).getLoggerName() + ": " + traces.get(0).getThrown()));
        } finally {
            server.stopAndDelete();
        }
    }

    @Test
    public void startWhenTwoKeyManagersStartAtOnceOnAFreshDatabaseThenOneMigratesAndBothRun() throws Exception {
        // PREPARE: a default scope that the migrations do not create, so both try to add it
        TestDatabase database = TestDatabase.in(cluster, "twice");
        EmbeddedTokenServer first = server("token-twice-a", database).with("defaultScope", "basic");
        EmbeddedTokenServer second = server("token-twice-b", database).with("defaultScope", "basic");
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // TEST
            Future<LifecycleState> a = threads.submit(() -> {
                together.await(10, TimeUnit.SECONDS);
                return first.start();
            });
            Future<LifecycleState> b = threads.submit(() -> {
                together.await(10, TimeUnit.SECONDS);
                return second.start();
            });

            // VERIFY
            Assertions.assertEquals(LifecycleState.STARTED, a.get(120, TimeUnit.SECONDS));
            Assertions.assertEquals(LifecycleState.STARTED, b.get(120, TimeUnit.SECONDS));
            try (Connection c = cluster.connect(database.name()); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT version, COUNT(*) FROM flyway_schema_history "
                        + "WHERE success GROUP BY version HAVING COUNT(*) > 1")) {
                    Assertions.assertFalse(rs.next(), "a migration was applied twice");
                }
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM oauth_scope WHERE name = 'basic'")) {
                    rs.next();
                    Assertions.assertEquals(1, rs.getInt(1));
                }
            }
        } finally {
            threads.shutdownNow();
            first.stopAndDelete();
            second.stopAndDelete();
        }
    }
}
