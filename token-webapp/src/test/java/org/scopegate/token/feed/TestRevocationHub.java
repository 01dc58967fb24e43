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

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

import javax.sql.DataSource;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.Poll;
import org.scopegate.testsupport.TestDatabase;
import org.scopegate.token.crypto.SecretGenerator;
import org.scopegate.token.store.Database;
import org.scopegate.token.store.RevocationEvent;
import org.scopegate.token.store.RevocationEventStore;
import org.scopegate.token.store.SchemaMigrator;
import org.scopegate.token.store.SettingStore;

/**
 * The hub on its own, with the servlet side played by the test: what a stream is sent, when a revoking call
 * returns, what happens to a stream that does not acknowledge, and what a heartbeat vouches for when the store
 * cannot be read.
 */
public class TestRevocationHub {

    private static final String AUTHORIZATION = "Basic dmFsdmU6c2VjcmV0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BasicDataSource pool;
    private final SwitchableDataSource dataSource = new SwitchableDataSource();
    private final RevocationEventStore events = new RevocationEventStore();
    private Database database;
    private RevocationHub hub;

    @BeforeAll
    static void migrate() {
        TestDatabase db = TestDatabase.fresh("hub");
        pool = new BasicDataSource();
        pool.setUrl(db.url());
        pool.setUsername(db.user());
        pool.setPassword(db.password());
        pool.setDefaultAutoCommit(Boolean.FALSE);
        SchemaMigrator.migrate(pool, TestRevocationHub.class.getClassLoader());
    }

    @AfterAll
    static void close() throws SQLException {
        pool.close();
    }

    private void start(long heartbeat, long ackTimeout, int maxStreams) {
        database = new Database(dataSource);
        hub = new RevocationHub(database, events, new SettingStore(), new SecretGenerator(), JSON,
                new RevocationFeedConfig(heartbeat, ackTimeout, maxStreams), System::nanoTime);
        database.setRevocationListener(hub);
        hub.start();
    }

    @BeforeEach
    void setUp() {
        dataSource.failing = false;
    }

    @AfterEach
    void tearDown() {
        if (hub != null) {
            hub.stop();
        }
    }

    /** Revokes one token through the store, as every revocation path does; returns its event id. */
    private long revoke(String value) throws SQLException {
        database.call(c -> {
            events.lock(c);
            events.insert(c, RevocationEvent.TOKEN, List.of(value), System.currentTimeMillis());
            return null;
        });
        return database.call(events::maxId).longValue();
    }

    private static void await(BooleanSupplier condition) throws Exception {
        Poll.await("the hub's stream", Duration.ofSeconds(5), () -> Boolean.valueOf(condition.getAsBoolean()));
    }

    @Test
    void eventsCommittedWhenAcknowledgedBeforeTheWriteEvenReturnsThenTheCallGoesOnAtOnce() throws Exception {
        // PREPARE: a valve so fast that its acknowledgement lands while the dispatcher is still in write()
        start(200, 5000, 10);
        FakeStream stream = FakeStream.open(hub, -1);
        stream.acknowledgeInsideWrite = true;
        await(() -> stream.hello() != null);

        // TEST
        for (int i = 0; i < 20; i++) {
            revoke("fast-" + i);
        }

        // VERIFY: every event went out and was acknowledged; no call sat out the timeout
        Assertions.assertEquals(database.call(events::maxId).longValue(), stream.lastCursor());
        Assertions.assertEquals(0, hub.getWaitTimeoutCount());
        Assertions.assertFalse(stream.completed.get());
    }

    @Test
    void eventsCommittedWhenStreamNeverAcknowledgesThenTheCallWaitsTheTimeoutAndTheStreamIsClosed() throws Exception {
        // PREPARE
        start(100, 300, 10);
        FakeStream silent = FakeStream.open(hub, -1);
        FakeStream fast = FakeStream.open(hub, -1);
        fast.acknowledgeInsideWrite = true;
        await(() -> silent.hello() != null && fast.hello() != null);

        // TEST
        long start = System.nanoTime();
        long id = revoke("slow");
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;

        // VERIFY: both were sent the event; the silent one cost the call the timeout and lost its stream
        Assertions.assertEquals(id, silent.lastCursor());
        Assertions.assertTrue(waitedMillis >= 300, "returned after " + waitedMillis + " ms");
        Assertions.assertTrue(silent.completed.get());
        Assertions.assertFalse(fast.completed.get());
        Assertions.assertEquals(1, hub.getStreamCount());
        Assertions.assertEquals(1, hub.getWaitTimeoutCount());
        Assertions.assertEquals(1, hub.getDroppedCount());
    }

