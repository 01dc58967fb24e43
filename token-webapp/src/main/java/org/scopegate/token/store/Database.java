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

import javax.sql.DataSource;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.common.store.PooledStatements;
import org.scopegate.token.Messages;

/**
 * Runs work on one pooled connection per call, with auto-commit off: commits when the work returns, rolls back
 * when it throws. The work may commit in between (for example before a slow password hash) and roll back what
 * it wants undone before throwing.
 * <p>
 * The key manager's own store ({@link #opening(DataSource)}) refuses calls with {@link StoreUnavailableException}
 * until its schema is migrated ({@link #open(StoreDialect)}), so that a key manager waiting for its database answers
 * 503. When the database becomes unavailable (see
 * {@link StoreFailures}) the log says so once, and once more when a call succeeds again.
 * <p>
 * A call whose transaction committed revocation events (every revocation path writes them through
 * {@link RevocationEventStore}) tells the {@link RevocationCommitListener} once its connection is back in the pool,
 * and returns only when the listener does: the revoking call answers after the valves have the event.
 */
public final class Database {

    private static final Log log = LogFactory.getLog(Database.class);

    private final DataSource dataSource;
    private volatile boolean open;
    private volatile StoreDialect dialect;
    private volatile boolean available = true;
    private final RevocationEventStore events = new RevocationEventStore();
    private volatile RevocationCommitListener revocationListener;

    /**
     * A store ready for use (its schema is migrated).
     *
     * @param dataSource the pool
     */
    public Database(DataSource dataSource) {
        this(dataSource, true);
    }

    private Database(DataSource dataSource, boolean open) {
        this.dataSource = dataSource;
        this.open = open;
    }

    /**
     * A store that refuses calls until {@link #open(StoreDialect)}: the key manager's own, while it starts.
     *
     * @param dataSource the pool
     * @return the store
     */
    public static Database opening(DataSource dataSource) {
        return new Database(dataSource, false);
    }

    /**
     * @return the pool
     */
    public DataSource getDataSource() {
        return dataSource;
    }

    /**
     * @param listener told of every commit that wrote revocation events, or {@code null}
     */
    public void setRevocationListener(RevocationCommitListener listener) {
        this.revocationListener = listener;
    }

    /**
     * Lets calls through: the schema is migrated.
     *
     * @param storeDialect the engine found at start
     */
    public void open(StoreDialect storeDialect) {
        this.dialect = storeDialect;
        this.open = true;
    }

    /**
     * @return whether calls are let through
     */
    public boolean isOpen() {
        return open;
    }

    /**
     * @return the engine found at start, or {@code null} when not known
     */
    public StoreDialect getDialect() {
        return dialect;
    }

    /**
     * Runs work in a transaction.
     *
     * @param work what to do
     * @param <T> the result
     * @param <X> the work's own checked exception
     * @return the work's result
     * @throws StoreUnavailableException before the store is open
     * @throws SQLException on a database failure (the transaction is rolled back)
     * @throws X when the work throws it (the transaction is rolled back)
     */
    public <T, X extends Exception> T call(ConnectionWork<T, X> work) throws SQLException, X {
        if (!open) {
            throw new StoreUnavailableException("The token store is not ready yet");
        }
        return callUnchecked(work);
    }

    /**
     * Runs work that only reads, each statement committed on its own (auto-commit on): no transaction to end, so one
     * round trip less on PostgreSQL. For reads that need no snapshot common to their statements (introspection).
     *
     * @param work what to read; it must not write, commit or roll back
     * @param <T> the result
     * @param <X> the work's own checked exception
     * @return the work's result
     * @throws StoreUnavailableException before the store is open
     * @throws SQLException on a database failure
     * @throws X when the work throws it
     */
    public <T, X extends Exception> T read(ConnectionWork<T, X> work) throws SQLException, X {
        if (!open) {
            throw new StoreUnavailableException("The token store is not ready yet");
        }
        return watched(() -> {
            try (Connection borrowed = dataSource.getConnection()) {
                if (!borrowed.getAutoCommit()) {
                    borrowed.setAutoCommit(true);
                }
                return work.apply(PooledStatements.on(borrowed));
            }
        });
    }

    /**
     * Runs work in a transaction even before the store is open: for the start-up itself.
     */
    <T, X extends Exception> T callUnchecked(ConnectionWork<T, X> work) throws SQLException, X {
        return watched(() -> transaction(work));
    }

    /**
     * Runs a call and logs, once per change, that the store became unavailable or available again.
     */
    private <T, X extends Exception> T watched(StoreCall<T, X> call) throws SQLException, X {
        T result;
        try {
            result = call.run();
        } catch (SQLException | RuntimeException e) {
            if (StoreFailures.isUnavailable(e) && !(e instanceof StoreUnavailableException) && available) {
                available = false;
                log.warn(Messages.get("database.unavailable", StoreFailures.describe(e)));
            }
            throw e;
        }
        if (!available) {
            available = true;
            log.info(Messages.get("database.available"));
        }
        return result;
    }

    @FunctionalInterface
    private interface StoreCall<T, X extends Exception> {
        T run() throws SQLException, X;
    }

    private <T, X extends Exception> T transaction(ConnectionWork<T, X> work) throws SQLException, X {
        TransactionEvents written = TransactionEvents.begin();
        long committedEvent = -1;
        try {
            try (Connection borrowed = dataSource.getConnection()) {
                Connection connection = PooledStatements.on(borrowed);
                written.bind(connection);
                if (borrowed.getAutoCommit()) {
                    borrowed.setAutoCommit(false);
                }
                boolean done = false;
                try {
                    T result = work.apply(connection);
                    borrowed.commit();
                    done = true;
                    committedEvent = written.last();
                    return result;
                } finally {
                    if (!done) {
                        rollbackQuietly(borrowed);
                        committedEvent = written.committedAfterRollback(events);
                    }
                }
            }
        } finally {
            written.end();
            RevocationCommitListener listener = revocationListener;
            if (committedEvent >= 0 && listener != null) {
                listener.eventsCommitted(committedEvent);
            }
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // The original failure is what matters; the pool discards a broken connection.
        }
    }
}
