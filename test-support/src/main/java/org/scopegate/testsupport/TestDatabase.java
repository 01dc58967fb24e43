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
package org.scopegate.testsupport;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A database for one test, on the engine this test run uses: in-memory Derby by default, or a database of its own in
 * the JVM's {@link PostgresCluster} when the system property {@value #ENGINE_PROPERTY} is {@code postgres} (the
 * second surefire execution of the store tests sets it).
 *
 * @param engine {@code derby} or {@code postgres}
 * @param name the database's name
 * @param url JDBC URL
 * @param user user, or {@code null} (Derby)
 * @param password password, or {@code null} (Derby)
 * @param driverClassName the JDBC driver
 */
public record TestDatabase(String engine, String name, String url, String user, String password,
        String driverClassName) {

    /** System property choosing the engine of the store tests: {@code derby} (default) or {@code postgres}. */
    public static final String ENGINE_PROPERTY = "scopegate.test.store";

    /** Engine name. */
    public static final String DERBY = "derby";

    /** Engine name. */
    public static final String POSTGRES = "postgres";

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /**
     * @return whether the store tests of this JVM run on PostgreSQL
     */
    public static boolean onPostgres() {
        return POSTGRES.equalsIgnoreCase(System.getProperty(ENGINE_PROPERTY, DERBY).trim());
    }

    /**
     * @return {@code derby} or {@code postgres}
     */
    public static String engineName() {
        return onPostgres() ? POSTGRES : DERBY;
    }

    /**
     * A new, empty database.
     *
     * @param prefix a readable prefix for its name (letters, digits, underscores)
     * @return the database
     */
    public static TestDatabase fresh(String prefix) {
        return named(prefix + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet());
    }

    /**
     * The database of that name, created when it does not exist yet (two servers of one test share it by name).
     *
     * @param name letters, digits and underscores
     * @return the database
     */
    public static TestDatabase named(String name) {
        if (onPostgres()) {
            return in(PostgresCluster.shared(), name);
        }
        return new TestDatabase(DERBY, name, "jdbc:derby:memory:" + name + ";create=true", null, null,
                "org.apache.derby.jdbc.EmbeddedDriver");
    }

    /**
     * A database in a given cluster (a test's own, which it stops and starts), created when it does not exist.
     *
     * @param cluster a running cluster
     * @param name letters, digits and underscores
     * @return the database
     */
    public static TestDatabase in(PostgresCluster cluster, String name) {
        String database = cluster.createDatabase(name);
        return new TestDatabase(POSTGRES, database, cluster.jdbcUrl(database), cluster.user(), cluster.password(),
                "org.postgresql.Driver");
    }
}