    @Test
    void eventsCommittedWhenNoStreamThenNoWait() throws Exception {
        // PREPARE
        start(100, 5000, 10);

        // TEST
        revoke("nobody-listens");

        // VERIFY
        Assertions.assertEquals(0, hub.getWaitCount());
    }

    @Test
    void eventsCommittedWhenTimeoutZeroThenNoWaitEvenWithASilentStream() throws Exception {
        // PREPARE
        start(100, 0, 10);
        FakeStream silent = FakeStream.open(hub, -1);
        await(() -> silent.hello() != null);

        // TEST
        long id = revoke("no-wait");

        // VERIFY: still pushed, but nobody waited and the stream stays
        await(() -> silent.lastCursor() == id);
        Assertions.assertEquals(0, hub.getWaitCount());
        Assertions.assertFalse(silent.completed.get());
        Assertions.assertFalse(silent.hello().has("lease"));
    }

    @Test
    void openWhenAsManyStreamsAsAllowedThenRefused() throws Exception {
        // PREPARE
        start(100, 1000, 1);
        FakeStream.open(hub, -1);

        // TEST + VERIFY
        Assertions.assertNull(FakeStream.open(hub, -1));
    }

    @Test
    void heartbeatWhenStoreCannotBeReadThenItNoLongerVouchesForLaterTimes() throws Exception {
        // PREPARE
        start(50, 1000, 10);
        FakeStream stream = FakeStream.open(hub, -1);
        await(() -> stream.heartbeats().size() >= 3);

        // TEST
        dataSource.failing = true;
        int before = stream.heartbeats().size();
        await(() -> stream.heartbeats().size() >= before + 4);
        List<Long> during = stream.heartbeats().subList(before + 1, stream.heartbeats().size());
        dataSource.failing = false;
        int after = stream.heartbeats().size();
        await(() -> stream.heartbeats().size() >= after + 2);

        // VERIFY: while failing, heartbeats go on (the stream is alive) but vouch for no later time than the last read
        // that succeeded: the latest heartbeat up to and including the one whose read may have been under way when
        // the store started failing (index before), however late the machine ran them
        long last = stream.heartbeats().subList(0, before + 1).stream().mapToLong(Long::longValue).max().getAsLong();
        for (long t : during) {
            Assertions.assertTrue(t <= last, "vouched for " + t + " after the store failed at " + last);
        }
        Assertions.assertTrue(stream.heartbeats().get(stream.heartbeats().size() - 1) > during.get(during.size() - 1));
    }

    @Test
    void openWhenFromAnOldCursorThenHelloThenTheEventsAfterItThenTheyAreAcknowledgedFromThere() throws Exception {
        // PREPARE
        start(100, 2000, 10);
        long before = database.call(events::maxId).longValue();
        long first = revoke("catch-up-1");
        long second = revoke("catch-up-2");

        // TEST
        FakeStream stream = FakeStream.open(hub, before);
        await(() -> stream.lastCursor() == second);

        // VERIFY
        Assertions.assertEquals(before, stream.hello().get("cursor").asLong());
        JsonNode batch = stream.messages.get(1).json();
        Assertions.assertEquals(first, batch.get("cursor").asLong() - 1);
        Assertions.assertEquals("catch-up-2", batch.get("events").get(1).get("value").asText());
        Assertions.assertEquals(RevocationHub.Acknowledgement.RECORDED,
                hub.acknowledge(stream.id(), AUTHORIZATION, second));
        Assertions.assertEquals(RevocationHub.Acknowledgement.WRONG_CREDENTIALS,
                hub.acknowledge(stream.id(), "Basic b3RoZXI6b3RoZXI=", second));
        Assertions.assertEquals(RevocationHub.Acknowledgement.UNKNOWN_STREAM,
                hub.acknowledge("unknown", AUTHORIZATION, second));
    }

