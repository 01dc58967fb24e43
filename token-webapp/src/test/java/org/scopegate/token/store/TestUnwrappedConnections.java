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

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.apache.commons.dbcp2.DelegatingStatement;
import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.scopegate.testsupport.TestDatabase;
import org.scopegate.token.config.JdbcSettings;

/**
 * Statements of the store are prepared below DBCP2's per-call wrappers (whose {@code finalize} made every statement
 * of every request a finalizable object for the young collections), on the engine of this test run, while
 * transactions still commit and roll back on the borrowed connection.
 */
public class TestUnwrappedConnections {

    private DataSources pool;

    @BeforeEach
    void openPool() throws Exception {
        if (TestDatabase.onPostgres()) {
            TestDatabase database = TestDatabase.fresh("unwrapped");
            pool = DataSources.postgreSql(new JdbcSettings(database.url(), database.user(), database.password(), 2));
        } else {
            pool = DataSources.embeddedDerby(Files.createTempDirectory("unwrapped").resolve("db"));
        }
        try (Connection c = pool.getDataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE unwrapped (id INT PRIMARY KEY)");
            c.commit();
        }
    }

    @AfterEach
    void closePool() {
        // a class loader of its own: the drivers registered by this JVM stay for the next tests
        pool.close(new ClassLoader() {
        });
    }

    @Test
    public void prepareStatementTwiceThenNoNewWrapperPerCall() throws Exception {
        // ACT
        PreparedStatement first = prepareAndClose();
        PreparedStatement second = prepareAndClose();

        // ASSERT
        if (TestDatabase.onPostgres()) {
            // the driver's own statements, nothing finalizable of DBCP's
            Assertions.assertFalse(first instanceof DelegatingStatement, first.getClass().getName());
            Assertions.assertFalse(second instanceof DelegatingStatement, second.getClass().getName());
        } else {
            // Derby's statements are pooled per connection: the same one comes back, no wrapper is made per call
            Assertions.assertSame(first, second);
        }
    }

    @Test
    public void workOnUnwrappedConnectionThenCommitAndRollbackOfBorrowedHold() throws Exception {
        // ACT
        try (Connection borrowed = pool.getDataSource().getConnection()) {
            insert(UnwrappedConnections.forStatements(borrowed), 1);
            borrowed.commit();
            insert(UnwrappedConnections.forStatements(borrowed), 2);
            borrowed.rollback();
        }

        // ASSERT
        try (Connection c = pool.getDataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM unwrapped ORDER BY id")) {
            Assertions.assertTrue(rs.next());
            Assertions.assertEquals(1, rs.getInt(1));
            Assertions.assertFalse(rs.next(), "the rolled back row is not there");
        }
    }

    @Test
    public void connectionOfAnotherPoolThenUsedAsItIs() throws Exception {
        // PREPARE
        EmbeddedDataSource other = new EmbeddedDataSource();
        other.setDatabaseName("memory:unwrapped-other");
        other.setCreateDatabase("create");

        // ACT + ASSERT
        try (Connection c = other.getConnection()) {
            Assertions.assertSame(c, UnwrappedConnections.forStatements(c));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"11", "10.1"})
    public void connectionOfTomcatsPoolWithAccessThenStatementsOfTheDriverAndTransactionsOfBorrowedHold(String tomcat)
            throws Exception {
        // PREPARE: Tomcat's own pool as a JNDI Resource makes it, with accessToUnderlyingConnectionAllowed="true"
        try (TomcatPool tomcatPool = new TomcatPool(tomcat, "with", true)) {
            try (Connection borrowed = tomcatPool.dataSource().getConnection()) {
                // ACT
                Connection below = UnwrappedConnections.forStatements(borrowed);
                insert(below, 1);
                borrowed.commit();
                insert(UnwrappedConnections.forStatements(borrowed), 2);
                borrowed.rollback();

                // ASSERT
                Assertions.assertNotSame(borrowed, below);
                try (PreparedStatement ps = below.prepareStatement("SELECT id FROM unwrapped")) {
                    Assertions.assertTrue(ps.getClass().getName().startsWith("org.apache.derby."),
                            "not the driver's own statement: " + ps.getClass().getName());
                }
                Assertions.assertFalse(UnwrappedConnections.wrappedForWantOfAccess(borrowed));
            }
            Assertions.assertEquals(List.of(1), tomcatPool.ids(), "the rolled back row is not there");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"11", "10.1"})
    public void connectionOfTomcatsPoolWithoutAccessThenUsedAsItIsAndSaidSo(String tomcat) throws Exception {
        // PREPARE: the Resource without accessToUnderlyingConnectionAllowed (Tomcat's default: false)
        try (TomcatPool tomcatPool = new TomcatPool(tomcat, "without", false);
                Connection borrowed = tomcatPool.dataSource().getConnection()) {
            // ACT + ASSERT
            Assertions.assertSame(borrowed, UnwrappedConnections.forStatements(borrowed));
            Assertions.assertTrue(UnwrappedConnections.wrappedForWantOfAccess(borrowed));
        }
    }

