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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.TestDatabase;

/**
 * The store tells the revocation feed of every transaction that committed revocation events, after the commit,
 * with the newest event committed: whether the work returned, committed in the middle and then failed, or rolled
 * back.
 */
public class TestDatabaseRevocationListener {

    private static final long NOW = 1_764_115_200_000L;

    private static BasicDataSource dataSource;
    private Database database;
    private final RevocationEventStore events = new RevocationEventStore();
    private final List<Long> told = Collections.synchronizedList(new ArrayList<>());
    private volatile int activeWhenTold = -1;
    private long start;

    @BeforeAll
    static void open() {
        TestDatabase db = TestDatabase.fresh("listener");
        dataSource = new BasicDataSource();
        dataSource.setUrl(db.url());
        dataSource.setUsername(db.user());
        dataSource.setPassword(db.password());
        dataSource.setDefaultAutoCommit(Boolean.FALSE);
        SchemaMigrator.migrate(dataSource, TestDatabaseRevocationListener.class.getClassLoader());
    }

    @AfterAll
    static void close() throws SQLException {
        dataSource.close();
    }

    @BeforeEach
    void setUp() throws SQLException {
        database = new Database(dataSource);
        start = head();
        database.setRevocationListener(id -> {
            told.add(Long.valueOf(id));
            activeWhenTold = dataSource.getNumActive();
        });
    }

    private void write(Connection c, String... values) throws SQLException {
        events.lock(c);
        events.insert(c, RevocationEvent.TOKEN, List.of(values), NOW);
    }

    private long head() throws SQLException {
        return database.call(events::maxId).longValue();
    }

    private String newestValue() throws SQLException {
        long head = head();
        return database.call(c -> events.after(c, head - 1, 1).get(0).value());
    }

    @Test
    void callWhenEventsCommittedThenListenerToldOfTheNewestAfterTheConnectionWentBack() throws Exception {
        // TEST
        database.call(c -> {
            write(c, "a", "b", "c");
            return null;
        });

        // VERIFY
        Assertions.assertEquals("c", newestValue());
        Assertions.assertEquals(List.of(Long.valueOf(head())), told);
        Assertions.assertEquals(0, activeWhenTold, "the connection was still out when the listener was told");
    }

    @Test
    void callWhenNoEventWrittenThenListenerNotTold() throws Exception {
        // TEST
        database.call(events::maxId);

        // VERIFY
        Assertions.assertEquals(List.of(), told);
    }

    @Test
    void callWhenWorkFailsThenRolledBackAndListenerNotTold() throws Exception {
        // TEST
        Assertions.assertThrows(IllegalStateException.class, () -> database.call(c -> {
            write(c, "a");
            throw new IllegalStateException("refused");
        }));

        // VERIFY
        Assertions.assertEquals(start, head());
        Assertions.assertEquals(List.of(), told);
    }

    @Test
    void callWhenWorkCommitsInTheMiddleThenFailsThenListenerToldOfWhatWasCommitted() throws Exception {
        // PREPARE: as the refresh grant after a reuse: revoke the family, commit, answer an error
        database.call(c -> {
            write(c, "older");
            return null;
        });
        told.clear();

        // TEST
        Assertions.assertThrows(IllegalStateException.class, () -> database.call(c -> {
            write(c, "family-1", "family-2");
            c.commit();
            write(c, "not-committed");
            throw new IllegalStateException("invalid_grant");
        }));

        // VERIFY: told of family-2, not of the rolled back event
        Assertions.assertEquals("family-2", newestValue());
        Assertions.assertEquals(List.of(Long.valueOf(head())), told);
    }

    @Test
    void callWhenNestedThenEachCallToldOfItsOwnEvents() throws Exception {
        // TEST
        database.call(outer -> {
            write(outer, "outer");
            outer.commit();
            Assertions.assertThrows(IllegalStateException.class, () -> database.call(inner -> {
                Assertions.assertNotSame(outer, inner);
                throw new IllegalStateException("inner fails without writing");
            }));
            return null;
        });

        // VERIFY: the inner call wrote nothing, the outer one committed one event
        Assertions.assertEquals("outer", newestValue());
        Assertions.assertEquals(List.of(Long.valueOf(head())), told);
    }

    @Test
    void callWhenListenerBlocksThenCallReturnsOnlyAfterIt() throws Exception {
        // PREPARE
        AtomicBoolean listenerDone = new AtomicBoolean();
        database.setRevocationListener(id -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            listenerDone.set(true);
        });

        // TEST
        database.call(c -> {
            write(c, "a");
            return null;
        });

        // VERIFY
        Assertions.assertTrue(listenerDone.get());
    }
}
