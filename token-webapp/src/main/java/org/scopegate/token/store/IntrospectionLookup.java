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
package org.scopegate.token.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What an introspection needs from the store, in one query and so one round trip: the calling application (to
 * authenticate it), the token, and the throttling tier of the token's application. On PostgreSQL each round trip costs
 * the key manager and the database about as much CPU as the rest of the request; introspection is the request a
 * gateway sends most.
 */
public final class IntrospectionLookup {

    private static final String C_COLUMNS = Arrays.stream(ClientStore.COLUMNS.split(",\\s*")).map(c -> "c." + c)
            .collect(Collectors.joining(", "));
    private static final int CLIENT_COLUMNS = ClientStore.COLUMNS.split(",").length;
    private static final int TOKEN_FIRST = CLIENT_COLUMNS + 1;
    private static final int TIER_FIRST = TOKEN_FIRST + TokenStore.COLUMN_COUNT;
    // the token is joined on its digest whatever the caller: the query costs the same whether it exists or not
    private static final String SELECT = "SELECT " + C_COLUMNS + ", " + TokenStore.K_COLUMNS + ", " + TierStore.COLUMNS
            + ", tc.application_id FROM oauth_client c "
            + "LEFT OUTER JOIN oauth_token k ON k.token_digest = ? "
            + "LEFT OUTER JOIN oauth_client tc ON tc.client_id = k.client_id "
            + "LEFT OUTER JOIN oauth_application a ON a.id = tc.application_id "
            + "LEFT OUTER JOIN oauth_throttle_tier t ON t.name = a.tier_name "
            + "WHERE c.client_id = ?";

    /**
     * @param connection a connection
     * @param callerClientId the consumer key the caller presented
     * @param tokenDigest the digest of the token to introspect
     * @return the caller ({@code null} when unknown), the token ({@code null} when unknown or the caller is unknown)
     *         and its application's tier ({@code null} when there is no token or its application is gone)
     * @throws SQLException on a database failure
     */
    public Result find(Connection connection, String callerClientId, String tokenDigest) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT)) {
            ps.setString(1, tokenDigest);
            ps.setString(2, callerClientId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Result(null, null, null);
                }
                ClientRecord caller = ClientStore.read(rs, 1);
                TokenRecord token = rs.getString(TOKEN_FIRST) == null ? null : TokenStore.read(rs, TOKEN_FIRST);
                TierStore.ApplicationTier tier = token == null || rs.getString(TIER_FIRST) == null ? null
                        : new TierStore.ApplicationTier(rs.getLong(TIER_FIRST + 5), TierStore.read(rs, TIER_FIRST));
                return new Result(caller, token, tier);
            }
        }
    }

    /**
     * @param caller the calling application, or {@code null}
     * @param token the token, or {@code null}
     * @param tier the tier of the token's application, or {@code null}
     */
    public record Result(ClientRecord caller, TokenRecord token, TierStore.ApplicationTier tier) {
    }
}
