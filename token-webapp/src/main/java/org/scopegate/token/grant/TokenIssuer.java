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
import org.scopegate.token.store.ClientRecord;
import org.scopegate.token.store.TokenRecord;
import org.scopegate.token.store.TokenStore;

/**
 * Creates new tokens and writes one row per token (one batch); never reuses a live token. Counts every issued
 * access token in the application's daily statistics, in the same transaction.
 */
public final class TokenIssuer {

    private final TokenStore tokens;
    private final SecretGenerator secrets;
    private final UsageStatistics statistics;
    private final long accessLifetimeSeconds;
    private final long refreshLifetimeSeconds;

    /**
     * @param tokens token store
     * @param secrets random source
     * @param statistics usage statistics
     * @param accessLifetimeSeconds access token lifetime
     * @param refreshLifetimeSeconds refresh token lifetime
     */
    public TokenIssuer(TokenStore tokens, SecretGenerator secrets, UsageStatistics statistics,
            long accessLifetimeSeconds, long refreshLifetimeSeconds) {
        this.tokens = tokens;
        this.secrets = secrets;
        this.statistics = statistics;
        this.accessLifetimeSeconds = accessLifetimeSeconds;
        this.refreshLifetimeSeconds = refreshLifetimeSeconds;
    }

    /**
     * Issues an access token and, if asked, a refresh token (without committing).
     *
     * @param connection a connection in a transaction
     * @param client the key set of the application
     * @param username the resource owner, {@code null} for client credentials
     * @param scope the granted scope
     * @param grantType the grant that issues the tokens
     * @param withRefresh whether to issue a refresh token
     * @param familyId the family of a refreshed grant, or {@code null} to start a new family
     * @param now epoch milliseconds
     * @return the tokens
     * @throws SQLException on a database failure
     */
    public TokenResponse issue(Connection connection, ClientRecord client, String username, String scope,
            String grantType, boolean withRefresh, String familyId, long now) throws SQLException {
        return issue(connection, client, username, scope, scope, grantType, withRefresh, familyId, now);
    }


    /**
     * Issues an access token and, optionally, a refresh token whose scope differs from the access token's: a
     * refresh that narrows the scope (RFC 6749 section 6) gets a narrower access token, but the new refresh token
     * "MUST be identical" in scope to the one presented.
     *
     * @param connection the connection, in a transaction the caller commits
     * @param client the application
     * @param username the resource owner, or {@code null} for a client-credentials token
     * @param scope the access token's scope
     * @param refreshScope the refresh token's scope
     * @param grantType the grant type, for the statistics and the store
     * @param withRefresh whether a refresh token is issued
     * @param familyId the refresh family to continue, or {@code null} to start one
     * @param now epoch milliseconds
     * @return the answer to send
     * @throws SQLException on a store failure
     */
    public TokenResponse issue(Connection connection, ClientRecord client, String username, String scope,
            String refreshScope, String grantType, boolean withRefresh, String familyId, long now)
            throws SQLException {
        String clientId = client.clientId();
        String access = secrets.newSecret();
        String refresh = withRefresh ? secrets.newSecret() : null;
        String refreshDigest = withRefresh ? Digests.sha256Hex(refresh) : null;
        String family = withRefresh ? (familyId != null ? familyId : refreshDigest) : null;
        List<TokenRecord> rows = new ArrayList<>(2);
        rows.add(new TokenRecord(Digests.sha256Hex(access), TokenRecord.ACCESS, clientId, username, scope, grantType,
                family, now, now + accessLifetimeSeconds * 1000L, false, false));
        if (withRefresh) {
            rows.add(new TokenRecord(refreshDigest, TokenRecord.REFRESH, clientId, username, refreshScope, grantType,
                    family, now, now + refreshLifetimeSeconds * 1000L, false, false));
        }
        tokens.insert(connection, rows);
        statistics.recordIssued(connection, client.applicationId(), grantType, now);
        return new TokenResponse(access, refresh, scope, accessLifetimeSeconds);
    }
}