    /**
     * Tomcat's DBCP2 fork ({@code lib/tomcat-dbcp.jar} of the distribution, unpacked by the build into
     * target/tomcat-dbcp), in a class loader of its own as the container's are, on an in-memory Derby database.
     */
    private static final class TomcatPool implements AutoCloseable {

        private final URLClassLoader loader;
        private final DataSource dataSource;

        TomcatPool(String tomcat, String name, boolean access) throws Exception {
            Path jar;
            try (Stream<Path> found = Files.walk(Path.of("target", "tomcat-dbcp", tomcat))) {
                jar = found.filter(p -> p.getFileName().toString().equals("tomcat-dbcp.jar")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no tomcat-dbcp.jar of Tomcat " + tomcat
                                + " under target/tomcat-dbcp (unpacked by the build's generate-test-resources)"));
            }
            loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, TestUnwrappedConnections.class.getClassLoader());
            Class<?> type = loader.loadClass("org.apache.tomcat.dbcp.dbcp2.BasicDataSource");
            dataSource = (DataSource) type.getConstructor().newInstance();
            type.getMethod("setDriverClassName", String.class).invoke(dataSource, "org.apache.derby.jdbc.EmbeddedDriver");
            type.getMethod("setUrl", String.class).invoke(dataSource,
                    "jdbc:derby:memory:tomcat-pool-" + tomcat + "-" + name + ";create=true");
            type.getMethod("setDefaultAutoCommit", Boolean.class).invoke(dataSource, Boolean.FALSE);
            type.getMethod("setAccessToUnderlyingConnectionAllowed", boolean.class).invoke(dataSource, access);
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE unwrapped (id INT PRIMARY KEY)");
                c.commit();
            }
        }

        DataSource dataSource() {
            return dataSource;
        }

        List<Integer> ids() throws Exception {
            List<Integer> ids = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id FROM unwrapped ORDER BY id")) {
                while (rs.next()) {
                    ids.add(Integer.valueOf(rs.getInt(1)));
                }
            }
            return ids;
        }

        @Override
        public void close() throws Exception {
            ((AutoCloseable) dataSource).close();
            loader.close();
        }
    }

    private PreparedStatement prepareAndClose() throws Exception {
        try (Connection borrowed = pool.getDataSource().getConnection();
                PreparedStatement ps = UnwrappedConnections.forStatements(borrowed)
                        .prepareStatement("SELECT id FROM unwrapped WHERE id = ?")) {
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                Assertions.assertFalse(rs.next());
            }
            return ps;
        }
    }

    private static void insert(Connection connection, int id) throws Exception {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO unwrapped (id) VALUES (?)")) {
            ps.setInt(1, id);
            ps.executeUpdate();
        }
    }
}
