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
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * JDBC access to {@code oauth_application}. The owner is a user id (a real reference: the name shown is the user's
 * name of today), or {@code NULL} for the administrator's applications.
 */
public final class ApplicationStore {

    private static final String COLUMNS = "a.id, a.name, a.owner_id, u.username, a.grant_types, a.created_at";
    private static final String FROM = " FROM oauth_application a LEFT OUTER JOIN oauth_user u ON u.id = a.owner_id";
    private static final String SELECT_ONE = "SELECT " + COLUMNS + FROM + " WHERE a.id = ?";
    private static final String SELECT_ALL = "SELECT " + COLUMNS + FROM + " ORDER BY a.id";
    private static final String SELECT_OF_OWNER = "SELECT " + COLUMNS + FROM + " WHERE a.owner_id = ? ORDER BY a.id";
    private static final String INSERT =
            "INSERT INTO oauth_application (name, owner_id, grant_types, created_at) VALUES (?, ?, ?, ?)";
    private static final String UPDATE = "UPDATE oauth_application SET name = ?, grant_types = ? WHERE id = ?";
    private static final String DELETE = "DELETE FROM oauth_application WHERE id = ?";

    /**
     * @param connection a connection
     * @param id application id
     * @return the application, or {@code null}
     * @throws SQLException on a database failure
     */
    public ApplicationRecord find(Connection connection, long id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT_ONE)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    /**
     * @param connection a connection
     * @param ownerId the user id of an owner, or {@code null} for every application
     * @return the applications, oldest first
     * @throws SQLException on a database failure
     */
    public List<ApplicationRecord> list(Connection connection, Long ownerId) throws SQLException {
        List<ApplicationRecord> result = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(ownerId == null ? SELECT_ALL : SELECT_OF_OWNER)) {
            if (ownerId != null) {
                ps.setLong(1, ownerId.longValue());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(read(rs));
                }
            }
        }
        return result;
    }

    /**
     * @param connection a connection
     * @param name display name
     * @param owner the owning user, or {@code null} (the administrator's)
     * @param grantTypes allowed grant types
     * @param now epoch milliseconds
     * @return the new application
     * @throws SQLException on a database failure
     */
    public ApplicationRecord insert(Connection connection, String name, UserRecord owner, Set<String> grantTypes,
            long now) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, name);
            if (owner == null) {
                ps.setNull(2, Types.BIGINT);
            } else {
                ps.setLong(2, owner.id());
            }
            ps.setString(3, GrantTypeColumn.write(grantTypes));
            ps.setLong(4, now);
            ps.executeUpdate();
            // Derby answers the identity alone, PostgreSQL every column: the id comes first in both.
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("No id generated for the new application");
                }
                return new ApplicationRecord(keys.getLong(1), name, owner == null ? null : Long.valueOf(owner.id()),
                        owner == null ? null : owner.username(),
                        Collections.unmodifiableSet(new LinkedHashSet<>(grantTypes)), now);
            }
        }
    }

    /**
     * @param connection a connection
     * @param application the new name and grant types
     * @throws SQLException on a database failure
     */
    public void update(Connection connection, ApplicationRecord application) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UPDATE)) {
            ps.setString(1, application.name());
            ps.setString(2, GrantTypeColumn.write(application.grantTypes()));
            ps.setLong(3, application.id());
            ps.executeUpdate();
        }
    }

    /**
     * Deletes the application row (its key sets must be gone already).
     *
     * @param connection a connection
     * @param id application id
     * @throws SQLException on a database failure
     */
    public void delete(Connection connection, long id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(DELETE)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private static ApplicationRecord read(ResultSet rs) throws SQLException {
        long ownerId = rs.getLong(3);
        Long owner = rs.wasNull() ? null : Long.valueOf(ownerId);
        Set<String> grants = GrantTypeColumn.read(rs.getString(5));
        return new ApplicationRecord(rs.getLong(1), rs.getString(2), owner, rs.getString(4), grants, rs.getLong(6));
    }
}
