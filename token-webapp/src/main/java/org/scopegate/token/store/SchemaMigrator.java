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

import javax.sql.DataSource;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.scopegate.token.Messages;

/**
 * Creates and migrates the store schema at start-up with Flyway, from {@code classpath:db/migration}: the same
 * migrations on Derby and PostgreSQL. Several key managers may start at once on one PostgreSQL database: Flyway
 * takes a PostgreSQL advisory lock around the migration, so one of them migrates and the others wait for it (up to
 * {@link #LOCK_WAIT_SECONDS}, then their start-up tries again later) and then find nothing left to do.
 */
public final class SchemaMigrator {

    /** Seconds a key manager waits for another one's migration before trying again later. */
    public static final int LOCK_WAIT_SECONDS = 300;

    private static final Log log = LogFactory.getLog(SchemaMigrator.class);

    private SchemaMigrator() {
    }

    /**
     * Applies every pending migration.
     *
     * @param dataSource the store
     * @param classLoader the class loader that sees the migrations (the webapp's)
     * @return the result: how many migrations this call applied, and the schema version
     */
    public static MigrateResult migrate(DataSource dataSource, ClassLoader classLoader) {
        Flyway flyway = Flyway.configure(classLoader)
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .baselineOnMigrate(false)
                .lockRetryCount(LOCK_WAIT_SECONDS)
                .load();
        MigrateResult result = flyway.migrate();
        log.info(Messages.get("schemaMigrator.migrated", String.valueOf(result.migrationsExecuted),
                String.valueOf(result.targetSchemaVersion != null ? result.targetSchemaVersion
                        : flyway.info().current() != null ? flyway.info().current().getVersion() : "none")));
        return result;
    }
}
