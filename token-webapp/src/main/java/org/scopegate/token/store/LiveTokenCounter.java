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

/**
 * Counts the tokens that still work: unexpired, unrevoked and (for refresh tokens) unused. A range scan of the
 * expiry index, run by a background task every few seconds, never by a request or a scrape.
 */
public final class LiveTokenCounter {

    private static final String COUNT_LIVE = "SELECT token_kind, COUNT(*) FROM oauth_token "
            + "WHERE expires_at > ? AND revoked = FALSE AND used = FALSE GROUP BY token_kind";

    /**
     * @param connection a connection
     * @param now epoch milliseconds
     * @return live access tokens and live refresh tokens, in that order
     * @throws SQLException on a database failure
     */
    public long[] count(Connection connection, long now) throws SQLException {
        long[] counts = new long[2];
        try (PreparedStatement statement = connection.prepareStatement(COUNT_LIVE)) {
            statement.setLong(1, now);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String kind = rows.getString(1);
                    char k = kind == null || kind.isEmpty() ? ' ' : kind.charAt(0);
                    if (k == TokenRecord.ACCESS) {
                        counts[0] = rows.getLong(2);
                    } else if (k == TokenRecord.REFRESH) {
                        counts[1] = rows.getLong(2);
                    }
                }
            }
        }
        return counts;
    }
}
