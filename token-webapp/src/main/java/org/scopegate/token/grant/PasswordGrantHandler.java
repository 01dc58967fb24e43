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
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.stats.UsageStatistics;
import org.scopegate.token.store.ClientRecord;
import org.scopegate.token.store.ScopeRecord;
import org.scopegate.token.store.ScopeStore;
import org.scopegate.token.store.UserRecord;
import org.scopegate.token.store.UserStore;

/**
 * The password grant (RFC 6749 section 4.3). The user is checked by {@link UserAuthenticator} (same answer and cost
 * for unknown user, wrong password, disabled or locked account; lockout). Every successful grant records the user
 * among the Registered Users for Application in the same transaction as the tokens.
 */
public final class PasswordGrantHandler implements GrantHandler {

    private final UserAuthenticator authenticator;
    private final UserStore users;
    private final ScopeStore scopes;
    private final ScopeResolver scopeResolver;
    private final TokenIssuer issuer;
    private final UsageStatistics statistics;
    private final LongSupplier clock;

    /**
     * @param authenticator user name and password check
     * @param users user store
     * @param scopes scope store
     * @param scopeResolver scope decision
     * @param issuer token issuer
     * @param statistics usage statistics
     * @param clock epoch milliseconds
     */
    public PasswordGrantHandler(UserAuthenticator authenticator, UserStore users,
            ScopeStore scopes, ScopeResolver scopeResolver, TokenIssuer issuer, UsageStatistics statistics,
            LongSupplier clock) {
        this.authenticator = authenticator;
        this.users = users;
        this.scopes = scopes;
        this.scopeResolver = scopeResolver;
        this.issuer = issuer;
        this.statistics = statistics;
        this.clock = clock;
    }

    @Override
    public String grantType() {
        return GrantTypes.PASSWORD;
    }

    @Override
    public TokenResponse handle(ClientRecord client, FormParameters parameters)
            throws SQLException, OAuthException {
        PasswordGrant grant = PasswordGrant.parse(parameters);
        Set<String> requested = ScopeResolver.parse(grant.scope());
        boolean withRefresh = client.grantTypes().contains(GrantTypes.REFRESH_TOKEN);
        return authenticator.authenticate(grant.username(), grant.password(),
                (c, user) -> issueToUser(c, client, user, requested, withRefresh));
    }

    /**
     * Issues tokens to an authenticated user as the password grant does: the requested scopes the user's roles
     * allow (else the default scope), counted as a password-grant token of the application, in the caller's
     * transaction. The self-service pages call this for a user who proved the password at sign-in.
     * <p>
     * The user's row is held for the transaction, and only if the user still exists, is enabled and kept the
     * password that was checked: a disable, password change or delete that came first wins (no token), and one
     * that comes later waits for this transaction and then revokes what it issued.
     *
     * @param connection a connection
     * @param client the key set, allowed the password grant
     * @param user the authenticated user, as read when the password was checked
     * @param requested the requested scopes
     * @param withRefresh whether to issue a refresh token too
     * @return the tokens
     * @throws SQLException on a database failure
     * @throws OAuthException {@code invalid_grant} when the user was disabled, deleted or given a new password since
     */
    public TokenResponse issueToUser(Connection connection, ClientRecord client, UserRecord user,
            Set<String> requested, boolean withRefresh) throws SQLException, OAuthException {
        if (!users.holdActive(connection, user.id(), user.securityVersion())) {
            throw OAuthException.invalidGrant(UserAuthenticator.BAD_CREDENTIALS);
        }
        UserRecord current = users.findById(connection, user.id());
        Map<String, ScopeRecord> known = scopes.forGrants(connection);
        String scope = scopeResolver.resolve(requested, current.roles(), known);
        long now = clock.getAsLong();
        TokenResponse response = issuer.issue(connection, client, current, scope, GrantTypes.PASSWORD, withRefresh,
                now);
        statistics.recordPasswordUser(connection, client.applicationId(), current.username(), now);
        return response;
    }
}
