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
package org.scopegate.token.stats;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.dbcp2.BasicDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.TestDatabase;
import org.scopegate.token.store.ApplicationRecord;
import org.scopegate.token.store.ApplicationStore;
import org.scopegate.token.store.ClientRecord;
import org.scopegate.token.store.ClientStore;
import org.scopegate.token.store.Database;
import org.scopegate.token.store.RevocationEventStore;
import org.scopegate.token.store.SchemaMigrator;
import org.scopegate.token.store.SettingStore;
import org.scopegate.token.store.TokenPurger;
import org.scopegate.token.store.TokenRecord;
import org.scopegate.token.store.TokenStore;

/**
 * The statistics tables and the version 2 migration, on in-memory Derby or on PostgreSQL (the store tests' second
 * run).
 */
public class TestUsageStatistics {

    private static final long NOW = 1_764_115_200_000L;

    private BasicDataSource dataSource;
    private Database database;
    private final UsageStatistics statistics = new UsageStatistics();

    @BeforeEach
    void open() {
        TestDatabase db = TestDatabase.fresh("stats");
        dataSource = new BasicDataSource();
        dataSource.setUrl(db.url());
        dataSource.setUsername(db.user());
        dataSource.setPassword(db.password());
        database = new Database(dataSource);
    }

    @AfterEach
    void close() throws SQLException {
        dataSource.close();
    }

    @Test
    public void recordPasswordUserWhenSameUserTwiceThenCountedOnce() throws Exception {
        // PREPARE
        SchemaMigrator.migrate(dataSource, getClass().getClassLoader());
        long app = newApplication();

        // TEST
        boolean first = database.call(c -> Boolean.valueOf(statistics.recordPasswordUser(c, app, "alice", NOW)));
        boolean second = database.call(c -> Boolean.valueOf(statistics.recordPasswordUser(c, app, "alice", NOW)));
        database.call(c -> Boolean.valueOf(statistics.recordPasswordUser(c, app, "bob", NOW)));

        // VERIFY
        Assertions.assertTrue(first);
        Assertions.assertFalse(second);
        Assertions.assertEquals(2L, registeredUsers(app));
    }

