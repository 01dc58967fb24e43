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
package org.scopegate.token.grant;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.LongSupplier;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.token.Messages;
import org.scopegate.token.crypto.PasswordHasher;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.UserRecord;
import org.scopegate.token.store.UserStore;

/**
 * Checks a user name and password against the user store, for the password grant and for the sign-in of the
 * self-service pages alike. An unknown, disabled or locked user costs one dummy hash and gets the same
 * {@code invalid_grant} as a wrong password; a locked account is checked before its password is hashed. Failed
 * logins are counted atomically and lock the account per {@link LockoutPolicy}. The hash runs outside any
 * transaction, and a hash with outdated parameters is replaced at the first good login.
 */
public final class UserAuthenticator {

    private static final Log log = LogFactory.getLog(UserAuthenticator.class);
    private static final String BAD_CREDENTIALS = "Invalid resource owner credentials";

    private final UserStore users;
    private final PasswordHasher hasher;
    private final LockoutPolicy lockout;
    private final LongSupplier clock;
    private volatile LockoutListener lockoutListener = LockoutListener.NONE;

    /**
     * @param users user store
     * @param hasher password hasher
     * @param lockout lockout policy
     * @param clock epoch milliseconds
     */
    public UserAuthenticator(UserStore users, PasswordHasher hasher, LockoutPolicy lockout, LongSupplier clock) {
        this.users = users;
        this.hasher = hasher;
        this.lockout = lockout;
        this.clock = clock;
    }

    /**
     * Authenticates a user. Commits the connection's transaction before hashing, and commits the failure count or
     * the reset of it.
     *
     * @param connection a connection in a transaction
     * @param username the name as typed (any case)
     * @param password the password
     * @return the user, with its roles
     * @throws SQLException on a database failure
     * @throws OAuthException {@code invalid_grant} for any failure, always with the same description
     */
    public UserRecord authenticate(Connection connection, String username, String password)
            throws SQLException, OAuthException {
        UserRecord user = users.find(connection, username);
        // End the read transaction so that no lock is held while hashing.
        connection.commit();
        long now = clock.getAsLong();
        if (user == null || !user.enabled() || lockout.isLocked(user.lockedUntil(), now)) {
            hasher.verifyDummy(password);
            if (log.isDebugEnabled()) {
                log.debug("Authentication refused for [" + username + "]: "
                        + (user == null ? "unknown" : !user.enabled() ? "disabled" : "locked"));
            }
            String reason = user == null ? UserAuthenticationException.UNKNOWN_USER
                    : !user.enabled() ? UserAuthenticationException.DISABLED : UserAuthenticationException.LOCKED;
            throw new UserAuthenticationException(BAD_CREDENTIALS, reason);
        }
        if (!hasher.verify(password, user.passwordHash())) {
            recordFailure(connection, user.username(), clock.getAsLong());
            throw new UserAuthenticationException(BAD_CREDENTIALS, UserAuthenticationException.BAD_PASSWORD);
        }
        if (hasher.needsRehash(user.passwordHash())) {
            users.setPasswordHash(connection, user.username(), hasher.hash(password));
        }
        if (user.failedLogins() != 0 || user.lockCount() != 0 || user.lockedUntil() != 0) {
            users.resetFailures(connection, user.username());
        }
        return user;
    }

    /**
     * @param listener told of each account locked from now on
     */
    public void reportLockoutsTo(LockoutListener listener) {
        lockoutListener = listener;
    }

    private void recordFailure(Connection connection, String username, long now) throws SQLException {
        int[] counts = users.incrementFailures(connection, username);
        if (lockout.shouldLock(counts[0])) {
            int lockNumber = counts[1] + 1;
            long until = lockout.lockedUntil(lockNumber, now);
            users.lock(connection, username, lockNumber, until);
            log.info(Messages.get("passwordGrantHandler.locked", username, Instant.ofEpochMilli(until).toString(),
                    String.valueOf(counts[0])));
            lockoutListener.locked(username, until, counts[0]);
        }
        connection.commit();
    }
}
