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
import java.util.Set;
import java.util.function.LongSupplier;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.token.Messages;
import org.scopegate.token.crypto.Digests;
import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.ClientRecord;
import org.scopegate.token.store.Database;
import org.scopegate.token.store.ScopeStore;
import org.scopegate.token.store.TokenRecord;
import org.scopegate.token.store.TokenRevoker;
import org.scopegate.token.store.TokenStore;
import org.scopegate.token.store.UserRecord;
import org.scopegate.token.store.UserStore;

/**
 * The refresh token grant (RFC 6749 section 6) with rotation: every use marks the presented refresh token used,
 * atomically, and issues a new one in the same family. A used refresh token presented again revokes the whole
 * family (RFC 9700 section 4.14.2). The new scope may be narrower than the original, never wider, and is what the
 * user's roles allow now. The user is checked again: a user deleted or disabled since gets {@code invalid_grant}.
 * A family ends {@code refreshFamilyMaxAge} after its first token, however often it was refreshed.
 */
public final class RefreshTokenGrantHandler implements GrantHandler {

    private static final Log log = LogFactory.getLog(RefreshTokenGrantHandler.class);
    private static final String INVALID = "Invalid refresh token";

    private final Database database;
    private final TokenStore tokens;
    private final TokenRevoker revoker;
    private final TokenIssuer issuer;
    private final UserStore users;
    private final ScopeStore scopes;
    private final ScopeResolver scopeResolver;
    private final LongSupplier clock;
    private volatile ReuseListener reuseListener = ReuseListener.NONE;

    /**
     * @param database the store
     * @param tokens token store
     * @param revoker revocation paths
     * @param issuer token issuer
     * @param users user store
     * @param scopes scope store
     * @param scopeResolver scope decision
     * @param clock epoch milliseconds
     */
    public RefreshTokenGrantHandler(Database database, TokenStore tokens, TokenRevoker revoker, TokenIssuer issuer,
            UserStore users, ScopeStore scopes, ScopeResolver scopeResolver, LongSupplier clock) {
        this.database = database;
        this.tokens = tokens;
        this.revoker = revoker;
        this.issuer = issuer;
        this.users = users;
        this.scopes = scopes;
        this.scopeResolver = scopeResolver;
        this.clock = clock;
    }

    @Override
    public String grantType() {
        return GrantTypes.REFRESH_TOKEN;
    }

    @Override
    public TokenResponse handle(ClientRecord client, FormParameters parameters)
            throws SQLException, OAuthException {
        RefreshTokenGrant grant = RefreshTokenGrant.parse(parameters);
        Set<String> requested = ScopeResolver.parse(grant.scope());
        return database.call(c -> refresh(c, client, grant, requested));
    }

    private TokenResponse refresh(Connection connection, ClientRecord client, RefreshTokenGrant grant,
            Set<String> requested) throws SQLException, OAuthException {
        String digest = Digests.sha256Hex(grant.refreshToken());
        TokenRecord token = tokens.find(connection, digest);
        long now = clock.getAsLong();
        if (token == null || token.kind() != TokenRecord.REFRESH || !token.clientId().equals(client.clientId())
                || token.revoked() || token.expiresAt() <= now) {
            throw OAuthException.invalidGrant(INVALID);
        }
        if (token.used()) {
            revokeFamilyAfterReuse(connection, token, client);
        }
        long familyStartedAt = token.familyStartedAt() != null ? token.familyStartedAt().longValue()
                : token.issuedAt();
        if (now >= issuer.familyEnd(familyStartedAt)) {
            throw OAuthException.invalidGrant("The refresh token reached the maximum age of its family: sign in again");
        }
        Set<String> original = ScopeResolver.parse(token.scope());
        if (!original.containsAll(requested)) {
            throw OAuthException.invalidScope("The requested scope exceeds the scope of the refresh token");
        }
        Set<String> asked = requested.isEmpty() ? original : requested;
        UserRecord user = null;
        String scope = String.join(" ", asked);
        if (token.username() != null) {
            // The user's row first (as the password grant and the administrator's changes take it), then the token's:
            // a disable, password change or delete either came first and this refresh fails, or waits for it.
            if (token.userId() == null || !users.holdEnabled(connection, token.userId().longValue())) {
                throw OAuthException.invalidGrant(INVALID);
            }
            user = users.findById(connection, token.userId().longValue());
            // What the user's roles allow now: a role taken away since narrows the scope.
            scope = scopeResolver.resolve(asked, user.roles(), scopes.forGrants(connection));
        }
        if (!tokens.markUsed(connection, digest)) {
            // Another request exchanged it between our read and this update: that is a reuse too.
            revokeFamilyAfterReuse(connection, token, client);
        }
        TokenResponse response = issuer.issue(connection, client, user, scope, token.scope(),
                GrantTypes.REFRESH_TOKEN, true, token.familyId(), familyStartedAt, now);
        connection.commit();
        return response;
    }

    /**
     * @param listener told of each token family revoked after a reuse from now on
     */
    public void reportReuseTo(ReuseListener listener) {
        reuseListener = listener;
    }

    private void revokeFamilyAfterReuse(Connection connection, TokenRecord token, ClientRecord client)
            throws SQLException, OAuthException {
        connection.rollback();
        revoker.lockEvents(connection);
        // Waits for a concurrent winner that marked this token used to commit: its new tokens are then visible to
        // the family's revocation below (on PostgreSQL a statement sees only what was committed when it began).
        tokens.revoke(connection, token.digest());
        int revoked = revoker.revokeFamily(connection, token.familyId(), clock.getAsLong());
        connection.commit();
        reuseListener.familyRevoked(client.clientId(), token.digest(), revoked);
        log.warn(Messages.get("refreshTokenGrantHandler.reuse", Digests.shortForm(token.digest()), client.clientId()));
        throw OAuthException.invalidGrant(INVALID);
    }
}
