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
import java.util.Collections;
import java.util.Set;
import java.util.function.LongSupplier;

import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.ClientRecord;
import org.scopegate.token.store.Database;
import org.scopegate.token.store.ScopeStore;

/**
 * The client credentials grant (RFC 6749 section 4.4): an access token for the application itself, without a
 * refresh token (section 4.4.3). An application holds no roles, so it gets the requested scopes that are open to
 * everyone, or the default scope.
 */
public final class ClientCredentialsGrantHandler implements GrantHandler {

    private final Database database;
    private final ScopeStore scopes;
    private final ScopeResolver scopeResolver;
    private final TokenIssuer issuer;
    private final LongSupplier clock;

    /**
     * @param database the store
     * @param scopes scope store
     * @param scopeResolver scope decision
     * @param issuer token issuer
     * @param clock epoch milliseconds
     */
    public ClientCredentialsGrantHandler(Database database, ScopeStore scopes, ScopeResolver scopeResolver,
            TokenIssuer issuer, LongSupplier clock) {
        this.database = database;
        this.scopes = scopes;
        this.scopeResolver = scopeResolver;
        this.issuer = issuer;
        this.clock = clock;
    }

    @Override
    public String grantType() {
        return GrantTypes.CLIENT_CREDENTIALS;
    }

    @Override
    public TokenResponse handle(ClientRecord client, FormParameters parameters)
            throws SQLException, OAuthException {
        ClientCredentialsGrant grant = ClientCredentialsGrant.parse(parameters);
        Set<String> requested = ScopeResolver.parse(grant.scope());
        return database.call(c -> {
            String scope = scopeResolver.resolve(requested, Collections.emptySet(), scopes.forGrants(c));
            return issuer.issue(c, client, null, scope, GrantTypes.CLIENT_CREDENTIALS, false, clock.getAsLong());
        });
    }
}
