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
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * JDBC access to {@code oauth_user} and {@code oauth_user_role}. User names are looked up case-insensitively
 * through {@code username_key}; everything else addresses a user by its id. A user's name is registered in
 * {@code oauth_principal_name} in the same transaction as the user (see {@link PrincipalNames}), so that no user
 * shares a name with a service client, whatever the case, on however many key managers.
 */
public final class UserStore {

    private static final String COLUMNS = "u.id, u.username, u.password_hash, u.enabled, u.failed_logins, "
            + "u.lock_count, u.locked_until, u.created_at, u.security_version, r.role_name";
    private static final String FROM = " FROM oauth_user u "
            + "LEFT OUTER JOIN oauth_user_role r ON r.username = u.username";
    private static final String SELECT_BY_NAME = "SELECT " + COLUMNS + FROM + " WHERE u.username_key = ?";
    private static final String SELECT_BY_ID = "SELECT " + COLUMNS + FROM + " WHERE u.id = ?";
    private static final String SELECT_ALL = "SELECT " + COLUMNS + FROM + " ORDER BY u.username_key";
    private static final String INSERT = "INSERT INTO oauth_user (username, username_key, password_hash, enabled, "
            + "failed_logins, lock_count, locked_until, created_at) VALUES (?, ?, ?, ?, 0, 0, 0, ?)";
    private static final String SELECT_ID = "SELECT id FROM oauth_user WHERE username_key = ?";
    private static final String INSERT_ROLE = "INSERT INTO oauth_user_role (username, role_name) VALUES (?, ?)";
    private static final String DELETE_ROLES = "DELETE FROM oauth_user_role WHERE username = "
            + "(SELECT username FROM oauth_user WHERE id = ?)";
    private static final String DELETE = "DELETE FROM oauth_user WHERE id = ?";
    private static final String UPDATE_ENABLED = "UPDATE oauth_user SET enabled = ?, "
            + "security_version = security_version + 1 WHERE id = ?";
    private static final String UPDATE_HASH = "UPDATE oauth_user SET password_hash = ?, "
            + "security_version = security_version + 1 WHERE id = ?";
    private static final String UPDATE_HASH_IF_UNCHANGED =
            "UPDATE oauth_user SET password_hash = ? WHERE id = ? AND password_hash = ?";
    // Holds the user's row until the transaction ends, if the user may still get tokens: a concurrent disable,
    // password change or delete waits for this transaction, or this one finds the row changed and gets nothing.
    private static final String HOLD_ACTIVE = "UPDATE oauth_user SET security_version = security_version "
            + "WHERE id = ? AND enabled = TRUE AND security_version = ?";
    private static final String TAKE_ROW = "UPDATE oauth_user SET security_version = security_version WHERE id = ?";
    // A claim: counted in flight while failures and claims leave room below the threshold and the account is
    // enabled and not locked. Claims older than the claim timeout no longer count, and their epoch ends.
    private static final String CLAIM = "UPDATE oauth_user SET "
            + "checks_in_flight = CASE WHEN claimed_at < ? THEN 1 ELSE checks_in_flight + 1 END, "
            + "login_epoch = CASE WHEN claimed_at < ? AND checks_in_flight > 0 THEN login_epoch + 1 "
            + "ELSE login_epoch END, "
            + "claimed_at = ? "
            + "WHERE id = ? AND enabled = TRUE AND locked_until <= ? "
            + "AND failed_logins + CASE WHEN claimed_at < ? THEN 0 ELSE checks_in_flight END < ?";
    private static final String SELECT_LOGIN_STATE =
            "SELECT login_epoch, failed_logins, lock_count FROM oauth_user WHERE id = ?";
    private static final String RELEASE_FAILED = "UPDATE oauth_user SET checks_in_flight = checks_in_flight - 1, "
            + "failed_logins = failed_logins + 1 WHERE id = ? AND login_epoch = ? AND checks_in_flight > 0";
    private static final String RELEASE_SUCCEEDED = "UPDATE oauth_user SET checks_in_flight = checks_in_flight - 1, "
            + "failed_logins = 0, lock_count = 0 WHERE id = ? AND login_epoch = ? AND checks_in_flight > 0";
    private static final String RELEASE_UNCOUNTED = "UPDATE oauth_user SET checks_in_flight = checks_in_flight - 1 "
            + "WHERE id = ? AND login_epoch = ? AND checks_in_flight > 0";
    private static final String LOCK = "UPDATE oauth_user SET failed_logins = 0, checks_in_flight = 0, "
            + "lock_count = ?, locked_until = ?, login_epoch = login_epoch + 1 "
            + "WHERE id = ? AND login_epoch = ? AND failed_logins >= ?";
    private static final String RESET = "UPDATE oauth_user SET failed_logins = 0, checks_in_flight = 0, "
            + "lock_count = 0, locked_until = 0, login_epoch = login_epoch + 1 WHERE id = ?";