    @Test
    public void recordPasswordUserWhenRowAppearsConcurrentlyThenGrantCarriesOn() throws Exception {
        // PREPARE: the row exists but the existence check is bypassed by inserting inside the same transaction
        SchemaMigrator.migrate(dataSource, getClass().getClassLoader());
        long app = newApplication();
        database.call(c -> Boolean.valueOf(statistics.recordPasswordUser(c, app, "alice", NOW)));

        // TEST: a duplicate insert under a savepoint leaves the rest of the transaction intact
        long counted = database.call(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO oauth_token_daily "
                    + "(day, application_id, grant_type, issued) VALUES (20251126, ?, 'password', 7)")) {
                ps.setLong(1, app);
                ps.executeUpdate();
            }
            Savepoint sp = c.setSavepoint();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO oauth_app_user (application_id, username, first_token_at) VALUES (?, 'alice', 1)")) {
                ps.setLong(1, app);
                ps.executeUpdate();
                Assertions.fail("duplicate accepted");
            } catch (SQLException e) {
                Assertions.assertEquals(UsageStatistics.DUPLICATE_KEY, e.getSQLState());
                c.rollback(sp);
            }
            return Long.valueOf(statistics.daily(c, app, 20251101).get(0).issued());
        });

        // VERIFY
        Assertions.assertEquals(7L, counted);
        Assertions.assertEquals(1L, registeredUsers(app));
    }

    @Test
    public void recordIssuedWhenSameDayThenOneRowCounting() throws Exception {
        // PREPARE
        SchemaMigrator.migrate(dataSource, getClass().getClassLoader());
        long app = newApplication();

        // TEST
        for (int i = 0; i < 3; i++) {
            database.call(c -> {
                statistics.recordIssued(c, app, "password", NOW);
                return null;
            });
        }
        database.call(c -> {
            statistics.recordIssued(c, app, "client_credentials", NOW);
            statistics.recordIssued(c, app, "password", NOW + 86_400_000L);
            return null;
        });

        // VERIFY
        List<DailyCount> days = database.call(c -> statistics.daily(c, app, 20251101));
        Assertions.assertEquals(List.of(new DailyCount(20251127, "password", 1),
                new DailyCount(20251126, "client_credentials", 1), new DailyCount(20251126, "password", 3)), days);
        Assertions.assertEquals("2025-11-26", days.get(1).isoDay());
    }

    @Test
    public void recordIssuedWhenGrantsOfOneApplicationInFlightThenOtherSlotsDoNotWait() throws Exception {
        // PREPARE: the first grant counts in slot 0, the second in slot 1, the third in slot 0 again
        SchemaMigrator.migrate(dataSource, getClass().getClassLoader());
        long app = newApplication();
        AtomicInteger next = new AtomicInteger();
        int[] picks = { 0, 1, 0 };
        UsageStatistics spread = new UsageStatistics(() -> picks[next.getAndIncrement()]);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Connection first = dataSource.getConnection()) {
            first.setAutoCommit(false);
            spread.recordIssued(first, app, "refresh_token", NOW);

            // TEST: two more grants of the same application and day while the first has not committed
            Future<Object> otherSlot = other.submit(() -> database.call(c -> {
                spread.recordIssued(c, app, "refresh_token", NOW);
                return null;
            }));
            Object noWait = otherSlot.get(10, TimeUnit.SECONDS);
            Future<Object> sameSlot = other.submit(() -> database.call(c -> {
                spread.recordIssued(c, app, "refresh_token", NOW);
                return null;
            }));

            // VERIFY: only the grant on the first one's slot waits for its commit; the day's count is the sum
            Assertions.assertNull(noWait);
            Assertions.assertThrows(TimeoutException.class, () -> sameSlot.get(1, TimeUnit.SECONDS),
                    "a grant on the same slot did not wait: the row is not held");
            first.commit();
            sameSlot.get(10, TimeUnit.SECONDS);
        } finally {
            other.shutdownNow();
        }
        Assertions.assertEquals(List.of(new DailyCount(20251126, "refresh_token", 3)),
                database.call(c -> statistics.daily(c, app, 20251101)));
    }

    @Test
    public void migrateWhenCountsBeforeSlotsThenKeptAndAddedTo() throws Exception {
        // PREPARE: a store of version 5.1 with a day counted
        Flyway.configure(getClass().getClassLoader()).dataSource(dataSource).locations("classpath:db/migration")
                .target("5.1").load().migrate();
        long app = newApplication();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO oauth_token_daily (day, application_id, grant_type, issued) VALUES (20251126, ?, ?, 41)")) {
            ps.setLong(1, app);
            ps.setString(2, "password");
            ps.executeUpdate();
        }

        // TEST
        SchemaMigrator.migrate(dataSource, getClass().getClassLoader());
        for (int slot : new int[] { 0, 7 }) {
            UsageStatistics inSlot = new UsageStatistics(() -> slot);
            database.call(c -> {
                inSlot.recordIssued(c, app, "password", NOW);
                return null;
            });
        }

        // VERIFY
        Assertions.assertEquals(List.of(new DailyCount(20251126, "password", 43)),
                database.call(c -> statistics.daily(c, app, 20251101)));
    }

    @Test
    public void purgeWhenTokensExpiredThenStatisticsUnchanged() throws Exception {
        // PREPARE
        SchemaMigrator.migrate(dataSource, getClass().getClassLoader());
        long app = newApplication();
        TokenStore tokens = new TokenStore();
        database.call(c -> {
            tokens.insert(c, List.of(new TokenRecord("a".repeat(64), TokenRecord.ACCESS, "client-1", "alice", null,
                    "read", "password", null, null, NOW - 7200_000L, NOW - 3600_000L, false, false)));
            statistics.recordIssued(c, app, "password", NOW - 7200_000L);
            statistics.recordPasswordUser(c, app, "alice", NOW - 7200_000L);
            return null;
        });
        TokenPurger purger = new TokenPurger(database, tokens, new RevocationEventStore(), new SettingStore(),
                () -> NOW);

        // TEST
        long[] purged = purger.purge();

        // VERIFY
        Assertions.assertEquals(1L, purged[0]);
        Assertions.assertNull(database.call(c -> tokens.find(c, "a".repeat(64))));
        Assertions.assertEquals(1L, registeredUsers(app));
        Assertions.assertEquals(1L, database.call(c -> statistics.daily(c, app, 20250101)).get(0).issued());
    }

    @Test
    public void migrateWhenVersionOneClientsThenEachGetsItsApplication() throws Exception {
        // PREPARE
        Flyway.configure(getClass().getClassLoader()).dataSource(dataSource).locations("classpath:db/migration")
                .target("1").load().migrate();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO oauth_user (username, username_key, password_hash, enabled, failed_logins, "
                    + "lock_count, locked_until, created_at) VALUES ('Ops', 'ops', '$x', TRUE, 0, 0, 0, 1)");
            st.executeUpdate("INSERT INTO oauth_client (client_id, secret_digest, name, owner, grant_types, "
                    + "can_introspect, enabled, created_at) VALUES ('one', '" + "0".repeat(64)
                    + "', 'shop', 'ops', 'password refresh_token', FALSE, TRUE, 5)");
            st.executeUpdate("INSERT INTO oauth_client (client_id, secret_digest, name, owner, grant_types, "
                    + "can_introspect, enabled, created_at) VALUES ('two', '" + "1".repeat(64)
                    + "', 'valve', NULL, 'client_credentials', TRUE, TRUE, 6)");
        }

        // TEST
        SchemaMigrator.migrate(dataSource, getClass().getClassLoader());

        // VERIFY
        ClientStore clients = new ClientStore();
        ApplicationStore applications = new ApplicationStore();
        ClientRecord one = database.call(c -> clients.find(c, "one"));
        ClientRecord two = database.call(c -> clients.find(c, "two"));
        Assertions.assertEquals(ClientRecord.PRODUCTION, one.keyType());
        Assertions.assertNotEquals(one.applicationId(), two.applicationId());
        ApplicationRecord shop = database.call(c -> applications.find(c, one.applicationId()));
        Assertions.assertEquals("shop", shop.name());
        Assertions.assertEquals("Ops", shop.owner(), "the owner is the user, by id since version 4");
        Assertions.assertEquals(Set.of("password", "refresh_token"), shop.grantTypes());
        Assertions.assertEquals(5L, shop.createdAt());
        Assertions.assertNull(database.call(c -> applications.find(c, two.applicationId())).owner());
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM oauth_application")) {
            rs.next();
            Assertions.assertEquals(2, rs.getInt(1));
        }
    }

    private long registeredUsers(long app) throws SQLException {
        return database.call(c -> Long.valueOf(statistics.registeredUsers(c, app))).longValue();
    }

    private long newApplication() throws SQLException {
        return database.call(c -> new ApplicationStore().insert(c, "app", null, Set.of("password"), NOW)).id();
    }
}
