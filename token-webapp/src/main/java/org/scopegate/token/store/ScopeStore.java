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
import java.sql.Types;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JDBC access to {@code oauth_scope} and {@code oauth_scope_role}. Grants read the scopes through a copy at most
 * {@link #GRANT_COPY_MILLIS} old ({@link #forGrants(Connection)}): scopes change rarely and every token request
 * needs all of them. A change made through this webapp drops the copy at once ({@link #invalidate()} after its
 * commit); another token service on the same database sees it within that time.
 */
public final class ScopeStore {

    /** How long grants may use a copy of the scopes read earlier. */
    public static final long GRANT_COPY_MILLIS = 5000;

    private static final String SELECT_ALL = "SELECT s.name, s.description, r.role_name FROM oauth_scope s "
            + "LEFT OUTER JOIN oauth_scope_role r ON r.scope_name = s.name ORDER BY s.name";
    private static final String EXISTS = "SELECT name FROM oauth_scope WHERE name = ?";
    private static final String INSERT = "INSERT INTO oauth_scope (name, description) VALUES (?, ?)";
    private static final String UPDATE_DESCRIPTION = "UPDATE oauth_scope SET description = ? WHERE name = ?";
    private static final String INSERT_ROLE = "INSERT INTO oauth_scope_role (scope_name, role_name) VALUES (?, ?)";
    private static final String DELETE_ROLES = "DELETE FROM oauth_scope_role WHERE scope_name = ?";
    private static final String DELETE = "DELETE FROM oauth_scope WHERE name = ?";

    private final AtomicLong generation = new AtomicLong();
    private volatile GrantCopy copy;

    /**
     * @param connection a connection
     * @return every scope by name, as read at most {@link #GRANT_COPY_MILLIS} ago (unmodifiable)
     * @throws SQLException on a database failure
     */
    public Map<String, ScopeRecord> forGrants(Connection connection) throws SQLException {
        GrantCopy current = copy;
        long now = System.nanoTime();
        if (current != null && now - current.readAt() < GRANT_COPY_MILLIS * 1_000_000L) {
            return current.scopes();
        }
        long readGeneration = generation.get();
        Map<String, ScopeRecord> scopes = Collections.unmodifiableMap(loadAll(connection));
        if (generation.get() == readGeneration) {
            // not kept when a change was committed while reading: the copy might predate it
            copy = new GrantCopy(scopes, now);
        }
        return scopes;
    }

    /**
     * Drops the grants' copy: call after committing a change of scopes or of their roles.
     */
    public void invalidate() {
        generation.incrementAndGet();
        copy = null;
    }

    private record GrantCopy(Map<String, ScopeRecord> scopes, long readAt) {
    }

    /**
     * @param connection a connection
     * @return every scope by name, in name order
     * @throws SQLException on a database failure
     */
    public Map<String, ScopeRecord> loadAll(Connection connection) throws SQLException {
        Map<String, String> descriptions = new LinkedHashMap<>();
        Map<String, Set<String>> roles = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(SELECT_ALL); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(1);
                descriptions.putIfAbsent(name, rs.getString(2));
                Set<String> set = roles.computeIfAbsent(name, k -> new TreeSet<>());
                String role = rs.getString(3);
                if (role != null) {
                    set.add(role);
                }
            }
        }
        Map<String, ScopeRecord> result = new LinkedHashMap<>();
        for (Map.Entry<String, Set<String>> e : roles.entrySet()) {
            result.put(e.getKey(), new ScopeRecord(e.getKey(), descriptions.get(e.getKey()),
                    Collections.unmodifiableSet(e.getValue())));
        }
        return result;
    }

    /**
     * @param connection a connection
     * @param name scope name
     * @return whether it exists
     * @throws SQLException on a database failure
     */
    public boolean exists(Connection connection, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(EXISTS)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * @param connection a connection
     * @param scope the new scope
     * @throws SQLException on a database failure, including a duplicate name
     */
    public void insert(Connection connection, ScopeRecord scope) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            ps.setString(1, scope.name());
            setNullable(ps, 2, scope.description());
            ps.executeUpdate();
        }
        insertRoles(connection, scope.name(), scope.roles());
    }

    /**
     * @param connection a connection
     * @param name scope name
     * @param description new description, may be {@code null}
     * @throws SQLException on a database failure
     */
    public void updateDescription(Connection connection, String name, String description) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UPDATE_DESCRIPTION)) {
            setNullable(ps, 1, description);
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }

    /**
     * @param connection a connection
     * @param name scope name
     * @param roles new roles
     * @throws SQLException on a database failure
     */
    public void replaceRoles(Connection connection, String name, Collection<String> roles) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(DELETE_ROLES)) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
        insertRoles(connection, name, roles);
    }

    /**
     * @param connection a connection
     * @param name scope name
     * @throws SQLException on a database failure
     */
    public void delete(Connection connection, String name) throws SQLException {
        replaceRoles(connection, name, Collections.emptySet());
        try (PreparedStatement ps = connection.prepareStatement(DELETE)) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
    }

    private static void insertRoles(Connection connection, String name, Collection<String> roles)
            throws SQLException {
        if (roles.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(INSERT_ROLE)) {
            for (String role : new TreeSet<>(roles)) {
                ps.setString(1, name);
                ps.setString(2, role);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void setNullable(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }
}
