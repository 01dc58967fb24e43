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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.TestDatabase;

/**
 * The revocation events as the feed reads them, on Derby and on PostgreSQL: writers of two pools (two key managers)
 * commit events while a reader follows them by id. Because every writer takes the table lock before its insert, ids
 * commit in order (PostgreSQL hands out identity values at insert time, not at commit), and a reader never passes
 * an event that commits later with a smaller id.
 */
public class TestRevocationEventStore {

    private final List<BasicDataSource> pools = new ArrayList<>();
    private final RevocationEventStore events = new RevocationEventStore();

    @BeforeEach
    void open() {
        TestDatabase db = TestDatabase.fresh("events");
        for (int i = 0; i < 2; i++) {
            BasicDataSource pool = new BasicDataSource();
            pool.setUrl(db.url());
            pool.setUsername(db.user());
            pool.setPassword(db.password());
            pool.setMaxTotal(8);
            pools.add(pool);
        }
        SchemaMigrator.migrate(pools.get(0), getClass().getClassLoader());
    }

    @AfterEach
    void close() throws SQLException {
        for (BasicDataSource pool : pools) {
            pool.close();
        }
    }

    @Test
    public void afterWhenWritersOfTwoServersCommitConcurrentlyThenReaderSeesEveryEventOnceInOrder() throws Exception {
        // PREPARE
        int writers = 4;
        int perWriter = 40;
        Database[] stores = { new Database(pools.get(0)), new Database(pools.get(1)) };
        ExecutorService threads = Executors.newFixedThreadPool(writers + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<String> written = Collections.synchronizedList(new ArrayList<>());

        // TEST: each writer holds its transaction open a little after the insert, as a revocation that also
        // updates tokens does; the reader follows the feed all along
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Database store = stores[w % 2];
            String prefix = "w" + w + "-";
            futures.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < perWriter; i++) {
                    String value = prefix + i;
                    store.call(c -> {
                        events.lock(c);
                        events.insert(c, RevocationEvent.TOKEN, List.of(value), System.currentTimeMillis());
                        Thread.sleep(ThreadLocalRandom.current().nextInt(3));
                        return null;
                    });
                    written.add(value);
                }
                return null;
            }));
        }
        Future<List<RevocationEvent>> reader = threads.submit(() -> {
            List<RevocationEvent> seen = new ArrayList<>();
            start.await();
            boolean last = false;
            while (!last) {
                // one more read after the writers are done: everything is committed by then
                last = !writing.get();
                long cursor = seen.isEmpty() ? 0 : seen.get(seen.size() - 1).id();
                seen.addAll(stores[1].call(c -> events.after(c, cursor, 1000)));
                Thread.sleep(1);
            }
            return seen;
        });
        start.countDown();
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        writing.set(false);
        List<RevocationEvent> seen = reader.get(60, TimeUnit.SECONDS);
        threads.shutdownNow();

        // VERIFY
        Assertions.assertEquals(writers * perWriter, written.size());
        Set<String> values = new HashSet<>();
        long previous = 0;
        for (RevocationEvent e : seen) {
            Assertions.assertTrue(e.id() > previous, "ids increase: " + e.id() + " after " + previous);
            previous = e.id();
            Assertions.assertTrue(values.add(e.value()), "seen once: " + e.value());
        }
        Assertions.assertEquals(new HashSet<>(written), values, "the reader missed no event");
    }
}
