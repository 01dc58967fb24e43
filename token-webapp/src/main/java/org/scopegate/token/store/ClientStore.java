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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * JDBC access to {@code oauth_client}. A client id is registered in the name space of users and clients
 * ({@link PrincipalNames}) in the same transaction as the client.
 */
public final class ClientStore {

    /** The columns of an application, in the order {@link #read(ResultSet, int)} reads them. */
    static final String COLUMNS = "client_id, secret_digest, name, grant_types, can_introspect, "
            + "enabled, created_at, application_id, key_type";
    private static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM oauth_client WHERE client_id = ?";
    private static final String SELECT_ALL = "SELECT " + COLUMNS + " FROM oauth_client ORDER BY client_id";
    private static final String SELECT_OF_APPLICATION = "SELECT " + COLUMNS + " FROM oauth_client "
            + "WHERE application_id = ? ORDER BY key_type";
    private static final String INSERT = "INSERT INTO oauth_client (" + COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_APPLICATION = "UPDATE oauth_client SET name = ?, grant_types = ? "
            + "WHERE application_id = ?";
    private static final String UPDATE = "UPDATE oauth_client SET name = ?, grant_types = ?, can_introspect = ?, "
            + "enabled = ? WHERE client_id = ?";
    private static final String UPDATE_SECRET = "UPDATE oauth_client SET secret_digest = ? WHERE client_id = ?";
    private static final String DELETE = "DELETE FROM oauth_client WHERE client_id = ?";

    private final ShareLockedQuery holdActive = new ShareLockedQuery(
            "SELECT client_id FROM oauth_client WHERE client_id = ? AND enabled = TRUE AND secret_digest = ?");

    /**
     * @param connection a connection
     * @param clientId consumer key
     * @return the application, or {@code null}
     * @throws SQLException on a database failure
     */
    public ClientRecord find(Connection connection, String clientId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT_ONE)) {
            ps.setString(1, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    /**
     * @param connection a connection
     * @return every application, by consumer key
     * @throws SQLException on a database failure
     */
    public List<ClientRecord> list(Connection connection) throws SQLException {
        List<ClientRecord> result = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(SELECT_ALL); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                result.add(read(rs));
            }
        }
        return result;
    }

    /**
     * @param connection a connection
     * @param applicationId an application
     * @return its key sets, by key type
     * @throws SQLException on a database failure
     */
    public List<ClientRecord> listOfApplication(Connection connection, long applicationId) throws SQLException {
        List<ClientRecord> result = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(SELECT_OF_APPLICATION)) {
            ps.setLong(1, applicationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(read(rs));
                }
            }
        }
        return result;
    }

    /**
     * Gives every key set of an application the application's name and grant types.
     *
     * @param connection a connection
     * @param applicationId an application
     * @param name its name
     * @param grantTypes its grant types
     * @throws SQLException on a database failure
     */
    public void updateApplication(Connection connection, long applicationId, String name, Set<String> grantTypes)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UPDATE_APPLICATION)) {
            ps.setString(1, name);
            ps.setString(2, GrantTypeColumn.write(grantTypes));
            ps.setLong(3, applicationId);
            ps.executeUpdate();
        }
    }

    /**
     * @param connection a connection
     * @param client the new application
     * @throws SQLException on a database failure, including a consumer key taken by a client or a user name in any
     *             case ({@link PrincipalNames#isNameTaken(SQLException)})
     */
    public void insert(Connection connection, ClientRecord client) throws SQLException {
        PrincipalNames.register(connection, client.clientId(), PrincipalNames.CLIENT);
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            ps.setString(1, client.clientId());
            ps.setString(2, client.secretDigest());
            ps.setString(3, client.name());
            ps.setString(4, GrantTypeColumn.write(client.grantTypes()));
            ps.setBoolean(5, client.canIntrospect());
            ps.setBoolean(6, client.enabled());
            ps.setLong(7, client.createdAt());
            ps.setLong(8, client.applicationId());
            ps.setString(9, client.keyType());
            ps.executeUpdate();
        }
    }

    /**
     * Holds the key set's row (shared) for the rest of the transaction if it is still enabled and has this secret:
     * tokens inserted in the same transaction are then either seen and revoked by a concurrent disable, new secret or
     * delete, or not issued at all. Grants of one key set hold it together and do not wait for each other.
     *
     * @param connection a connection in the transaction that issues the tokens
     * @param clientId consumer key
     * @param secretDigest the digest the client authenticated with
     * @return whether the key set may get tokens
     * @throws SQLException on a database failure
     */
    public boolean holdActive(Connection connection, String clientId, String secretDigest) throws SQLException {
        return holdActive.hold(connection, clientId, secretDigest);
    }

    /**
     * Writes name, grant types, introspection flag and enabled flag.
     *
     * @param connection a connection
     * @param client the new values
     * @throws SQLException on a database failure
     */
    public void update(Connection connection, ClientRecord client) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UPDATE)) {
            ps.setString(1, client.name());
            ps.setString(2, GrantTypeColumn.write(client.grantTypes()));
            ps.setBoolean(3, client.canIntrospect());
            ps.setBoolean(4, client.enabled());
            ps.setString(5, client.clientId());
            ps.executeUpdate();
        }
    }

    /**
     * @param connection a connection
     * @param clientId consumer key
     * @param secretDigest digest of the new secret
     * @throws SQLException on a database failure
     */
    public void updateSecret(Connection connection, String clientId, String secretDigest) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UPDATE_SECRET)) {
            ps.setString(1, secretDigest);
            ps.setString(2, clientId);
            ps.executeUpdate();
        }
    }

    /**
     * @param connection a connection
     * @param clientId consumer key
     * @throws SQLException on a database failure
     */
    public void delete(Connection connection, String clientId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(DELETE)) {
            ps.setString(1, clientId);
            ps.executeUpdate();
        }
        PrincipalNames.release(connection, clientId, PrincipalNames.CLIENT);
    }

    private static ClientRecord read(ResultSet rs) throws SQLException {
        return read(rs, 1);
    }

    /**
     * Reads an application from the columns of {@link #COLUMNS} starting at a position (for a query that joins it).
     */
    static ClientRecord read(ResultSet rs, int first) throws SQLException {
        int o = first - 1;
        Set<String> grants = GrantTypeColumn.read(rs.getString(o + 4));
        return new ClientRecord(rs.getString(o + 1), rs.getString(o + 2), rs.getString(o + 3), grants,
                rs.getBoolean(o + 5), rs.getBoolean(o + 6), rs.getLong(o + 7), rs.getLong(o + 8),
                rs.getString(o + 9));
    }
}
