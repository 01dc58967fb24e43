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
import java.sql.Savepoint;

/**
 * JDBC access to {@code oauth_setting}, small named values the service keeps for itself.
 */
public final class SettingStore {

    /** Id of the newest revocation event purged; a feed cursor below it has missed events. */
    public static final String REVOCATION_PURGED_THROUGH = "revocation.purgedThrough";

    /** Whether self sign-up is switched on ({@code true} or {@code false}; absent means off). */
    public static final String SIGNUP_ENABLED = "signup.enabled";

    private static final String DUPLICATE_KEY = "23505";
    private static final String SELECT = "SELECT setting_value FROM oauth_setting WHERE name = ?";
    private static final String UPDATE = "UPDATE oauth_setting SET setting_value = ? WHERE name = ?";
    private static final String INSERT = "INSERT INTO oauth_setting (name, setting_value) VALUES (?, ?)";

    /**
     * @param connection a connection
     * @param name setting name
     * @param defaultValue value when absent or not a number
     * @return the value as a number
     * @throws SQLException on a database failure
     */
    public long getLong(Connection connection, String name, long defaultValue) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null) {
                    return defaultValue;
                }
                try {
                    return Long.parseLong(rs.getString(1).trim());
                } catch (NumberFormatException e) {
                    return defaultValue;
                }
            }
        }
    }

    /**
     * @param connection a connection
     * @param name setting name
     * @param defaultValue value when absent
     * @return the value as a boolean: {@code true} only for the text {@code true}
     * @throws SQLException on a database failure
     */
    public boolean getBoolean(Connection connection, String name, boolean defaultValue) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null) {
                    return defaultValue;
                }
                return "true".equals(rs.getString(1).trim());
            }
        }
    }

    /**
     * @param connection a connection
     * @param name setting name
     * @param value new value
     * @throws SQLException on a database failure
     */
    public void put(Connection connection, String name, String value) throws SQLException {
        if (update(connection, name, value)) {
            return;
        }
        // The first value of this name: another key manager may insert it at the same moment. The insert runs under
        // a savepoint so that its duplicate key (which aborts the transaction on PostgreSQL) undoes only itself.
        Savepoint savepoint = connection.setSavepoint();
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeUpdate();
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(savepoint);
            update(connection, name, value);
        }
    }

    private static boolean update(Connection connection, String name, String value) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UPDATE)) {
            ps.setString(1, value);
            ps.setString(2, name);
            return ps.executeUpdate() > 0;
        }
    }
}
