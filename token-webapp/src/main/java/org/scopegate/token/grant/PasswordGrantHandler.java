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
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.token.Messages;
import org.scopegate.token.crypto.PasswordHasher;
import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.ClientRecord;
import org.scopegate.token.store.ScopeRecord;
import org.scopegate.token.store.ScopeStore;
import org.scopegate.token.store.UserRecord;
import org.scopegate.token.store.UserStore;

/**
 * The password grant (RFC 6749 section 4.3). An unknown, disabled or locked user costs one dummy hash and gets the
 * same {@code invalid_grant} as a wrong password; a locked account is checked before its password is hashed.
 * Failed logins are counted atomically and lock the account per {@link LockoutPolicy}. The hash runs outside any
 * transaction, and a hash with outdated parameters is replaced at the first good login.
 */
public final class PasswordGrantHandler implements GrantHandler {

    private static final Log log = LogFactory.getLog(PasswordGrantHandler.class);
    private static final String BAD_CREDENTIALS = "Invalid resource owner credentials";

    private final UserStore users;
    private final ScopeStore scopes;
    private final ScopeResolver scopeResolver;
    private final PasswordHasher hasher;
    private final LockoutPolicy lockout;
    private final TokenIssuer issuer;
    private final LongSupplier clock;

    /**
     * @param users user store
     * @param scopes scope store
     * @param scopeResolver scope decision
     * @param hasher password hasher
     * @param lockout lockout policy
     * @param issuer token issuer
     * @param clock epoch milliseconds
     */
    public PasswordGrantHandler(UserStore users, ScopeStore scopes, ScopeResolver scopeResolver,
            PasswordHasher hasher, LockoutPolicy lockout, TokenIssuer issuer, LongSupplier clock) {
        this.users = users;
        this.scopes = scopes;
        this.scopeResolver = scopeResolver;
        this.hasher = hasher;
        this.lockout = lockout;
        this.issuer = issuer;
        this.clock = clock;
    }

    @Override
    public String grantType() {
        return GrantTypes.PASSWORD;
    }

    @Override
    public TokenResponse handle(Connection connection, ClientRecord client, FormParameters parameters)
            throws SQLException, OAuthException {
        PasswordGrant grant = PasswordGrant.parse(parameters);
        Set<String> requested = ScopeResolver.parse(grant.scope());
        UserRecord user = users.find(connection, grant.username());
        Map<String, ScopeRecord> known = scopes.loadAll(connection);
        // End the read transaction so that no lock is held while hashing.
        connection.commit();
        long now = clock.getAsLong();
        if (user == null || !user.enabled() || lockout.isLocked(user.lockedUntil(), now)) {
            hasher.verifyDummy(grant.password());
            if (log.isDebugEnabled()) {
                log.debug("Password grant refused for [" + grant.username() + "]: "
                        + (user == null ? "unknown" : !user.enabled() ? "disabled" : "locked"));
            }
            throw OAuthException.invalidGrant(BAD_CREDENTIALS);
        }
        if (!hasher.verify(grant.password(), user.passwordHash())) {
            recordFailure(connection, user.username(), clock.getAsLong());
            throw OAuthException.invalidGrant(BAD_CREDENTIALS);
        }
        if (hasher.needsRehash(user.passwordHash())) {
            users.setPasswordHash(connection, user.username(), hasher.hash(grant.password()));
        }
        if (user.failedLogins() != 0 || user.lockCount() != 0 || user.lockedUntil() != 0) {
            users.resetFailures(connection, user.username());
        }
        String scope = scopeResolver.resolve(requested, user.roles(), known);
        boolean withRefresh = client.grantTypes().contains(GrantTypes.REFRESH_TOKEN);
        TokenResponse response = issuer.issue(connection, client.clientId(), user.username(), scope,
                GrantTypes.PASSWORD, withRefresh, null, clock.getAsLong());
        connection.commit();
        return response;
    }

    private void recordFailure(Connection connection, String username, long now) throws SQLException {
        int[] counts = users.incrementFailures(connection, username);
        if (lockout.shouldLock(counts[0])) {
            int lockNumber = counts[1] + 1;
            long until = lockout.lockedUntil(lockNumber, now);
            users.lock(connection, username, lockNumber, until);
            log.info(Messages.get("passwordGrantHandler.locked", username, Instant.ofEpochMilli(until).toString(),
                    String.valueOf(counts[0])));
        }
        connection.commit();
    }
}