    private final ShareLockedQuery holdEnabled =
            new ShareLockedQuery("SELECT id FROM oauth_user WHERE id = ? AND enabled = TRUE");

    /**
     * @param username a user name
     * @return the lookup key of that name (lower case)
     */
    public static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    /**
     * @param connection a connection
     * @param username a user name, in any case
     * @return the user with roles, or {@code null}
     * @throws SQLException on a database failure
     */
    public UserRecord find(Connection connection, String username) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT_BY_NAME)) {
            ps.setString(1, key(username));
            return one(ps);
        }
    }

    /**
     * @param connection a connection
     * @param id a user id
     * @return the user with roles, or {@code null} (deleted)
     * @throws SQLException on a database failure
     */
    public UserRecord findById(Connection connection, long id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT_BY_ID)) {
            ps.setLong(1, id);
            return one(ps);
        }
    }

    /**
     * @param connection a connection
     * @return every user with roles
     * @throws SQLException on a database failure
     */
    public List<UserRecord> list(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT_ALL); ResultSet rs = ps.executeQuery()) {
            return readAll(rs);
        }
    }

    /**
     * Creates a user and registers its name, atomically: a name taken by a user or a service client (in any case),
     * also by a concurrent insert on another key manager, fails with {@link PrincipalNames#isNameTaken}.
     *
     * @param connection a connection
     * @param username the name as typed
     * @param passwordHash PHC string
     * @param roles role names
     * @param now epoch milliseconds
     * @return the new user's id
     * @throws SQLException on a database failure, including a taken name
     */
    public long insert(Connection connection, String username, String passwordHash, Collection<String> roles,
            long now) throws SQLException {
        PrincipalNames.register(connection, username, PrincipalNames.USER);
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            ps.setString(1, username);
            ps.setString(2, key(username));
            ps.setString(3, passwordHash);
            ps.setBoolean(4, true);
            ps.setLong(5, now);
            ps.executeUpdate();
        }
        long id;
        try (PreparedStatement ps = connection.prepareStatement(SELECT_ID)) {
            ps.setString(1, key(username));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("The new user [" + username + "] is not there");
                }
                id = rs.getLong(1);
            }
        }
        insertRoles(connection, username, roles);
        return id;
    }

    /**
     * Replaces the roles of a user.
     *
     * @param connection a connection
     * @param user the user
     * @param roles the new role names
     * @throws SQLException on a database failure
     */
    public void replaceRoles(Connection connection, UserRecord user, Collection<String> roles) throws SQLException {
        update(connection, DELETE_ROLES, user.id());
        insertRoles(connection, user.username(), roles);
    }

    /**
     * Enables or disables a user; a new security version ends its sessions and the grants under way.
     *
     * @param connection a connection
     * @param id the user id
     * @param enabled the new flag
     * @throws SQLException on a database failure
     */
    public void setEnabled(Connection connection, long id, boolean enabled) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UPDATE_ENABLED)) {
            ps.setBoolean(1, enabled);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /**
     * Sets a new password; a new security version ends the user's sessions and the grants under way.
     *
     * @param connection a connection
     * @param id the user id
     * @param passwordHash the new PHC string
     * @throws SQLException on a database failure
     */
    public void setPasswordHash(Connection connection, long id, String passwordHash) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UPDATE_HASH)) {
            ps.setString(1, passwordHash);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /**
     * Replaces a password hash unless it changed meanwhile (an upgrade at login must not undo a password change).
     *
     * @param connection a connection
     * @param id the user id
     * @param oldHash the PHC string the login was checked against
     * @param newHash the new PHC string
     * @return whether the hash was replaced
     * @throws SQLException on a database failure
     */
    public boolean replacePasswordHash(Connection connection, long id, String oldHash, String newHash)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(UPDATE_HASH_IF_UNCHANGED)) {
            ps.setString(1, newHash);
            ps.setLong(2, id);
            ps.setString(3, oldHash);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Takes the user's row for the rest of the transaction if the user still exists, is enabled and has the given
     * security version (no password change or disable since the password was checked). Tokens inserted in the same
     * transaction are then either seen and revoked by a concurrent disable, password change or delete, or not
     * issued at all.
     *
     * @param connection a connection in the transaction that issues the tokens
     * @param id the user id
     * @param securityVersion the version read when the password was checked
     * @return whether the user may get tokens
     * @throws SQLException on a database failure
     */
    public boolean holdActive(Connection connection, long id, int securityVersion) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(HOLD_ACTIVE)) {
            ps.setLong(1, id);
            ps.setInt(2, securityVersion);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Holds the user's row (shared) for the rest of the transaction if the user still exists and is enabled (a
     * refresh): refreshes of one user do not wait for each other; a disable, new password, role taken away or
     * delete waits for them, or they for it.
     *
     * @param connection a connection in the transaction that issues the tokens
     * @param id the user id
     * @return whether the user may get tokens
     * @throws SQLException on a database failure
     */
    public boolean holdEnabled(Connection connection, long id) throws SQLException {
        return holdEnabled.hold(connection, Long.valueOf(id));
    }

    /**
     * Takes the user's row exclusively for the rest of the transaction, before a change that tokens being issued
     * must not miss (roles taken away): a refresh holding the row finishes first, a later one waits and sees the
     * change.
     *
     * @param connection a connection in the transaction that makes the change
     * @param id the user id
     * @return whether the user exists
     * @throws SQLException on a database failure
     */
    public boolean lock(Connection connection, long id) throws SQLException {
        return update(connection, TAKE_ROW, id) == 1;
    }

    /**
     * Claims a place for one password check, atomically: granted only while the account is enabled and not locked,
     * and its failed logins plus the checks in flight are below the threshold. Claims made before
     * {@code staleBefore} no longer count.
     *
     * @param connection a connection in a transaction (commit it soon: the claim holds the user's row)
     * @param id the user id
     * @param threshold the lockout threshold
     * @param now epoch milliseconds
     * @param staleBefore epoch milliseconds before which an unreleased claim is dropped
     * @return the login epoch the claim belongs to, or {@code -1} when refused
     * @throws SQLException on a database failure
     */
    public int claimCheck(Connection connection, long id, int threshold, long now, long staleBefore)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(CLAIM)) {
            ps.setLong(1, staleBefore);
            ps.setLong(2, staleBefore);
            ps.setLong(3, now);
            ps.setLong(4, id);
            ps.setLong(5, now);
            ps.setLong(6, staleBefore);
            ps.setInt(7, threshold);
            if (ps.executeUpdate() != 1) {
                return -1;
            }
        }
        int[] state = loginState(connection, id);
        return state == null ? -1 : state[0];
    }

    /**
     * Releases a claim of a check that failed and counts the failure, unless the epoch ended meanwhile.
     *
     * @param connection a connection in a transaction
     * @param id the user id
     * @param epoch the epoch of the claim
     * @return {failed logins in a row, locks so far} after the count, or {@code null} when the epoch ended
     * @throws SQLException on a database failure
     */
    public int[] releaseFailedCheck(Connection connection, long id, int epoch) throws SQLException {
        if (updateInEpoch(connection, RELEASE_FAILED, id, epoch) != 1) {
            return null;
        }
        int[] state = loginState(connection, id);
        return state == null ? null : new int[] { state[1], state[2] };
    }

    /**
     * Releases a claim of a check that succeeded and clears the failures and the lock history, unless the epoch
     * ended meanwhile.
     *
     * @param connection a connection in a transaction
     * @param id the user id
     * @param epoch the epoch of the claim
     * @throws SQLException on a database failure
     */
    public void releaseSucceededCheck(Connection connection, long id, int epoch) throws SQLException {
        updateInEpoch(connection, RELEASE_SUCCEEDED, id, epoch);
    }

    /**
     * Releases a claim of a check that never ran (the server was too busy to hash), counting nothing.
     *
     * @param connection a connection in a transaction
     * @param id the user id
     * @param epoch the epoch of the claim
     * @throws SQLException on a database failure
     */
    public void releaseUncountedCheck(Connection connection, long id, int epoch) throws SQLException {
        updateInEpoch(connection, RELEASE_UNCOUNTED, id, epoch);
    }

    /**
     * Locks an account, clears its failure count and starts a new epoch, if the epoch is still the one whose
     * failures reached the threshold.
     *
     * @param connection a connection in a transaction
     * @param id the user id
     * @param epoch the epoch whose failures reached the threshold
     * @param threshold the lockout threshold
     * @param lockCount the number of locks including this one
     * @param lockedUntil epoch milliseconds
     * @return whether this call locked the account
     * @throws SQLException on a database failure
     */
    public boolean lock(Connection connection, long id, int epoch, int threshold, int lockCount, long lockedUntil)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(LOCK)) {
            ps.setInt(1, lockCount);
            ps.setLong(2, lockedUntil);
            ps.setLong(3, id);
            ps.setInt(4, epoch);
            ps.setInt(5, threshold);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Clears failures, claims, locks and lock history and starts a new epoch (unlock by an administrator).
     *
     * @param connection a connection
     * @param id the user id
     * @throws SQLException on a database failure
     */
    public void resetFailures(Connection connection, long id) throws SQLException {
        update(connection, RESET, id);
    }

    /**
     * Deletes a user, its roles and its name (the name is free again; nothing of the user is left to a new user
     * who takes it).
     *
     * @param connection a connection
     * @param user the user
     * @throws SQLException on a database failure
     */
    public void delete(Connection connection, UserRecord user) throws SQLException {
        update(connection, DELETE_ROLES, user.id());
        update(connection, DELETE, user.id());
        PrincipalNames.release(connection, user.username(), PrincipalNames.USER);
    }

    private static void insertRoles(Connection connection, String username, Collection<String> roles)
            throws SQLException {
        if (roles.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(INSERT_ROLE)) {
            for (String role : new TreeSet<>(roles)) {
                ps.setString(1, username);
                ps.setString(2, role);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static int[] loginState(Connection connection, long id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT_LOGIN_STATE)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new int[] { rs.getInt(1), rs.getInt(2), rs.getInt(3) } : null;
            }
        }
    }

    private static int updateInEpoch(Connection connection, String sql, long id, int epoch) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.setInt(2, epoch);
            return ps.executeUpdate();
        }
    }

    private static int update(Connection connection, String sql, long id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, id);
            return ps.executeUpdate();
        }
    }

    private static UserRecord one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            List<UserRecord> users = readAll(rs);
            return users.isEmpty() ? null : users.get(0);
        }
    }

    private static List<UserRecord> readAll(ResultSet rs) throws SQLException {
        List<UserRecord> users = new ArrayList<>();
        UserRecord current = null;
        Set<String> roles = null;
        while (rs.next()) {
            long id = rs.getLong(1);
            if (current == null || current.id() != id) {
                if (current != null) {
                    users.add(withRoles(current, roles));
                }
                current = new UserRecord(id, rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getInt(5),
                        rs.getInt(6), rs.getLong(7), rs.getLong(8), rs.getInt(9), Set.of());
                roles = new TreeSet<>();
            }
            String role = rs.getString(10);
            if (role != null) {
                roles.add(role);
            }
        }
        if (current != null) {
            users.add(withRoles(current, roles));
        }
        return users;
    }

    private static UserRecord withRoles(UserRecord user, Set<String> roles) {
        return new UserRecord(user.id(), user.username(), user.passwordHash(), user.enabled(), user.failedLogins(),
                user.lockCount(), user.lockedUntil(), user.createdAt(), user.securityVersion(),
                Collections.unmodifiableSet(roles));
    }
}
