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

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.TestDatabase;

/**
 * The rows a grant holds until it commits (the key set's, the user's on a refresh), on the engine of the test run:
 * grants hold them together, without waiting for each other; a change of the row waits for the grants that hold it,
 * and a grant that comes after the change sees it.
 */
public class TestGrantHolds {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final long NOW = 1_764_115_200_000L;
    private static final String SECRET_DIGEST = "d".repeat(64);

    private static BasicDataSource dataSource;
    private static Database database;
    private final ClientStore clients = new ClientStore();
    private final UserStore users = new UserStore();
    private final ExecutorService other = Executors.newSingleThreadExecutor();
    private ClientRecord client;
    private long userId;

    @BeforeAll
    static void open() {
        TestDatabase db = TestDatabase.fresh("holds");
        dataSource = new BasicDataSource();
        dataSource.setUrl(db.url());
        dataSource.setUsername(db.user());
        dataSource.setPassword(db.password());
        dataSource.setDefaultAutoCommit(Boolean.FALSE);
        database = new Database(dataSource);
        SchemaMigrator.migrate(dataSource, TestGrantHolds.class.getClassLoader());
    }

    @AfterAll
    static void close() throws SQLException {
        dataSource.close();
    }

    @BeforeEach
    void newClientAndUser() throws SQLException {
        String name = "holds" + NAMES.incrementAndGet();
        long applicationId = database.call(c -> new ApplicationStore().insert(c, name, null, Set.of("password"), NOW))
                .id();
        client = new ClientRecord(name, SECRET_DIGEST, name, Set.of("password", "refresh_token"), false, true, NOW,
                applicationId, ClientRecord.PRODUCTION);
        database.call(c -> {
            clients.insert(c, client);
            return null;
        });
        userId = database.call(c -> Long.valueOf(users.insert(c, "user-" + name, "$hash", Set.of(), NOW)))
                .longValue();
    }

    @AfterEach
    void stopOther() {
        other.shutdownNow();
    }

    @Test
    public void holdActiveWhenAnotherGrantHoldsTheKeySetThenNoWait() throws Exception {
        assertSecondHolderDoesNotWait(c -> clients.holdActive(c, client.clientId(), SECRET_DIGEST),
                "the second grant waited for the first one's commit");
    }

    @Test
    public void disableWhenGrantsHoldTheKeySetThenWaitsForThemAndLaterGrantsRefused() throws Exception {
        try (Connection grant = dataSource.getConnection()) {
            // PREPARE
            Assertions.assertTrue(clients.holdActive(grant, client.clientId(), SECRET_DIGEST));

            // TEST: the administrator disables the key set while the grant is in flight
            Future<Object> disable = other.submit(() -> database.call(c -> {
                clients.update(c, new ClientRecord(client.clientId(), client.secretDigest(), client.name(),
                        client.grantTypes(), false, false, client.createdAt(), client.applicationId(),
                        client.keyType()));
                c.commit();
                return null;
            }));

            // VERIFY: the disable waits for the grant's commit, then goes through
            assertStillWaiting(disable, "the disable did not wait for the grant in flight");
            grant.commit();
            disable.get(10, TimeUnit.SECONDS);
            Assertions.assertFalse(database.call(c -> Boolean.valueOf(clients.holdActive(c, client.clientId(),
                    SECRET_DIGEST))).booleanValue(), "a grant after the disable");
        }
    }

    @Test
    public void holdActiveWhenSecretReplacedThenRefused() throws Exception {
        // PREPARE
        database.call(c -> {
            clients.updateSecret(c, client.clientId(), "e".repeat(64));
            return null;
        });

        // TEST
        boolean held = database.call(c -> Boolean.valueOf(clients.holdActive(c, client.clientId(), SECRET_DIGEST)))
                .booleanValue();

        // VERIFY
        Assertions.assertFalse(held, "a grant authenticated with the old secret");
    }

    @Test
    public void holdEnabledWhenAnotherRefreshHoldsTheUserThenNoWait() throws Exception {
        assertSecondHolderDoesNotWait(c -> users.holdEnabled(c, userId),
                "the second refresh waited for the first one's commit");
    }

    @Test
    public void lockWhenRefreshHoldsTheUserThenWaitsForIt() throws Exception {
        try (Connection refresh = dataSource.getConnection()) {
            // PREPARE
            Assertions.assertTrue(users.holdEnabled(refresh, userId));

            // TEST: roles taken away while the refresh is in flight
            Future<Boolean> lock = other.submit(() -> database.call(c -> {
                boolean locked = users.lock(c, userId);
                c.commit();
                return Boolean.valueOf(locked);
            }));

            // VERIFY
            assertStillWaiting(lock, "the change did not wait for the refresh in flight");
            refresh.commit();
            Assertions.assertTrue(lock.get(10, TimeUnit.SECONDS).booleanValue());
        }
    }

    @Test
    public void holdEnabledWhenUserDisabledThenRefused() throws Exception {
        // PREPARE
        database.call(c -> {
            users.setEnabled(c, userId, false);
            return null;
        });

        // TEST
        boolean held = database.call(c -> Boolean.valueOf(users.holdEnabled(c, userId))).booleanValue();

        // VERIFY
        Assertions.assertFalse(held);
    }

    /** One transaction's hold of a row. */
    @FunctionalInterface
    private interface Hold {
        boolean on(Connection connection) throws SQLException;
    }

    private void assertSecondHolderDoesNotWait(Hold hold, String message) throws Exception {
        try (Connection first = dataSource.getConnection()) {
            // PREPARE: a first transaction holds the row, not committed yet
            Assertions.assertTrue(hold.on(first));

            // TEST: a second one in its own transaction
            Future<Boolean> second = other.submit(() -> database.call(c -> {
                boolean held = hold.on(c);
                c.commit();
                return Boolean.valueOf(held);
            }));

            // VERIFY
            Assertions.assertTrue(second.get(10, TimeUnit.SECONDS).booleanValue(), message);
            first.commit();
        }
    }

    private static void assertStillWaiting(Future<?> change, String message) throws Exception {
        try {
            change.get(1, TimeUnit.SECONDS);
            Assertions.fail(message);
        } catch (TimeoutException expected) {
            // still waiting for the lock
        }
    }
}
