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
import java.util.ArrayList;
import java.util.List;

import org.scopegate.token.crypto.Digests;
import org.scopegate.token.crypto.SecretGenerator;
import org.scopegate.token.stats.UsageStatistics;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.ClientRecord;
import org.scopegate.token.store.ClientStore;
import org.scopegate.token.store.TokenRecord;
import org.scopegate.token.store.TokenStore;
import org.scopegate.token.store.UserRecord;

/**
 * Creates new tokens and writes one row per token (one batch); never reuses a live token. Counts every issued
 * access token in the application's daily statistics, in the same transaction. A refresh token never outlives its
 * family's maximum age: a family (the first refresh token and every rotation of it) ends that long after it began,
 * however often it is refreshed.
 * <p>
 * The key set's row is held for the transaction, and only if it is still enabled and has the secret it was
 * authenticated with: a disable, new secret or delete of the key set that came first wins (no token), and one that
 * comes later waits for this transaction and then revokes what it issued.
 */
public final class TokenIssuer {

    private final TokenStore tokens;
    private final ClientStore clients;
    private final SecretGenerator secrets;
    private final UsageStatistics statistics;
    private final long accessLifetimeSeconds;
    private final long refreshLifetimeSeconds;
    private final long familyMaxAgeSeconds;

    /**
     * @param tokens token store
     * @param clients client store
     * @param secrets random source
     * @param statistics usage statistics
     * @param accessLifetimeSeconds access token lifetime
     * @param refreshLifetimeSeconds refresh token lifetime
     * @param familyMaxAgeSeconds longest life of a refresh family, from its first refresh token
     */
    public TokenIssuer(TokenStore tokens, ClientStore clients, SecretGenerator secrets, UsageStatistics statistics,
            long accessLifetimeSeconds, long refreshLifetimeSeconds, long familyMaxAgeSeconds) {
        this.tokens = tokens;
        this.clients = clients;
        this.secrets = secrets;
        this.statistics = statistics;
        this.accessLifetimeSeconds = accessLifetimeSeconds;
        this.refreshLifetimeSeconds = refreshLifetimeSeconds;
        this.familyMaxAgeSeconds = familyMaxAgeSeconds;
    }

    /**
     * @param familyStartedAt epoch milliseconds at which a refresh family began
     * @return epoch milliseconds at which it ends
     */
    public long familyEnd(long familyStartedAt) {
        return familyStartedAt + familyMaxAgeSeconds * 1000L;
    }

    /**
     * Issues an access token and, if asked, a refresh token starting a new family (without committing).
     *
     * @param connection a connection in a transaction
     * @param client the key set of the application
     * @param user the resource owner, {@code null} for client credentials
     * @param scope the granted scope
     * @param grantType the grant that issues the tokens
     * @param withRefresh whether to issue a refresh token
     * @param now epoch milliseconds
     * @return the tokens
     * @throws SQLException on a database failure
     * @throws OAuthException {@code invalid_client} when the key set was disabled, deleted or given a new secret
     *             since it was authenticated
     */
    public TokenResponse issue(Connection connection, ClientRecord client, UserRecord user, String scope,
            String grantType, boolean withRefresh, long now) throws SQLException, OAuthException {
        return issue(connection, client, user, scope, scope, grantType, withRefresh, null, now, now);
    }

    /**
     * Issues an access token and, optionally, a refresh token whose scope differs from the access token's: a
     * refresh that narrows the scope (RFC 6749 section 6) gets a narrower access token, but the new refresh token
     * "MUST be identical" in scope to the one presented.
     *
     * @param connection the connection, in a transaction the caller commits
     * @param client the application
     * @param user the resource owner, or {@code null} for a client-credentials token
     * @param scope the access token's scope
     * @param refreshScope the refresh token's scope
     * @param grantType the grant type, for the statistics and the store
     * @param withRefresh whether a refresh token is issued
     * @param familyId the refresh family to continue, or {@code null} to start one
     * @param familyStartedAt epoch milliseconds at which the family began ({@code now} for a new one)
     * @param now epoch milliseconds
     * @return the answer to send
     * @throws SQLException on a store failure
     * @throws OAuthException {@code invalid_client} when the key set was disabled, deleted or given a new secret
     *             since it was authenticated
     */
    public TokenResponse issue(Connection connection, ClientRecord client, UserRecord user, String scope,
            String refreshScope, String grantType, boolean withRefresh, String familyId, long familyStartedAt,
            long now) throws SQLException, OAuthException {
        String clientId = client.clientId();
        if (!clients.holdActive(connection, clientId, client.secretDigest())) {
            throw OAuthException.invalidClient("Client authentication failed");
        }
        String username = user == null ? null : user.username();
        Long userId = user == null ? null : Long.valueOf(user.id());
        String access = secrets.newSecret();
        String refresh = withRefresh ? secrets.newSecret() : null;
        String refreshDigest = withRefresh ? Digests.sha256Hex(refresh) : null;
        String family = withRefresh ? (familyId != null ? familyId : refreshDigest) : null;
        Long familyStart = withRefresh ? Long.valueOf(familyStartedAt) : null;
        List<TokenRecord> rows = new ArrayList<>(2);
        rows.add(new TokenRecord(Digests.sha256Hex(access), TokenRecord.ACCESS, clientId, username, userId, scope,
                grantType, family, familyStart, now, now + accessLifetimeSeconds * 1000L, false, false));
        if (withRefresh) {
            long expires = Math.min(now + refreshLifetimeSeconds * 1000L, familyEnd(familyStartedAt));
            rows.add(new TokenRecord(refreshDigest, TokenRecord.REFRESH, clientId, username, userId, refreshScope,
                    grantType, family, familyStart, now, expires, false, false));
        }
        tokens.insert(connection, rows);
        statistics.recordIssued(connection, client.applicationId(), grantType, now);
        return new TokenResponse(access, refresh, scope, accessLifetimeSeconds);
    }
}
