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
package org.scopegate.token.stats;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * The usage statistics of applications, in tables of their own so that purging expired tokens never changes them:
 * <ul>
 * <li>Registered Users for Application ({@code oauth_app_user}): the distinct users who obtained a token with the
 * password grant for any key set of the application;</li>
 * <li>access tokens issued per UTC day and grant type ({@code oauth_token_daily}).</li>
 * </ul>
 * Both are written in the transaction that issues the token, with one statement in the common case each. A day's
 * count is spread over {@value #SLOTS} rows (slots) that concurrent grants of one application pick at random, so that
 * they seldom wait for each other's commit; the count is their sum. The rare first insert of a row runs under a
 * savepoint: when a concurrent transaction inserted the same row first (SQLState
 * {@value #DUPLICATE_KEY}), only the insert is rolled back and the grant carries on.
 */
public final class UsageStatistics {

    /** SQLState of a unique or primary key violation, on Derby and PostgreSQL. */
    public static final String DUPLICATE_KEY = "23505";

    private static final String USER_EXISTS =
            "SELECT first_token_at FROM oauth_app_user WHERE application_id = ? AND username = ?";
    private static final String INSERT_USER =
            "INSERT INTO oauth_app_user (application_id, username, first_token_at) VALUES (?, ?, ?)";
    private static final String COUNT_USERS = "SELECT COUNT(*) FROM oauth_app_user WHERE application_id = ?";
    /** The rows of one day's count. */
    public static final int SLOTS = 16;

    private static final String INCREMENT_DAY = "UPDATE oauth_token_daily SET issued = issued + 1 "
            + "WHERE day = ? AND application_id = ? AND grant_type = ? AND slot = ?";
    private static final String INSERT_DAY =
            "INSERT INTO oauth_token_daily (day, application_id, grant_type, slot, issued) VALUES (?, ?, ?, ?, 1)";
    private static final String SELECT_DAYS = "SELECT day, grant_type, SUM(issued) FROM oauth_token_daily "
            + "WHERE application_id = ? AND day >= ? GROUP BY day, grant_type ORDER BY day DESC, grant_type";
    private static final String DELETE_USERS = "DELETE FROM oauth_app_user WHERE application_id = ?";
    private static final String DELETE_ROWS_OF_USER = "DELETE FROM oauth_app_user WHERE username = ?";
    private static final String DELETE_DAYS = "DELETE FROM oauth_token_daily WHERE application_id = ?";

    private final IntSupplier slots;

    /** Statistics whose grants pick their slot at random. */
    public UsageStatistics() {
        this(() -> ThreadLocalRandom.current().nextInt(SLOTS));
    }

    /**
     * @param slots picks the slot of each count, from 0 to {@value #SLOTS} - 1
     */
    public UsageStatistics(IntSupplier slots) {
        this.slots = slots;
    }

    /**
     * @param epochMillis a time
     * @return its UTC day as {@code yyyymmdd}
     */
    public static int day(long epochMillis) {
        LocalDate date = LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
        return date.getYear() * 10000 + date.getMonthValue() * 100 + date.getDayOfMonth();
    }

    /**
     * Counts one issued access token.
     *
     * @param connection a connection in the issuing transaction
     * @param applicationId the application of the key set
     * @param grantType the grant that issued it
     * @param now epoch milliseconds
     * @throws SQLException on a database failure
     */
    public void recordIssued(Connection connection, long applicationId, String grantType, long now)
            throws SQLException {
        int day = day(now);
        short slot = (short) slots.getAsInt();
        if (incrementDay(connection, day, applicationId, grantType, slot)) {
            return;
        }
        Savepoint savepoint = connection.setSavepoint();
        try (PreparedStatement ps = connection.prepareStatement(INSERT_DAY)) {
            ps.setInt(1, day);
            ps.setLong(2, applicationId);
            ps.setString(3, grantType);
            ps.setShort(4, slot);
            ps.executeUpdate();
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                throw e;
            }
            // Another transaction created today's row first: count on it.
            connection.rollback(savepoint);
            incrementDay(connection, day, applicationId, grantType, slot);
        }
    }

    /**
     * Records that a user obtained a token with the password grant for an application, once per user.
     *
     * @param connection a connection in the issuing transaction
     * @param applicationId the application of the key set
     * @param username the stored user name
     * @param now epoch milliseconds
     * @return whether the user was new to the application
     * @throws SQLException on a database failure
     */
    public boolean recordPasswordUser(Connection connection, long applicationId, String username, long now)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(USER_EXISTS)) {
            ps.setLong(1, applicationId);
            ps.setString(2, username);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        }
        Savepoint savepoint = connection.setSavepoint();
        try (PreparedStatement ps = connection.prepareStatement(INSERT_USER)) {
            ps.setLong(1, applicationId);
            ps.setString(2, username);
            ps.setLong(3, now);
            ps.executeUpdate();
            connection.releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                throw e;
            }
            // A concurrent grant of the same user recorded it first.
            connection.rollback(savepoint);
            return false;
        }
    }

    /**
     * @param connection a connection
     * @param applicationId an application
     * @return Registered Users for Application
     * @throws SQLException on a database failure
     */
    public long registeredUsers(Connection connection, long applicationId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(COUNT_USERS)) {
            ps.setLong(1, applicationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * @param connection a connection
     * @param applicationId an application
     * @param sinceDay first day included, {@code yyyymmdd}
     * @return the counts, newest day first
     * @throws SQLException on a database failure
     */
    public List<DailyCount> daily(Connection connection, long applicationId, int sinceDay) throws SQLException {
        List<DailyCount> result = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(SELECT_DAYS)) {
            ps.setLong(1, applicationId);
            ps.setInt(2, sinceDay);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new DailyCount(rs.getInt(1), rs.getString(2), rs.getLong(3)));
                }
            }
        }
        return result;
    }

    /**
     * Forgets the statistics of a deleted application.
     *
     * @param connection a connection
     * @param applicationId the application
     * @throws SQLException on a database failure
     */
    public void deleteApplication(Connection connection, long applicationId) throws SQLException {
        for (String sql : new String[] { DELETE_USERS, DELETE_DAYS }) {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                ps.setLong(1, applicationId);
                ps.executeUpdate();
            }
        }
    }

    /**
     * Forgets a deleted user among the Registered Users of every application, so that a new user who takes the
     * name counts as new.
     *
     * @param connection a connection
     * @param username the deleted user's stored name
     * @throws SQLException on a database failure
     */
    public void deleteUser(Connection connection, String username) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(DELETE_ROWS_OF_USER)) {
            ps.setString(1, username);
            ps.executeUpdate();
        }
    }

    private static boolean incrementDay(Connection connection, int day, long applicationId, String grantType,
            short slot) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INCREMENT_DAY)) {
            ps.setInt(1, day);
            ps.setLong(2, applicationId);
            ps.setString(3, grantType);
            ps.setShort(4, slot);
            return ps.executeUpdate() > 0;
        }
    }
}
