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

import org.apache.commons.dbcp2.DelegatingConnection;
import org.apache.commons.dbcp2.PoolableConnection;

/**
 * The connection the store's statements are prepared on, for a connection borrowed from one of our own DBCP2 pools
 * ({@link DataSources}): the pooled connection's delegate, below DBCP's two per-call wrappers.
 * <p>
 * Each {@code prepareStatement} on a DBCP2 connection wraps the driver's statement in a new
 * {@code DelegatingPreparedStatement} per wrapping layer (the pool's guard and the poolable connection), and that class
 * has a {@code finalize} method: every statement of every request left two finalizable objects, which each young
 * collection had to keep alive, copy with the driver's statement and result set they reference, and hand to the
 * finalizer thread. Under 4,000 introspections a second that was most of a 7-10 ms young pause (GC logs in
 * docs/benchmarks.md). Below the wrappers a statement is the driver's own (PostgreSQL) or the pool's cached
 * {@code PoolablePreparedStatement} (Derby, statements pooled per connection: one wrapper per statement text, made
 * once).
 * <p>
 * Transactions stay on the borrowed connection (same physical connection): the work may commit or roll back on
 * either. A connection of another pool (a JNDI DataSource of the administrator's) is used as it is.
 */
final class UnwrappedConnections {

    private UnwrappedConnections() {
    }

    /**
     * @param borrowed a connection from a DataSource
     * @return the connection to prepare statements on while {@code borrowed} is open
     */
    static Connection forStatements(Connection borrowed) {
        if (borrowed instanceof DelegatingConnection<?> guard
                && guard.getDelegate() instanceof PoolableConnection pooled) {
            Connection below = pooled.getDelegate();
            if (below != null) {
                return below;
            }
        }
        return borrowed;
    }
}
