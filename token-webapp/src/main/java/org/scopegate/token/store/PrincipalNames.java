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
import java.util.Locale;

/**
 * The one name space of users and service clients, {@code oauth_principal_name}: a protected webapp sees the same
 * {@code getRemoteUser()} for a user's token and a client-credentials token of a client whose id is that name, so a
 * name (compared without case) belongs to a user or a client, never both. The store's primary key decides, so two
 * key managers racing for one name cannot both win: the loser's insert fails with a duplicate key
 * ({@link #isNameTaken(SQLException)}) and its transaction rolls back.
 */
public final class PrincipalNames {

    /** Kind of a user's name. */
    public static final String USER = "U";

    /** Kind of a service client's id. */
    public static final String CLIENT = "C";

    /** Kind of a name nobody may take ({@code admin}, the administrator's name at the sign-in of the pages). */
    public static final String RESERVED = "R";

    /** SQLState of a duplicate key, on Derby and PostgreSQL alike. */
    public static final String DUPLICATE_KEY = "23505";

    private static final String INSERT = "INSERT INTO oauth_principal_name (name_key, kind) VALUES (?, ?)";
    private static final String SELECT = "SELECT kind FROM oauth_principal_name WHERE name_key = ?";
    private static final String DELETE_USER = "DELETE FROM oauth_principal_name WHERE name_key = ? AND kind = 'U'";
    private static final String DELETE_CLIENT = "DELETE FROM oauth_principal_name WHERE name_key = ? AND kind = 'C' "
            + "AND NOT EXISTS (SELECT 1 FROM oauth_client WHERE LOWER(client_id) = ?)";

    private PrincipalNames() {
    }

    /**
     * @param name a user name or client id
     * @return its key in the name space (lower case)
     */
    public static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * @param connection a connection
     * @param name a user name or client id, in any case
     * @return {@link #USER}, {@link #CLIENT} or {@link #RESERVED} when the name is taken, else {@code null}
     * @throws SQLException on a database failure
     */
    public static String holder(Connection connection, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT)) {
            ps.setString(1, key(name));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * Takes a name, in the caller's transaction.
     *
     * @param connection a connection
     * @param name a user name or client id
     * @param kind {@link #USER}, {@link #CLIENT} or {@link #RESERVED}
     * @throws SQLException on a database failure; a duplicate key ({@link #isNameTaken(SQLException)}) when the name
     *             is taken, in any case
     */
    static void register(Connection connection, String name, String kind) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            ps.setString(1, key(name));
            ps.setString(2, kind);
            ps.executeUpdate();
        }
    }

    /**
     * Frees a user's name, or a client's id once no client of that id (in any case) is left.
     *
     * @param connection a connection
     * @param name the user name or client id
     * @param kind {@link #USER} or {@link #CLIENT}
     * @throws SQLException on a database failure
     */
    static void release(Connection connection, String name, String kind) throws SQLException {
        boolean user = USER.equals(kind);
        try (PreparedStatement ps = connection.prepareStatement(user ? DELETE_USER : DELETE_CLIENT)) {
            ps.setString(1, key(name));
            if (!user) {
                ps.setString(2, key(name));
            }
            ps.executeUpdate();
        }
    }

    /**
     * @param e a failure of an insert
     * @return whether it failed on a duplicate key (a name taken meanwhile, maybe by another key manager)
     */
    public static boolean isNameTaken(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (DUPLICATE_KEY.equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
