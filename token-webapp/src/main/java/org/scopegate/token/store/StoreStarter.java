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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.flywaydb.core.api.output.MigrateResult;
import org.scopegate.token.Messages;

/**
 * Brings the store up at start: reads the engine, migrates the schema, makes sure the default scope exists, then
 * {@linkplain Database#open(StoreDialect) opens} the store to requests.
 * <p>
 * The first attempt runs in the webapp's start ({@link #start()}): a settings error stops the webapp with one log
 * line; an unavailable database ({@link StoreFailures#isUnavailable(Throwable)}) lets the webapp start anyway,
 * answering 503 (the store refuses calls until it is open), and the attempt is repeated in the background after
 * 1, 2, 4, 8, 16 and then every {@value #MAX_DELAY_SECONDS} seconds. The log says once that the store is waited for,
 * and once that it came. A settings error found after waiting (for example a password refused once the server is up)
 * is logged once and ends the retries: the webapp keeps answering 503 until it is reloaded with good settings.
 */
public final class StoreStarter {

    /** Longest pause between two attempts, in seconds. */
    public static final int MAX_DELAY_SECONDS = 30;

    private static final Log log = LogFactory.getLog(StoreStarter.class);

    /** How the first attempt went. */
    public enum Outcome {
        /** The store is open. */
        READY,
        /** The database is unavailable: retrying in the background. */
        WAITING,
        /** A settings error: the webapp must not start. */
        FAILED
    }

    private final Database database;
    private final ClassLoader classLoader;
    private final ScopeStore scopes;
    private final String defaultScope;
    private final ScheduledExecutorService scheduler;
    private final Runnable onReady;
    private long waitingSince;
    private int delaySeconds = 1;
    private volatile boolean stopped;

    /**
     * @param database the store, not yet open
     * @param classLoader the class loader that sees the migrations
     * @param scopes the scope store
     * @param defaultScope the scope created when missing
     * @param scheduler where the retries run
     * @param onReady what to do once the store is open (in the thread that opened it)
     */
    public StoreStarter(Database database, ClassLoader classLoader, ScopeStore scopes, String defaultScope,
            ScheduledExecutorService scheduler, Runnable onReady) {
        this.database = database;
        this.classLoader = classLoader;
        this.scopes = scopes;
        this.defaultScope = defaultScope;
        this.scheduler = scheduler;
        this.onReady = onReady;
    }

    /**
     * The first attempt; on {@link Outcome#WAITING} the retries are scheduled.
     *
     * @return how it went
     * @throws StoreSettingsException on a settings error (already logged, once)
     */
    public Outcome start() throws StoreSettingsException {
        try {
            attempt();
        } catch (SQLException | RuntimeException e) {
            if (!StoreFailures.isUnavailable(e)) {
                String reason = StoreFailures.describe(e);
                log.error(Messages.get("storeStarter.settingsError", reason));
                if (log.isDebugEnabled()) {
                    log.debug("The store's settings error in full", e);
                }
                throw new StoreSettingsException(reason, e);
            }
            waitingSince = System.nanoTime();
            log.warn(Messages.get("storeStarter.waiting", StoreFailures.describe(e),
                    String.valueOf(MAX_DELAY_SECONDS)));
            schedule();
            return Outcome.WAITING;
        }
        onReady.run();
        return Outcome.READY;
    }

    /**
     * Ends the retries (the webapp stops).
     */
    public void stop() {
        stopped = true;
    }

    private void schedule() {
        if (stopped || scheduler.isShutdown()) {
            return;
        }
        scheduler.schedule(this::retry, delaySeconds, TimeUnit.SECONDS);
        delaySeconds = Math.min(delaySeconds * 2, MAX_DELAY_SECONDS);
    }

    private void retry() {
        if (stopped) {
            return;
        }
        MigrateResult result;
        try {
            result = attempt();
        } catch (SQLException | RuntimeException e) {
            if (StoreFailures.isUnavailable(e)) {
                if (log.isDebugEnabled()) {
                    log.debug("The token store is still unavailable: " + StoreFailures.describe(e));
                }
                schedule();
            } else {
                log.error(Messages.get("storeStarter.settingsErrorAfterWait", StoreFailures.describe(e)));
                if (log.isDebugEnabled()) {
                    log.debug("The store's settings error in full", e);
                }
            }
            return;
        }
        log.info(Messages.get("storeStarter.came",
                String.valueOf(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - waitingSince)),
                database.getDialect().describe(), result.targetSchemaVersion != null ? result.targetSchemaVersion
                        : String.valueOf(result.initialSchemaVersion)));
        onReady.run();
    }

    private MigrateResult attempt() throws SQLException {
        StoreDialect dialect;
        try (Connection connection = database.getDataSource().getConnection()) {
            dialect = StoreDialect.of(connection);
            if (UnwrappedConnections.wrappedForWantOfAccess(connection)) {
                log.info(Messages.get("storeStarter.wrappedStatements"));
            }
        }
        MigrateResult result = SchemaMigrator.migrate(database.getDataSource(), classLoader);
        database.callUnchecked(c -> {
            if (!scopes.exists(c, defaultScope)) {
                insertDefaultScope(c);
            }
            return null;
        });
        database.open(dialect);
        log.info(Messages.get("storeStarter.open", dialect.describe()));
        return result;
    }

    private void insertDefaultScope(Connection connection) throws SQLException {
        try {
            scopes.insert(connection, new ScopeRecord(defaultScope, "Default scope", Set.of()));
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            // another key manager, starting at the same moment, created it first (PostgreSQL has aborted this
            // transaction: end it)
            connection.rollback();
        }
    }
}
