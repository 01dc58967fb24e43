/*
 * Copyright the ScopeGate authors.
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

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Statements prepared below the wrappers of Tomcat's own DBCP2 pool (the JNDI {@code Resource} of an install, which
 * token.war and the valve's {@code dataSourceName} use), with the {@code tomcat-dbcp.jar} of both distributions;
 * Commons DBCP2 (token.war's own pools) is tested with those pools in token-webapp's {@code TestPooledStatements}.
 */
public class TestPooledStatements {

    @ParameterizedTest
    @ValueSource(strings = {"11", "10.1"})
    public void connectionOfTomcatsPoolWithAccessThenStatementsOfTheDriverAndTransactionsOfBorrowedHold(String tomcat)
            throws Exception {
        // PREPARE: Tomcat's own pool as a JNDI Resource makes it, with accessToUnderlyingConnectionAllowed="true"
        try (TomcatPool tomcatPool = new TomcatPool(tomcat, "with", true)) {
            try (Connection borrowed = tomcatPool.dataSource().getConnection()) {
                // ACT
                Connection below = PooledStatements.on(borrowed);
                insert(below, 1);
                borrowed.commit();
                insert(PooledStatements.on(borrowed), 2);
                borrowed.rollback();

                // ASSERT
                Assertions.assertNotSame(borrowed, below);
                try (PreparedStatement ps = below.prepareStatement("SELECT id FROM unwrapped")) {
                    Assertions.assertTrue(ps.getClass().getName().startsWith("org.apache.derby."),
                            "not the driver's own statement: " + ps.getClass().getName());
                }
                Assertions.assertFalse(PooledStatements.wrappedForWantOfAccess(borrowed));
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
            Assertions.assertSame(borrowed, PooledStatements.on(borrowed));
            Assertions.assertTrue(PooledStatements.wrappedForWantOfAccess(borrowed));
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
            // lib/tomcat-dbcp.jar and the logging it needs, bin/tomcat-juli.jar
            List<URL> jars = new ArrayList<>();
            try (Stream<Path> found = Files.walk(Path.of("target", "tomcat-dbcp", tomcat))) {
                for (Path jar : found.filter(p -> p.getFileName().toString().matches("tomcat-(dbcp|juli)\\.jar"))
                        .toList()) {
                    jars.add(jar.toUri().toURL());
                }
            }
            if (jars.size() != 2) {
                throw new IllegalStateException("no tomcat-dbcp.jar and tomcat-juli.jar of Tomcat " + tomcat
                        + " under target/tomcat-dbcp (unpacked by the build's generate-test-resources): " + jars);
            }
            loader = new URLClassLoader(jars.toArray(new URL[0]), TestPooledStatements.class.getClassLoader());
            Class<?> type = loader.loadClass("org.apache.tomcat.dbcp.dbcp2.BasicDataSource");
            dataSource = (DataSource) type.getConstructor().newInstance();
            type.getMethod("setDriverClassName", String.class)
                    .invoke(dataSource, "org.apache.derby.jdbc.EmbeddedDriver");
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

    @Test
    public void connectionOfAnotherKindThenUsedAsItIsAndNothingSaid() throws Exception {
        // PREPARE
        EmbeddedDataSource other = new EmbeddedDataSource();
        other.setDatabaseName("memory:pooled-statements-other");
        other.setCreateDatabase("create");

        // ACT + ASSERT
        try (Connection c = other.getConnection()) {
            Assertions.assertSame(c, PooledStatements.on(c));
            Assertions.assertFalse(PooledStatements.wrappedForWantOfAccess(c));
        }
    }

    private static void insert(Connection connection, int id) throws Exception {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO unwrapped (id) VALUES (?)")) {
            ps.setInt(1, id);
            ps.executeUpdate();
        }
    }
}
