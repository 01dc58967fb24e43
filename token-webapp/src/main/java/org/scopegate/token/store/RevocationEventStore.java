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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * JDBC access to {@code oauth_revocation_event}. Every transaction that writes events first takes an exclusive
 * lock on the table ({@link #lock(Connection)}), so event ids are committed in increasing order and a reader of the
 * feed can never skip an event that commits later with a smaller id.
 */
public final class RevocationEventStore {

    private static final String LOCK = "LOCK TABLE oauth_revocation_event IN EXCLUSIVE MODE";
    private static final String INSERT =
            "INSERT INTO oauth_revocation_event (event_type, event_value, created_at) VALUES (?, ?, ?)";
    private static final String MAX_ID = "SELECT MAX(id) FROM oauth_revocation_event";
    private static final String SELECT_AFTER =
            "SELECT id, event_type, event_value, created_at FROM oauth_revocation_event WHERE id > ? ORDER BY id";
    private static final String MAX_ID_BEFORE = "SELECT MAX(id) FROM oauth_revocation_event WHERE created_at < ?";
    private static final String DELETE_THROUGH = "DELETE FROM oauth_revocation_event WHERE id <= ?";
    private static final String NOTIFY = "SELECT pg_notify(?, ?)";

    /** The PostgreSQL notification channel of committed events; the payload is the newest event id. */
    public static final String NOTIFY_CHANNEL = "scopegate_revocation";

    private volatile Boolean postgreSql;

    /**
     * Takes the table lock for the rest of the transaction.
     *
     * @param connection a connection in a transaction
     * @throws SQLException on a database failure
     */
    public void lock(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(LOCK);
        }
    }

    /**
     * Writes events and notes them for the {@link Database} call that owns the connection, which tells the
     * revocation feed once they are committed. On PostgreSQL the transaction also sends a notification on
     * {@link #NOTIFY_CHANNEL}, delivered to the other key managers at commit.
     *
     * @param connection a connection holding the lock
     * @param type event type
     * @param values one event per value
     * @param now epoch milliseconds
     * @throws SQLException on a database failure
     */
    public void insert(Connection connection, String type, Collection<String> values, long now) throws SQLException {
        if (values.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            for (String value : values) {
                ps.setString(1, type);
                ps.setString(2, value);
                ps.setLong(3, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        // The lock is held: the newest id is ours, and so are the values.size() ids before it
        long last = maxId(connection);
        TransactionEvents.written(connection, last - values.size() + 1, last);
        if (isPostgreSql(connection)) {
            try (PreparedStatement ps = connection.prepareStatement(NOTIFY)) {
                ps.setString(1, NOTIFY_CHANNEL);
                ps.setString(2, Long.toString(last));
                ps.execute();
            }
        }
    }


    private boolean isPostgreSql(Connection connection) throws SQLException {
        Boolean known = postgreSql;
        if (known == null) {
            known = Boolean.valueOf("PostgreSQL".equals(connection.getMetaData().getDatabaseProductName()));
            postgreSql = known;
        }
        return known.booleanValue();
    }

    /**
     * @param connection a connection
     * @return the id of the newest event, or 0
     * @throws SQLException on a database failure
     */
    public long maxId(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(MAX_ID); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * @param connection a connection
     * @param after cursor
     * @param limit most events to return
     * @return events with an id greater than {@code after}, oldest first
     * @throws SQLException on a database failure
     */
    public List<RevocationEvent> after(Connection connection, long after, int limit) throws SQLException {
        List<RevocationEvent> events = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(SELECT_AFTER)) {
            ps.setMaxRows(limit);
            ps.setLong(1, after);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new RevocationEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                }
            }
        }
        return events;
    }

    /**
     * Deletes events created before a time.
     *
     * @param connection a connection holding the lock
     * @param cutoff epoch milliseconds
     * @return the id of the newest deleted event, or -1 when none was deleted
     * @throws SQLException on a database failure
     */
    public long purgeBefore(Connection connection, long cutoff) throws SQLException {
        long through;
        try (PreparedStatement ps = connection.prepareStatement(MAX_ID_BEFORE)) {
            ps.setLong(1, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                through = rs.next() ? rs.getLong(1) : 0;
                if (rs.wasNull()) {
                    return -1;
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(DELETE_THROUGH)) {
            ps.setLong(1, through);
            ps.executeUpdate();
        }
        return through;
    }
}
