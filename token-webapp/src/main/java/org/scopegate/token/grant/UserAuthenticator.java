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
    private static final String BAD_CREDENTIALS = "Invalid resource owner credentials";

    private final Database database;
    private final UserStore users;
    private final PasswordHasher hasher;
    private final LockoutPolicy lockout;
    private final LongSupplier clock;

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
     * Authenticates a user, in short transactions of its own around the hash.
     *
     * @param username the name as typed (any case)
     * @param password the password
     * @return the user, with its roles, as read before the check
     * @throws SQLException on a database failure
     * @throws OAuthException {@code invalid_grant} for any failure, always with the same description
     * @throws PasswordHasherBusyException when the server is too busy to hash now (nothing was counted)
     */
    public UserRecord authenticate(String username, String password) throws SQLException, OAuthException {
        hasher.checkCapacity();
        long now = clock.getAsLong();
        Claim claim = database.call(c -> {
            UserRecord user = users.find(c, username);
            if (user == null) {
                return new Claim(null, -1);
            }
            int epoch = users.claimCheck(c, user.username(), lockout.threshold(), now,
                    now - lockout.claimTimeoutMillis());
            return new Claim(user, epoch);
        });
        if (claim.epoch() < 0) {
            hasher.verifyDummy(password);
            if (log.isDebugEnabled()) {
                log.debug("Authentication refused for [" + username + "]: "
                        + (claim.user() == null ? "unknown" : "disabled, locked or out of tries"));
            }
            throw OAuthException.invalidGrant(BAD_CREDENTIALS);
        }
        UserRecord user = claim.user();
        boolean good;
        try {
            good = hasher.verify(password, user.passwordHash());
        } catch (PasswordHasherBusyException e) {
            database.call(c -> {
                users.releaseUncountedCheck(c, user.username(), claim.epoch());
                return null;
            });
            throw e;
        }
        if (!good) {
            recordFailure(user.username(), claim.epoch());
            throw OAuthException.invalidGrant(BAD_CREDENTIALS);
        }
        String upgraded = upgradedHash(password, user.passwordHash());
        database.call(c -> {
            users.releaseSucceededCheck(c, user.username(), claim.epoch());
            if (upgraded != null) {
                users.replacePasswordHash(c, user.username(), user.passwordHash(), upgraded);
            }
            return null;
        });
        return user;
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

    private void recordFailure(String username, int epoch) throws SQLException {
        database.call(c -> {
            int[] counts = users.releaseFailedCheck(c, username, epoch);
            if (counts != null && lockout.shouldLock(counts[0])) {
                int lockNumber = counts[1] + 1;
                long now = clock.getAsLong();
                long until = lockout.lockedUntil(lockNumber, now);
                if (users.lock(c, username, epoch, lockout.threshold(), lockNumber, until)) {
                    log.info(Messages.get("userAuthenticator.locked", username, Instant.ofEpochMilli(until).toString(),
                            String.valueOf(counts[0]), String.valueOf(lockNumber)));
                }
            }
            return null;
        });
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
