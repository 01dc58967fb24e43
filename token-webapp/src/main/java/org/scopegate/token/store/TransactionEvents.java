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

/**
 * The revocation events written by the transactions of one thread: {@link Database#call} opens one per call (calls
 * may nest), {@link RevocationEventStore} notes the id of each batch it inserts on the connection of that call, and
 * the call learns from it, once the transaction is over, which event its commit made visible. Work may commit in
 * the middle and then fail (the refresh grant revokes a token family after a reuse and answers an error); then the
 * store is asked which of the noted events survived the rollback.
 */
final class TransactionEvents {

    private static final ThreadLocal<TransactionEvents> CURRENT = new ThreadLocal<>();

    private final TransactionEvents outer;
    private Connection connection;
    private long first = -1;
    private long last = -1;


    private TransactionEvents(TransactionEvents outer) {
        this.outer = outer;
    }


    /**
     * @return a new record, current on this thread until {@link #end()}
     */
    static TransactionEvents begin() {
        TransactionEvents events = new TransactionEvents(CURRENT.get());
        CURRENT.set(events);
        return events;
    }


    /**
     * Makes the enclosing record (if any) current again.
     */
    void end() {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }


    /**
     * @param connection the connection of the transaction
     */
    void bind(Connection connection) {
        this.connection = connection;
    }


    /**
     * Notes events written on a connection; ignored when no call of this thread owns the connection.
     *
     * @param connection  the connection they were written on
     * @param firstId     the id of the first of them
     * @param lastId      the id of the last of them
     */
    static void written(Connection connection, long firstId, long lastId) {
        for (TransactionEvents events = CURRENT.get(); events != null; events = events.outer) {
            if (events.connection == connection) {
                if (events.first < 0) {
                    events.first = firstId;
                }
                events.last = Math.max(events.last, lastId);
                return;
            }
        }
    }


    /**
     * @return the newest event written, {@code -1} when none; all of them are committed when the work committed
     */
    long last() {
        return last;
    }


    /**
     * After a rollback: the newest event of this transaction that a commit in the middle made durable. Ids are
     * committed in order (the event table lock), so the newest id in the store at or below the newest written is
     * committed; any later event of other transactions is committed too, and waiting for it costs nothing more.
     *
     * @param events the event store
     * @return that id, or {@code -1} when nothing of this transaction was committed or the store cannot tell
     */
    long committedAfterRollback(RevocationEventStore events) {
        if (last < 0) {
            return -1;
        }
        try {
            long head = events.maxId(connection);
            long through = Math.min(last, head);
            return through >= first ? through : -1;
        } catch (SQLException e) {
            // The connection is broken: most likely nothing was committed, and waiting for an event that never
            // comes would cost every valve its stream
            return -1;
        }
    }
}
