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

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.sql.Connection;
import java.util.Arrays;

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
 * either.
 * <p>
 * Tomcat's own pool (its DBCP2 fork, {@code org.apache.tomcat.dbcp.dbcp2}, behind a JNDI {@code Resource}) has the same
 * wrappers; its classes are the container's, not on the webapp's compile path, so its connections are unwrapped
 * through the public {@code getDelegate()} found by reflection. It gives its delegate only when the Resource says
 * {@code accessToUnderlyingConnectionAllowed="true"}; otherwise, and for any other pool, the borrowed connection is
 * used as it is.
 */
final class UnwrappedConnections {

    private static final String TOMCAT_DBCP = "org.apache.tomcat.dbcp.dbcp2.";
    private static final String COMMONS_DBCP = "org.apache.commons.dbcp2.";

    /**
     * {@code getDelegate()} of Tomcat's {@code DelegatingConnection} per connection class met (no handle: not one of
     * Tomcat's); copied on write, a few entries. Not a {@code ClassValue}: one of the webapp's keyed on the container's
     * classes would keep the webapp's class loader alive after an undeploy.
     */
    private static volatile Getter[] getters = new Getter[0];

    private record Getter(Class<?> type, MethodHandle getDelegate) {
    }

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
        Connection pooled = tomcatDelegate(borrowed);
        if (pooled != null && pooled.getClass().getName().equals(TOMCAT_DBCP + "PoolableConnection")) {
            Connection below = tomcatDelegate(pooled);
            if (below != null) {
                return below;
            }
        }
        return borrowed;
    }

    /**
     * @param borrowed a connection from a DataSource
     * @return whether it comes from Tomcat's or Commons' DBCP2 pool and its statements are prepared on the pool's
     *         wrappers all the same, because the pool does not give access to its underlying connections
     */
    static boolean wrappedForWantOfAccess(Connection borrowed) {
        String pool = borrowed.getClass().getName();
        return (pool.startsWith(TOMCAT_DBCP) || pool.startsWith(COMMONS_DBCP)) && forStatements(borrowed) == borrowed;
    }

    private static Connection tomcatDelegate(Connection c) {
        MethodHandle getDelegate = getDelegateOf(c.getClass());
        if (getDelegate == null) {
            return null;
        }
        try {
            return (Connection) getDelegate.invoke(c);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            return null;
        }
    }

    private static MethodHandle getDelegateOf(Class<?> type) {
        Getter[] known = getters;
        for (Getter g : known) {
            if (g.type() == type) {
                return g.getDelegate();
            }
        }
        MethodHandle found = null;
        for (Class<?> c = type; c != null && found == null; c = c.getSuperclass()) {
            if (c.getName().equals(TOMCAT_DBCP + "DelegatingConnection")) {
                try {
                    found = MethodHandles.publicLookup().findVirtual(c, "getDelegate",
                            MethodType.methodType(Connection.class));
                } catch (ReflectiveOperationException e) {
                    break;
                }
            }
        }
        if (known.length < 16) {
            Getter[] more = Arrays.copyOf(known, known.length + 1);
            more[known.length] = new Getter(type, found);
            getters = more;
        }
        return found;
    }
}
