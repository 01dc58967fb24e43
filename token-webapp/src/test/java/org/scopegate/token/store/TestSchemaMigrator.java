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
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.commons.dbcp2.BasicDataSource;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.scopegate.testsupport.TestDatabase;

/**
 * The schema migrations on the store's engine.
 */
public class TestSchemaMigrator {

    private static BasicDataSource pool(TestDatabase database) {
        BasicDataSource pool = new BasicDataSource();
        pool.setUrl(database.url());
        pool.setUsername(database.user());
        pool.setPassword(database.password());
        return pool;
    }

    @Test
    public void migrateWhenRunAgainThenNothingApplied() throws Exception {
        // PREPARE
        BasicDataSource pool = pool(TestDatabase.fresh("migrate"));
        try {
            MigrateResult first = SchemaMigrator.migrate(pool, getClass().getClassLoader());

            // TEST
            MigrateResult again = SchemaMigrator.migrate(pool, getClass().getClassLoader());

            // VERIFY
            Assertions.assertTrue(first.migrationsExecuted >= 2, "V1 and V2 at least");
            Assertions.assertEquals(0, again.migrationsExecuted);
            Assertions.assertEquals(first.targetSchemaVersion, again.initialSchemaVersion);
        } finally {
            pool.close();
        }
    }

    @Test
    @EnabledIfSystemProperty(named = TestDatabase.ENGINE_PROPERTY, matches = TestDatabase.POSTGRES)
    public void migrateWhenTwoKeyManagersMigrateAFreshDatabaseAtOnceThenOneWaitsForTheOther() throws Exception {
        // PREPARE: two pools, as two key managers have
        TestDatabase database = TestDatabase.fresh("migrate_twice");
        List<BasicDataSource> pools = List.of(pool(database), pool(database));
        CyclicBarrier together = new CyclicBarrier(pools.size());
        ExecutorService threads = Executors.newFixedThreadPool(pools.size());
        try {
            // TEST
            List<Future<MigrateResult>> results = new ArrayList<>();
            for (BasicDataSource pool : pools) {
                results.add(threads.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return SchemaMigrator.migrate(pool, getClass().getClassLoader());
                }));
            }
            int[] executed = new int[pools.size()];
            for (int i = 0; i < executed.length; i++) {
                executed[i] = results.get(i).get(120, TimeUnit.SECONDS).migrationsExecuted;
            }

            // VERIFY: both succeed; every migration ran once, all by one of them
            Map<String, Integer> applied = new HashMap<>();
            try (Connection c = pools.get(0).getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT version FROM flyway_schema_history WHERE success "
                            + "AND version IS NOT NULL")) {
                while (rs.next()) {
                    applied.merge(rs.getString(1), 1, Integer::sum);
                }
            }
            Assertions.assertTrue(applied.size() >= 2, applied.toString());
            applied.forEach((version, times) -> Assertions.assertEquals(1, times.intValue(), "version " + version));
            Assertions.assertEquals(applied.size(), executed[0] + executed[1]);
            Assertions.assertTrue(executed[0] == 0 || executed[1] == 0,
                    "one migrated, the other found it done: " + executed[0] + " and " + executed[1]);
        } finally {
            threads.shutdownNow();
            for (BasicDataSource pool : pools) {
                pool.close();
            }
        }
    }
}
