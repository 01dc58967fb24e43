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
import org.scopegate.token.store.Database;
import org.scopegate.token.store.ScopeRecord;
import org.scopegate.token.store.ScopeStore;
import org.scopegate.token.store.UserRecord;

/**
 * The password grant (RFC 6749 section 4.3). The user is checked by {@link UserAuthenticator} (same answer and cost
 * for unknown user, wrong password, disabled or locked account; lockout). Every successful grant records the user
 * among the Registered Users for Application in the same transaction as the tokens.
 */
public final class PasswordGrantHandler implements GrantHandler {

    private final Database database;
    private final UserAuthenticator authenticator;
    private final ScopeStore scopes;
    private final ScopeResolver scopeResolver;
    private final TokenIssuer issuer;
    private final UsageStatistics statistics;
    private final LongSupplier clock;

    /**
     * @param database the store
     * @param authenticator user name and password check
     * @param scopes scope store
     * @param scopeResolver scope decision
     * @param issuer token issuer
     * @param statistics usage statistics
     * @param clock epoch milliseconds
     */
    public PasswordGrantHandler(Database database, UserAuthenticator authenticator, ScopeStore scopes,
            ScopeResolver scopeResolver, TokenIssuer issuer, UsageStatistics statistics, LongSupplier clock) {
        this.database = database;
        this.authenticator = authenticator;
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
        UserRecord user = authenticator.authenticate(grant.username(), grant.password());
        boolean withRefresh = client.grantTypes().contains(GrantTypes.REFRESH_TOKEN);
        return database.call(c -> issueToUser(c, client, user, requested, withRefresh));
    }

    /**
     * Issues tokens to an authenticated user as the password grant does: the requested scopes the user's roles
     * allow (else the default scope), counted as a password-grant token of the application, committed before
     * returning. The self-service pages call this for a user who proved the password at sign-in.
     *
     * @param connection a connection
     * @param client the key set, allowed the password grant
     * @param user the authenticated user
     * @param requested the requested scopes
     * @param withRefresh whether to issue a refresh token too
     * @return the tokens
     * @throws SQLException on a database failure
     */
    public TokenResponse issueToUser(Connection connection, ClientRecord client, UserRecord user,
            Set<String> requested, boolean withRefresh) throws SQLException {
        Map<String, ScopeRecord> known = scopes.forGrants(connection);
        String scope = scopeResolver.resolve(requested, user.roles(), known);
        long now = clock.getAsLong();
        TokenResponse response = issuer.issue(connection, client, user.username(), scope, GrantTypes.PASSWORD,
                withRefresh, null, now);
        statistics.recordPasswordUser(connection, client.applicationId(), user.username(), now);
        connection.commit();
        return response;
    }
}
