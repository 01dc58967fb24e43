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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * JDBC access to {@code oauth_token}. Every issued token is its own row.
 */
public final class TokenStore {

    private static final String COLUMNS = "token_digest, token_kind, client_id, username, user_id, scope, grant_type, "
            + "family_id, family_started_at, issued_at, expires_at, revoked, used";
    private static final String INSERT = "INSERT INTO oauth_token (" + COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, FALSE)";
    private static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM oauth_token WHERE token_digest = ?";
    private static final String MARK_USED = "UPDATE oauth_token SET used = TRUE "
            + "WHERE token_digest = ? AND used = FALSE AND revoked = FALSE";
    private static final String REVOKE_ONE =
            "UPDATE oauth_token SET revoked = TRUE WHERE token_digest = ? AND revoked = FALSE";
    private static final String LIVE_ACCESS_OF_FAMILY = "SELECT token_digest FROM oauth_token "
            + "WHERE family_id = ? AND token_kind = 'A' AND revoked = FALSE AND expires_at > ?";
    private static final String REVOKE_FAMILY =
            "UPDATE oauth_token SET revoked = TRUE WHERE family_id = ? AND revoked = FALSE";
    private static final String REVOKE_CLIENT =
            "UPDATE oauth_token SET revoked = TRUE WHERE client_id = ? AND revoked = FALSE";
    private static final String REVOKE_USER =
            "UPDATE oauth_token SET revoked = TRUE WHERE user_id = ? AND revoked = FALSE";
    private static final String LIVE_ACCESS_OF_USER = "SELECT " + COLUMNS + " FROM oauth_token "
            + "WHERE client_id = ? AND user_id = ? AND token_kind = 'A' AND revoked = FALSE AND expires_at > ? "
            + "ORDER BY issued_at DESC";
    private static final String PURGE = "DELETE FROM oauth_token WHERE expires_at < ?";
    /** The token's columns on the alias {@code k}, for queries of other stores that join a token. */
    static final String K_COLUMNS = Arrays.stream(COLUMNS.split(",\\s*")).map(c -> "k." + c)
            .collect(Collectors.joining(", "));
    /** How many columns {@link #K_COLUMNS} holds. */
    static final int COLUMN_COUNT = COLUMNS.split(",").length;

    /**
     * Inserts tokens in one batch.
     *
     * @param connection a connection
     * @param tokens the new rows (revoked and used are written as false)
     * @throws SQLException on a database failure
     */
    public void insert(Connection connection, List<TokenRecord> tokens) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            for (TokenRecord t : tokens) {
                ps.setString(1, t.digest());
                ps.setString(2, String.valueOf(t.kind()));
                ps.setString(3, t.clientId());
                setNullable(ps, 4, t.username());
                setNullable(ps, 5, t.userId());
                ps.setString(6, t.scope());
                ps.setString(7, t.grantType());
                setNullable(ps, 8, t.familyId());
                setNullable(ps, 9, t.familyStartedAt());
                ps.setLong(10, t.issuedAt());
                ps.setLong(11, t.expiresAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * @param connection a connection
     * @param digest token digest
     * @return the token, or {@code null}
     * @throws SQLException on a database failure
     */
    public TokenRecord find(Connection connection, String digest) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT_ONE)) {
            ps.setString(1, digest);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return read(rs);
            }
        }
    }

    /**
     * @param connection a connection
     * @param clientId consumer key
     * @param userId the user's id
     * @param now epoch milliseconds
     * @param limit most tokens returned
     * @return the user's access tokens of that key set that are neither revoked nor expired, newest first
     * @throws SQLException on a database failure
     */
    public List<TokenRecord> liveAccessTokensOfUser(Connection connection, String clientId, long userId,
            long now, int limit) throws SQLException {
        List<TokenRecord> result = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(LIVE_ACCESS_OF_USER)) {
            ps.setMaxRows(limit);
            ps.setString(1, clientId);
            ps.setLong(2, userId);
            ps.setLong(3, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(read(rs));
                }
            }
        }
        return result;
    }

    /**
     * Marks a refresh token used, atomically: of two concurrent callers only one gets {@code true}.
     *
     * @param connection a connection
     * @param digest refresh token digest
     * @return whether this call marked it
     * @throws SQLException on a database failure
     */
    public boolean markUsed(Connection connection, String digest) throws SQLException {
        return update(connection, MARK_USED, digest) == 1;
    }

    /**
     * @param connection a connection
     * @param digest token digest
     * @return whether the token was live and is now revoked
     * @throws SQLException on a database failure
     */
    public boolean revoke(Connection connection, String digest) throws SQLException {
        return update(connection, REVOKE_ONE, digest) == 1;
    }

    /**
     * @param connection a connection
     * @param familyId family id
     * @param now epoch milliseconds
     * @return digests of the family's access tokens that are still live
     * @throws SQLException on a database failure
     */
    public List<String> liveAccessTokensOfFamily(Connection connection, String familyId, long now)
            throws SQLException {
        List<String> digests = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(LIVE_ACCESS_OF_FAMILY)) {
            ps.setString(1, familyId);
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    digests.add(rs.getString(1));
                }
            }
        }
        return digests;
    }

    /**
     * @param connection a connection
     * @param familyId family id
     * @return rows revoked
     * @throws SQLException on a database failure
     */
    public int revokeFamily(Connection connection, String familyId) throws SQLException {
        return update(connection, REVOKE_FAMILY, familyId);
    }

    /**
     * @param connection a connection
     * @param clientId consumer key
     * @return rows revoked
     * @throws SQLException on a database failure
     */
    public int revokeClient(Connection connection, String clientId) throws SQLException {
        return update(connection, REVOKE_CLIENT, clientId);
    }

    /**
     * @param connection a connection
     * @param userId the user's id
     * @return rows revoked
     * @throws SQLException on a database failure
     */
    public int revokeUser(Connection connection, long userId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(REVOKE_USER)) {
            ps.setLong(1, userId);
            return ps.executeUpdate();
        }
    }

    /**
     * @param connection a connection
     * @param now epoch milliseconds
     * @return rows deleted
     * @throws SQLException on a database failure
     */
    public int purgeExpired(Connection connection, long now) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(PURGE)) {
            ps.setLong(1, now);
            return ps.executeUpdate();
        }
    }

    private static TokenRecord read(ResultSet rs) throws SQLException {
        return read(rs, 1);
    }

    /**
     * Reads a token from the columns of {@link #K_COLUMNS} starting at a position (for a query that joins it).
     */
    static TokenRecord read(ResultSet rs, int first) throws SQLException {
        int o = first - 1;
        long userId = rs.getLong(o + 5);
        Long user = rs.wasNull() ? null : Long.valueOf(userId);
        long familyStartedAt = rs.getLong(o + 9);
        Long familyStart = rs.wasNull() ? null : Long.valueOf(familyStartedAt);
        return new TokenRecord(rs.getString(o + 1), rs.getString(o + 2).charAt(0), rs.getString(o + 3),
                rs.getString(o + 4), user, rs.getString(o + 6), rs.getString(o + 7), rs.getString(o + 8), familyStart,
                rs.getLong(o + 10), rs.getLong(o + 11), rs.getBoolean(o + 12), rs.getBoolean(o + 13));
    }

    private static int update(Connection connection, String sql, String key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, key);
            return ps.executeUpdate();
        }
    }

    private static void setNullable(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value.longValue());
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
