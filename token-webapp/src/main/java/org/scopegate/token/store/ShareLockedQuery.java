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
 * A {@code SELECT} that holds a shared lock on the row it finds until the transaction ends. Any number of
 * transactions hold the row together (every grant of one application, every refresh of one user); a writer of the
 * row (a disable, a new secret, a role taken away) waits for them to commit, and they for it. An {@code UPDATE} that
 * changes nothing would hold the row too, but exclusively: it made every grant of an application wait for the one
 * before it to commit. The lock clause differs by engine and is read from the first connection the query runs on
 * (one store serves one database).
 */
final class ShareLockedQuery {

    private final String select;
    private volatile String sql;

    /**
     * @param select the query, without a lock clause
     */
    ShareLockedQuery(String select) {
        this.select = select;
    }

    /**
     * @param connection a connection in the transaction that keeps the lock
     * @param parameters the query's parameters, in order
     * @return whether a row was found (and is now held)
     * @throws SQLException on a database failure
     */
    boolean hold(Connection connection, Object... parameters) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql(connection))) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private String sql(Connection connection) throws SQLException {
        String known = sql;
        if (known == null) {
            known = select + StoreDialect.of(connection).shareLockClause();
            sql = known;
        }
        return known;
    }
}
