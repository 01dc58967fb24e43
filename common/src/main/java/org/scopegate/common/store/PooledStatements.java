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
package org.scopegate.common.store;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.sql.Connection;
import java.util.Arrays;

/**
 * The connection to prepare statements on, for a connection borrowed from a DBCP2 pool: Commons DBCP2 (token.war's own
 * pools) or Tomcat's fork of it ({@code org.apache.tomcat.dbcp.dbcp2}, behind a JNDI {@code Resource}); the pooled
 * connection's delegate, below the pool's two per-call wrappers.
 * <p>
 * Each {@code prepareStatement} on a DBCP2 connection wraps the driver's statement in a new
 * {@code DelegatingPreparedStatement} per wrapping layer (the pool's guard and the poolable connection), and that class
 * has a {@code finalize} method: every statement of every request left two finalizable objects, which each young
 * collection had to keep alive, copy with the driver's statement and result set they reference, and hand to the
 * finalizer thread. Under 4,000 introspections a second that was most of a 7-10 ms young pause (bench/FINDINGS.md 23).
 * Below the wrappers a statement is the driver's own, or the pool's cached {@code PoolablePreparedStatement} when it
 * pools statements (one wrapper per statement text, made once).
 * <p>
 * Transactions stay on the borrowed connection (same physical connection): the work may commit or roll back on either.
 * The pools' classes are found by name and their public {@code getDelegate()} called through a method handle:
 * neither pool is on the compile path of every user (Tomcat's is the container's). A pool gives its delegate only when
 * it allows access to the underlying connection ({@code accessToUnderlyingConnectionAllowed}); otherwise, and for any
 * other pool, the borrowed connection is used as it is.
 */
public final class PooledStatements {

    private static final String[] POOLS = {"org.apache.commons.dbcp2.", "org.apache.tomcat.dbcp.dbcp2."};

    /**
     * {@code getDelegate()} per connection class met (no handle: not a DBCP2 connection); copied on write, a few
     * entries. Not a {@code ClassValue}: one of a webapp's keyed on the container's classes would keep the webapp's
     * class loader alive after an undeploy.
     */
    private static volatile Getter[] getters = new Getter[0];

    private record Getter(Class<?> type, MethodHandle getDelegate, String pool) {
    }

    private PooledStatements() {
    }

    /**
     * @param borrowed a connection from a DataSource
     * @return the connection to prepare statements on while {@code borrowed} is open
     */
    public static Connection on(Connection borrowed) {
        Getter guard = getterOf(borrowed.getClass());
        if (guard.getDelegate() == null) {
            return borrowed;
        }
        Connection pooled = delegate(guard, borrowed);
        if (pooled == null || !pooled.getClass().getName().equals(guard.pool() + "PoolableConnection")) {
            return borrowed;
        }
        Connection below = delegate(getterOf(pooled.getClass()), pooled);
        return below != null ? below : borrowed;
    }

    /**
     * @param borrowed a connection from a DataSource
     * @return whether it comes from a DBCP2 pool and its statements are prepared on the pool's wrappers all the same,
     *         because the pool does not give access to its underlying connections
     */
    public static boolean wrappedForWantOfAccess(Connection borrowed) {
        return getterOf(borrowed.getClass()).getDelegate() != null && on(borrowed) == borrowed;
    }

    private static Connection delegate(Getter getter, Connection c) {
        if (getter.getDelegate() == null) {
            return null;
        }
        try {
            return (Connection) getter.getDelegate().invoke(c);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            return null;
        }
    }

    private static Getter getterOf(Class<?> type) {
        Getter[] known = getters;
        for (Getter g : known) {
            if (g.type() == type) {
                return g;
            }
        }
        Getter found = new Getter(type, null, null);
        for (Class<?> c = type; c != null && found.getDelegate() == null; c = c.getSuperclass()) {
            for (String pool : POOLS) {
                if (c.getName().equals(pool + "DelegatingConnection")) {
                    try {
                        found = new Getter(type, MethodHandles.publicLookup().findVirtual(c, "getDelegate",
                                MethodType.methodType(Connection.class)), pool);
                    } catch (ReflectiveOperationException e) {
                        // not the DBCP2 this class knows: used as it is
                    }
                }
            }
        }
        if (known.length < 16) {
            Getter[] more = Arrays.copyOf(known, known.length + 1);
            more[known.length] = found;
            getters = more;
        }
        return found;
    }
}
