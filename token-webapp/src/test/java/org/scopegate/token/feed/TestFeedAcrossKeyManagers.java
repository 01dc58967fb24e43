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
package org.scopegate.token.feed;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.scopegate.testsupport.PostgresCluster;
import org.scopegate.testsupport.TestDatabase;
import org.scopegate.token.EmbeddedTokenServer;
import org.scopegate.token.KeyManagers;
import org.scopegate.token.crypto.Digests;

/**
 * Two key managers on one PostgreSQL database: the events one commits reach the streams of the other through
 * {@code NOTIFY}/{@code LISTEN} (long before the other's periodic read of the table, set to 5 s here), in order,
 * none lost or repeated, also after the listening connection was killed.
 */
@EnabledIfSystemProperty(named = TestDatabase.ENGINE_PROPERTY, matches = TestDatabase.POSTGRES)
public class TestFeedAcrossKeyManagers {

    private static final long HEARTBEAT = 5000;

    private static KeyManagers kms;
    private static EmbeddedTokenServer a;
    private static EmbeddedTokenServer b;
    private static String app;
    private static String introspector;

    @BeforeAll
    static void start() throws Exception {
        kms = KeyManagers.start(2, "feed", server -> server
                .with(RevocationFeedConfig.HEARTBEAT, Long.toString(HEARTBEAT))
                .with(RevocationFeedConfig.ACK_TIMEOUT, Long.toString(2 * HEARTBEAT)));
        a = kms.get(0);
        b = kms.get(1);
        a.createScope("read");
        a.createUser("alice", "pw-0123456789-Kq7", "reader");
        String[] credentials = a.createClient(false, "password");
        app = EmbeddedTokenServer.basic(credentials[0], credentials[1]);
        String[] i = a.createClient(true, "client_credentials");
        introspector = EmbeddedTokenServer.basic(i[0], i[1]);
    }

    @AfterAll
    static void stop() {
        if (kms != null) {
            kms.close();
        }
    }

    private static String token(EmbeddedTokenServer server) {
        HttpResponse<String> response = server.postForm("", app,
                "grant_type=password&username=alice&password=pw-0123456789-Kq7&scope=read");
        Assertions.assertEquals(200, response.statusCode(), response.body());
        return EmbeddedTokenServer.json(response).get("access_token").asText();
    }

    private static EventStreamClient stream(EmbeddedTokenServer server) throws Exception {
        EventStreamClient stream = new EventStreamClient(server.url() + "/revocations", introspector, null);
        Assertions.assertEquals(200, stream.status());
        Assertions.assertEquals("hello", stream.next().name());
        stream.acknowledgeWith((id, cursor) -> server.postForm("/revocations", introspector,
                "stream=" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&cursor=" + cursor));
        return stream;
    }

    /** Waits for the next batch, at most the time given; the heartbeat (5 s) cannot be what brings it. */
    private static JsonNode nextBatch(EventStreamClient stream, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            EventStreamClient.Event e = stream.next();
            if (e != null && "revocations".equals(e.name())) {
                return e.data();
            }
        }
        return null;
    }

    @Test
    void revokeAtOneKeyManagerThenTheOthersStreamHasItByNotification() throws Exception {
        try (EventStreamClient atB = stream(b)) {
            String token = token(a);

            // TEST
            long start = System.nanoTime();
            Assertions.assertEquals(200, a.postForm("/revoke", app, "token=" + token).statusCode());
            JsonNode batch = nextBatch(atB, 2000);
            long millis = (System.nanoTime() - start) / 1_000_000;

            // VERIFY
            Assertions.assertNotNull(batch, "no event on the other key manager's stream within 2 s");
            Assertions.assertEquals(Digests.sha256Hex(token), batch.get("events").get(0).get("value").asText());
            Assertions.assertTrue(millis < HEARTBEAT, "arrived after " + millis + " ms");
        }
    }

    @Test
    void revokeAtBothKeyManagersThenEveryStreamHasEveryEventOnceInOrder() throws Exception {
        try (EventStreamClient atA = stream(a); EventStreamClient atB = stream(b)) {
            // TEST: alternating key managers
            List<String> revoked = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                EmbeddedTokenServer at = i % 2 == 0 ? a : b;
                String token = token(at);
                Assertions.assertEquals(200, at.postForm("/revoke", app, "token=" + token).statusCode());
                revoked.add(Digests.sha256Hex(token));
            }

            // VERIFY
            Assertions.assertEquals(revoked, received(atA, revoked.size()));
            Assertions.assertEquals(revoked, received(atB, revoked.size()));
        }
    }

    @Test
    void listenWhenItsConnectionIsKilledThenItListensAgainAndEventsStillArriveByNotification() throws Exception {
        try (EventStreamClient atB = stream(b)) {
            // PREPARE: every connection to the database killed, the listening ones included
            Timestamp killedAt = databaseNow();
            PostgresCluster.shared().terminateConnections(kms.database().name());
            awaitListeners(2, killedAt, 10_000);
            String token = token(a);

            // TEST
            Assertions.assertEquals(200, a.postForm("/revoke", app, "token=" + token).statusCode());
            JsonNode batch = nextBatch(atB, 2000);

            // VERIFY
            Assertions.assertNotNull(batch, "no event within 2 s after the listening connection was killed");
            Assertions.assertEquals(Digests.sha256Hex(token), batch.get("events").get(0).get("value").asText());
        }
    }

    private static Timestamp databaseNow() throws Exception {
        try (Connection c = PostgresCluster.shared().connect(kms.database().name());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /** Waits until as many sessions of the key managers' database, opened since the time given, listen. */
    private static void awaitListeners(int count, Timestamp since, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        int listening = 0;
        try (Connection c = PostgresCluster.shared().connect(kms.database().name());
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN %' "
                        + "AND backend_start > ?")) {
            ps.setTimestamp(1, since);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    listening = rs.getInt(1);
                }
                if (listening >= count) {
                    return;
                }
                Thread.sleep(50);
            }
        }
        Assertions.fail(listening + " of " + count + " key managers listen again " + millis + " ms after the kill");
    }

    /** The values of the next events of a stream, in order, with their ids strictly increasing. */
    private static List<String> received(EventStreamClient stream, int count) throws Exception {
        List<String> values = new ArrayList<>();
        long last = -1;
        while (values.size() < count) {
            JsonNode batch = nextBatch(stream, 3000);
            Assertions.assertNotNull(batch, "only " + values + " arrived");
            long cursor = batch.get("cursor").asLong();
            Assertions.assertTrue(cursor > last, "cursor went from " + last + " to " + cursor);
            last = cursor;
            for (JsonNode e : batch.get("events")) {
                values.add(e.get("value").asText());
            }
        }
        return values;
    }
}
