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

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import org.apache.commons.dbcp2.DelegatingStatement;
import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scopegate.common.store.PooledStatements;
import org.scopegate.testsupport.TestDatabase;
import org.scopegate.token.config.JdbcSettings;

/**
 * Statements of the store are prepared below DBCP2's per-call wrappers (whose {@code finalize} made every statement
 * of every request a finalizable object for the young collections), on the engine of this test run, while
 * transactions still commit and roll back on the borrowed connection.
 */
public class TestPooledStatements {

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
            insert(PooledStatements.on(borrowed), 1);
            borrowed.commit();
            insert(PooledStatements.on(borrowed), 2);
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
            Assertions.assertSame(c, PooledStatements.on(c));
        }
    }

    private PreparedStatement prepareAndClose() throws Exception {
        try (Connection borrowed = pool.getDataSource().getConnection();
                PreparedStatement ps = PooledStatements.on(borrowed)
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
