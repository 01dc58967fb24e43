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

import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.TestDatabase;

/**
 * The lockout count in the store (on the engine of the test run: Derby, then PostgreSQL): claims, their release, the lock, the end of an epoch, and the
 * claims of a server that died while hashing.
 */
public class TestUserStore {

    private static final AtomicInteger USERS = new AtomicInteger();
    private static final long NOW = 1_764_115_200_000L;
    private static final long TIMEOUT = 60_000L;
    private static final int THRESHOLD = 3;

    private static BasicDataSource dataSource;
    private static Database database;
    private final UserStore users = new UserStore();
    private String alice;
    private long id;

    @BeforeAll
    static void open() {
        TestDatabase db = TestDatabase.fresh("users");
        dataSource = new BasicDataSource();
        dataSource.setUrl(db.url());
        dataSource.setUsername(db.user());
        dataSource.setPassword(db.password());
        database = new Database(dataSource);
        SchemaMigrator.migrate(dataSource, TestUserStore.class.getClassLoader());
    }

    @AfterAll
    static void close() throws SQLException {
        dataSource.close();
    }

    @BeforeEach
    void newUser() throws SQLException {
        alice = "alice" + USERS.incrementAndGet();
        id = database.call(c -> Long.valueOf(users.insert(c, alice, "$hash", Set.of(), NOW))).longValue();
    }

    @Test
    public void claimCheckWhenThresholdChecksInFlightThenRefused() throws Exception {
        // PREPARE
        for (int i = 0; i < THRESHOLD; i++) {
            Assertions.assertEquals(0, claim(NOW), "claim " + i);
        }

        // TEST
        int refused = claim(NOW);

        // VERIFY
        Assertions.assertEquals(-1, refused);
    }

    @Test
    public void releaseFailedCheckWhenThresholdReachedThenLockedOnceAndLaterResultsIgnored() throws Exception {
        // PREPARE: three checks in flight, all wrong
        int epoch = claim(NOW);
        claim(NOW);
        claim(NOW);

        // TEST
        int[] first = database.call(c -> users.releaseFailedCheck(c, id, epoch));
        int[] second = database.call(c -> users.releaseFailedCheck(c, id, epoch));
        int[] third = database.call(c -> users.releaseFailedCheck(c, id, epoch));
        boolean locked = database.call(c -> Boolean.valueOf(users.lock(c, id, epoch, THRESHOLD, 1, NOW + 300_000)))
                .booleanValue();
        boolean lockedAgain = database.call(c -> Boolean.valueOf(users.lock(c, id, epoch, THRESHOLD, 2,
                NOW + 600_000))).booleanValue();

        // VERIFY
        Assertions.assertArrayEquals(new int[] { 1, 0 }, first);
        Assertions.assertArrayEquals(new int[] { 2, 0 }, second);
        Assertions.assertArrayEquals(new int[] { 3, 0 }, third);
        Assertions.assertTrue(locked);
        Assertions.assertFalse(lockedAgain, "a second lock in the same epoch");
        UserRecord user = database.call(c -> users.find(c, alice));
        Assertions.assertEquals(NOW + 300_000, user.lockedUntil());
        Assertions.assertEquals(1, user.lockCount());
        Assertions.assertEquals(-1, claim(NOW + 299_999), "claimed while locked");
        Assertions.assertNull(database.call(c -> users.releaseFailedCheck(c, id, epoch)),
                "a result of the ended epoch counted");
        Assertions.assertEquals(epoch + 1, claim(NOW + 300_000), "no claim after the lock ended");
    }

    @Test
    public void claimCheckWhenClaimsOfADeadServerOutliveTheTimeoutThenDroppedAndTheirResultsIgnored()
            throws Exception {
        // PREPARE: a server claimed every place and died
        int epoch = 0;
        for (int i = 0; i < THRESHOLD; i++) {
            epoch = claim(NOW);
        }
        Assertions.assertEquals(-1, claim(NOW + TIMEOUT - 1));

        // TEST
        int next = claim(NOW + TIMEOUT + 1);

        // VERIFY
        int stale = epoch;
        Assertions.assertEquals(stale + 1, next, "the stale claims still count");
        Assertions.assertNull(database.call(c -> users.releaseFailedCheck(c, id, stale)));
        Assertions.assertEquals(next, claim(NOW + TIMEOUT + 2));
        Assertions.assertEquals(next, claim(NOW + TIMEOUT + 3));
        Assertions.assertEquals(-1, claim(NOW + TIMEOUT + 4), "more than the threshold in flight");
    }

    @Test
    public void resetFailuresWhenChecksInFlightThenTheirResultsChangeNothing() throws Exception {
        // PREPARE: two failures counted and one check in flight, then the administrator unlocks
        int epoch = claim(NOW);
        claim(NOW);
        claim(NOW);
        database.call(c -> users.releaseFailedCheck(c, id, epoch));
        database.call(c -> users.releaseFailedCheck(c, id, epoch));
        database.call(c -> {
            users.resetFailures(c, id);
            return null;
        });

        // TEST
        int[] late = database.call(c -> users.releaseFailedCheck(c, id, epoch));

        // VERIFY
        Assertions.assertNull(late);
        Assertions.assertEquals(0, database.call(c -> users.find(c, alice)).failedLogins());
        for (int i = 0; i < THRESHOLD; i++) {
            Assertions.assertEquals(epoch + 1, claim(NOW), "claim " + i + " after the unlock");
        }
    }

    @Test
    public void claimCheckWhenUserDisabledThenRefused() throws Exception {
        // PREPARE
        database.call(c -> {
            users.setEnabled(c, id, false);
            return null;
        });

        // TEST and VERIFY
        Assertions.assertEquals(-1, claim(NOW));
    }

    @Test
    public void replacePasswordHashWhenChangedMeanwhileThenKept() throws Exception {
        // PREPARE: the administrator set a new password while a login upgraded the old hash
        database.call(c -> {
            users.setPasswordHash(c, id, "$new");
            return null;
        });

        // TEST
        boolean replaced = database.call(c -> Boolean.valueOf(users.replacePasswordHash(c, id, "$hash",
                "$upgraded"))).booleanValue();

        // VERIFY
        Assertions.assertFalse(replaced);
        Assertions.assertEquals("$new", database.call(c -> users.find(c, alice)).passwordHash());
    }

    private int claim(long now) throws SQLException {
        return database.call(c -> Integer.valueOf(users.claimCheck(c, id, THRESHOLD, now, now - TIMEOUT)))
                .intValue();
    }
}
