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
import java.util.Comparator;
import java.util.List;

/**
 * JDBC access to {@code oauth_throttle_tier} and to the tier of each application ({@code oauth_application.tier_name}).
 */
public final class TierStore {

    private static final String COLUMNS = "t.name, t.request_quota, t.window_seconds, t.burst, t.description";
    private static final String SELECT_ALL = "SELECT " + COLUMNS + " FROM oauth_throttle_tier t";
    /** Unlimited first, then the largest rate (requests per second), then by name. */
    private static final Comparator<TierRecord> ORDER = Comparator
            .comparing((TierRecord t) -> !t.isUnlimited())
            .thenComparing(t -> t.isUnlimited() ? 0.0 : -((double) t.requests() / t.windowSeconds()))
            .thenComparing(TierRecord::name);
    private static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM oauth_throttle_tier t WHERE t.name_key = ?";
    private static final String INSERT = "INSERT INTO oauth_throttle_tier "
            + "(name, name_key, request_quota, window_seconds, burst, description) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String UPDATE = "UPDATE oauth_throttle_tier SET request_quota = ?, window_seconds = ?, "
            + "burst = ?, description = ? WHERE name = ?";
    private static final String DELETE = "DELETE FROM oauth_throttle_tier WHERE name = ?";
    private static final String COUNT_APPLICATIONS = "SELECT COUNT(*) FROM oauth_application WHERE tier_name = ?";
    private static final String SELECT_OF_APPLICATION = "SELECT " + COLUMNS + " FROM oauth_application a "
            + "JOIN oauth_throttle_tier t ON t.name = a.tier_name WHERE a.id = ?";
    private static final String SELECT_OF_CLIENT = "SELECT " + COLUMNS + ", c.application_id FROM oauth_client c "
            + "JOIN oauth_application a ON a.id = c.application_id "
            + "JOIN oauth_throttle_tier t ON t.name = a.tier_name WHERE c.client_id = ?";
    private static final String ASSIGN = "UPDATE oauth_application SET tier_name = ? WHERE id = ?";
    private static final String CLIENTS_OF_TIER = "SELECT c.client_id FROM oauth_client c "
            + "JOIN oauth_application a ON a.id = c.application_id WHERE a.tier_name = ? ORDER BY c.client_id";

    /**
     * @param connection a connection
     * @return every tier, the unlimited ones first, then from the largest rate to the smallest
     * @throws SQLException on a database failure
     */
    public List<TierRecord> list(Connection connection) throws SQLException {
        List<TierRecord> result = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(SELECT_ALL); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                result.add(read(rs));
            }
        }
        result.sort(ORDER);
        return result;
    }

    /**
     * @param connection a connection
     * @param name a tier name, in any case
     * @return the tier, or {@code null}
     * @throws SQLException on a database failure
     */
    public TierRecord find(Connection connection, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT_ONE)) {
            ps.setString(1, TierRecord.key(name));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    /**
     * @param connection a connection
     * @param tier the new tier
     * @throws SQLException on a database failure, including a name taken in another case
     */
    public void insert(Connection connection, TierRecord tier) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            ps.setString(1, tier.name());
            ps.setString(2, TierRecord.key(tier.name()));
            setQuota(ps, 3, tier);
            setNullable(ps, 6, tier.description());
            ps.executeUpdate();
        }
    }

    /**
     * Writes the quota, window, burst and description of a tier.
     *
     * @param connection a connection
     * @param tier the new values, under the stored name
     * @throws SQLException on a database failure
     */
    public void update(Connection connection, TierRecord tier) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UPDATE)) {
            setQuota(ps, 1, tier);
            setNullable(ps, 4, tier.description());
            ps.setString(5, tier.name());
            ps.executeUpdate();
        }
    }

    /**
     * @param connection a connection
     * @param name the stored name
     * @throws SQLException on a database failure, including a tier still in use
     */
    public void delete(Connection connection, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(DELETE)) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
    }

    /**
     * @param connection a connection
     * @param name the stored name
     * @return how many applications have the tier
     * @throws SQLException on a database failure
     */
    public long countApplications(Connection connection, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(COUNT_APPLICATIONS)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * @param connection a connection
     * @param applicationId an application
     * @return its tier, or {@code null} when the application does not exist
     * @throws SQLException on a database failure
     */
    public TierRecord ofApplication(Connection connection, long applicationId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT_OF_APPLICATION)) {
            ps.setLong(1, applicationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    /**
     * The tier a key set's requests are counted against: its application's.
     *
     * @param connection a connection
     * @param clientId a consumer key
     * @return the application and its tier, or {@code null} when the key set does not exist
     * @throws SQLException on a database failure
     */
    public ApplicationTier ofClient(Connection connection, String clientId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT_OF_CLIENT)) {
            ps.setString(1, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new ApplicationTier(rs.getLong(6), read(rs)) : null;
            }
        }
    }

    /**
     * @param connection a connection
     * @param applicationId an application
     * @param tierName the stored name of an existing tier
     * @throws SQLException on a database failure
     */
    public void assign(Connection connection, long applicationId, String tierName) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(ASSIGN)) {
            ps.setString(1, tierName);
            ps.setLong(2, applicationId);
            ps.executeUpdate();
        }
    }

    /**
     * @param connection a connection
     * @param tierName the stored name of a tier
     * @return the consumer keys of every key set of the applications with that tier
     * @throws SQLException on a database failure
     */
    public List<String> clientsOfTier(Connection connection, String tierName) throws SQLException {
        List<String> result = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(CLIENTS_OF_TIER)) {
            ps.setString(1, tierName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(rs.getString(1));
                }
            }
        }
        return result;
    }

    private static TierRecord read(ResultSet rs) throws SQLException {
        // getLong answers 0 for NULL: the unlimited tier's columns
        return new TierRecord(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5));
    }

    private static void setQuota(PreparedStatement ps, int index, TierRecord tier) throws SQLException {
        setPositive(ps, index, tier.requests());
        setPositive(ps, index + 1, tier.windowSeconds());
        setPositive(ps, index + 2, tier.burst());
    }

    private static void setPositive(PreparedStatement ps, int index, long value) throws SQLException {
        if (value <= 0) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    private static void setNullable(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    /**
     * An application and its tier.
     *
     * @param applicationId the application
     * @param tier its tier
     */
    public record ApplicationTier(long applicationId, TierRecord tier) {
    }
}
