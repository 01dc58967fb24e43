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
import org.scopegate.token.crypto.PasswordHasherBusyException;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.Database;
import org.scopegate.token.store.UserRecord;
import org.scopegate.token.store.UserStore;

/**
 * Checks a user name and password against the user store, for the password grant and for the sign-in of the
 * self-service pages alike: every path that checks a password shares one count per user, kept in the store.
 * <p>
 * A check first claims a place in the user's lockout count, atomically in the store (see {@link LockoutPolicy}):
 * at most {@code lockoutThreshold} checks reach the real hash in a lock window, however many requests arrive at
 * once and on however many key managers. An unknown or disabled user, a locked account and a check beyond the count
 * all cost one dummy hash and get the same {@code invalid_grant} as a wrong password. The result then releases the
 * claim: the failure that reaches the threshold locks the account once; a result of a check that began before a
 * lock or an unlock changes nothing. No pooled connection is held while waiting for the hash or hashing. A hash
 * with outdated parameters is replaced at the first good login, unless the password changed meanwhile.
 */
public final class UserAuthenticator {

    private static final Log log = LogFactory.getLog(UserAuthenticator.class);
    /** The one description of every refused password grant. */
    static final String BAD_CREDENTIALS = "Invalid resource owner credentials";

    private final Database database;
    private final UserStore users;
    private final PasswordHasher hasher;
    private final LockoutPolicy lockout;
    private final LongSupplier clock;
    private volatile LockoutListener lockoutListener = LockoutListener.NONE;

    /**
     * @param database the store
     * @param users user store
     * @param hasher password hasher
     * @param lockout lockout policy
     * @param clock epoch milliseconds
     */
    public UserAuthenticator(Database database, UserStore users, PasswordHasher hasher, LockoutPolicy lockout,
            LongSupplier clock) {
        this.database = database;
        this.users = users;
        this.hasher = hasher;
        this.lockout = lockout;
        this.clock = clock;
    }

    /**
     * Authenticates a user, in short transactions of its own around the hash, and on success runs the caller's work
     * in the transaction that releases the check's claim (one commit for both).
     *
     * @param username the name as typed (any case)
     * @param password the password
     * @param work what to do for the authenticated user (issue tokens, start a session), given the user as read
     *            before the check: use {@link org.scopegate.token.store.UserStore#holdActive} to find out whether it
     *            changed meanwhile
     * @param <T> the work's result
     * @return the work's result
     * @throws SQLException on a database failure
     * @throws OAuthException {@code invalid_grant} for any failure of the check, always with the same description;
     *             or what the work throws
     * @throws PasswordHasherBusyException when the server is too busy to hash now (nothing was counted)
     */
    public <T> T authenticate(String username, String password, AuthenticatedWork<T> work)
            throws SQLException, OAuthException {
        hasher.checkCapacity();
        long now = clock.getAsLong();
        Claim claim = database.call(c -> {
            UserRecord user = users.find(c, username);
            if (user == null) {
                return new Claim(null, -1);
            }
            int epoch = users.claimCheck(c, user.id(), lockout.threshold(), now,
                    now - lockout.claimTimeoutMillis());
            return new Claim(user, epoch);
        });
        if (claim.epoch() < 0) {
            hasher.verifyDummy(password);
            if (log.isDebugEnabled()) {
                log.debug("Authentication refused for [" + username + "]: "
                        + (claim.user() == null ? "unknown" : "disabled, locked or out of tries"));
            }
            String reason = claim.user() == null ? UserAuthenticationException.UNKNOWN_USER
                    : !claim.user().enabled() ? UserAuthenticationException.DISABLED
                    : UserAuthenticationException.LOCKED;
            throw new UserAuthenticationException(BAD_CREDENTIALS, reason);
        }
        UserRecord user = claim.user();
        boolean good;
        try {
            good = hasher.verify(password, user.passwordHash());
        } catch (PasswordHasherBusyException e) {
            database.call(c -> {
                users.releaseUncountedCheck(c, user.id(), claim.epoch());
                return null;
            });
            throw e;
        }
        if (!good) {
            recordFailure(user, claim.epoch());
            throw new UserAuthenticationException(BAD_CREDENTIALS, UserAuthenticationException.BAD_PASSWORD);
        }
        String upgraded = upgradedHash(password, user.passwordHash());
        try {
            return database.call(c -> {
                releaseSucceeded(c, user, claim.epoch(), upgraded);
                return work.apply(c, user);
            });
        } catch (SQLException | OAuthException | RuntimeException e) {
            // The work failed and took the release with it: release the claim on its own.
            try {
                database.call(c -> {
                    releaseSucceeded(c, user, claim.epoch(), upgraded);
                    return null;
                });
            } catch (SQLException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    private void releaseSucceeded(Connection c, UserRecord user, int epoch, String upgraded) throws SQLException {
        users.releaseSucceededCheck(c, user.id(), epoch);
        if (upgraded != null) {
            users.replacePasswordHash(c, user.id(), user.passwordHash(), upgraded);
        }
    }

    private String upgradedHash(String password, String stored) {
        if (!hasher.needsRehash(stored)) {
            return null;
        }
        try {
            return hasher.hash(password);
        } catch (PasswordHasherBusyException e) {
            // The upgrade waits for a quieter login.
            return null;
        }
    }

    /**
     * @param listener told of each account locked from now on
     */
    public void reportLockoutsTo(LockoutListener listener) {
        lockoutListener = listener;
    }

    private void recordFailure(UserRecord user, int epoch) throws SQLException {
        database.call(c -> {
            int[] counts = users.releaseFailedCheck(c, user.id(), epoch);
            if (counts != null && lockout.shouldLock(counts[0])) {
                int lockNumber = counts[1] + 1;
                long now = clock.getAsLong();
                long until = lockout.lockedUntil(lockNumber, now);
                if (users.lock(c, user.id(), epoch, lockout.threshold(), lockNumber, until)) {
                    log.info(Messages.get("userAuthenticator.locked", user.username(),
                            Instant.ofEpochMilli(until).toString(),
                            String.valueOf(counts[0]), String.valueOf(lockNumber)));
                    lockoutListener.locked(user.username(), until, counts[0]);
                }
            }
            return null;
        });
    }

    /**
     * What to do for a user whose password was right, in the transaction that releases the check's claim.
     *
     * @param <T> the result
     */
    @FunctionalInterface
    public interface AuthenticatedWork<T> {

        /**
         * @param connection a connection in the transaction (the caller commits)
         * @param user the user as read before the password was checked
         * @return the result
         * @throws SQLException on a database failure
         * @throws OAuthException when the user may not have what was asked (say, disabled meanwhile)
         */
        T apply(Connection connection, UserRecord user) throws SQLException, OAuthException;
    }

    /**
     * A claimed place in the lockout count, or a refusal ({@code epoch < 0}).
     *
     * @param user the user, or {@code null} when unknown
     * @param epoch the login epoch of the claim, or -1 when refused
     */
    private record Claim(UserRecord user, int epoch) {
    }
}