    // ------------------------------------------------------------------------------------------ the servlet side

    /** A held stream as the servlet container would give it, its bytes parsed back into messages. */
    static final class FakeStream extends ServletOutputStream {

        private RevocationHub hub;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        /** What was received, in order; a message is here before the valve acknowledges it, as a valve applies first. */
        final List<Message> messages = new CopyOnWriteArrayList<>();
        final AtomicBoolean completed = new AtomicBoolean();
        volatile boolean acknowledgeInsideWrite;
        private volatile String id;

        static FakeStream open(RevocationHub hub, long after) throws Exception {
            FakeStream out = new FakeStream();
            out.hub = hub;
            List<AsyncListener> listeners = new ArrayList<>();
            AsyncContext async = (AsyncContext) Proxy.newProxyInstance(FakeStream.class.getClassLoader(),
                    new Class<?>[] { AsyncContext.class }, (p, m, a) -> switch (m.getName()) {
                        case "complete" -> {
                            out.completed.set(true);
                            yield null;
                        }
                        case "addListener" -> {
                            listeners.add((AsyncListener) a[0]);
                            yield null;
                        }
                        default -> null;
                    });
            HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
                    FakeStream.class.getClassLoader(), new Class<?>[] { HttpServletRequest.class },
                    (p, m, a) -> switch (m.getName()) {
                        case "startAsync" -> async;
                        case "getRemoteAddr" -> "127.0.0.1";
                        default -> null;
                    });
            HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                    FakeStream.class.getClassLoader(), new Class<?>[] { HttpServletResponse.class },
                    (p, m, a) -> "getOutputStream".equals(m.getName()) ? out : null);
            return hub.open(request, response, "valve", AUTHORIZATION, after) ? out : null;
        }

        String id() {
            return id;
        }

        JsonNode hello() {
            for (Message m : messages) {
                if ("hello".equals(m.name())) {
                    return m.json();
                }
            }
            return null;
        }

        long lastCursor() {
            List<Message> all = new ArrayList<>(messages);
            for (int i = all.size() - 1; i >= 0; i--) {
                if ("revocations".equals(all.get(i).name())) {
                    return all.get(i).json().get("cursor").asLong();
                }
            }
            return -1;
        }

        List<Long> heartbeats() {
            List<Long> t = new ArrayList<>();
            for (Message m : messages) {
                if ("heartbeat".equals(m.name())) {
                    t.add(Long.valueOf(m.json().get("t").asLong()));
                }
            }
            return t;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            // always ready
        }

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            String text = bytes.toString(StandardCharsets.UTF_8);
            int end;
            while ((end = text.indexOf("\n\n")) >= 0) {
                String block = text.substring(0, end);
                text = text.substring(end + 2);
                String name = null;
                String data = null;
                for (String line : block.split("\n")) {
                    if (line.startsWith("event: ")) {
                        name = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data = line.substring(6);
                    }
                }
                if (name != null) {
                    JsonNode json;
                    try {
                        json = JSON.readTree(data);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    if ("hello".equals(name)) {
                        id = json.get("stream").asText();
                    }
                    // Recorded before it is acknowledged: the revoking call may return the moment it is
                    messages.add(new Message(name, json));
                    if (acknowledgeInsideWrite && !"hello".equals(name) && json.has("cursor")) {
                        hub.acknowledge(id, AUTHORIZATION, json.get("cursor").asLong());
                    }
                }
            }
            bytes.reset();
            bytes.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** One message of a stream: its event name and its data. */
    record Message(String name, JsonNode json) {
    }

    /** The test's pool, which can be made to fail as a lost database would. */
    private static final class SwitchableDataSource implements DataSource {

        volatile boolean failing;

        @Override
        public Connection getConnection() throws SQLException {
            if (failing) {
                throw new SQLException("the database is gone", "08001");
            }
            return pool.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            // none
        }

        @Override
        public void setLoginTimeout(int seconds) {
            // none
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
