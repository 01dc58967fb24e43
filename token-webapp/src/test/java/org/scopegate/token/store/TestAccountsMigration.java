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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

import org.apache.commons.dbcp2.BasicDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.TestDatabase;

/**
 * Migrations 4 and 4.1 on data written by version 3 (on the engine of the test run: Derby, then PostgreSQL): users
 * get ids, owner names become user ids or the administrator's, names enter one name space, and nothing of a user
 * deleted before is left for a new user of the same name.
 */
public class TestAccountsMigration {

    private BasicDataSource dataSource;
    private Database database;

    @BeforeEach
    void open() throws SQLException {
        TestDatabase db = TestDatabase.fresh("accounts");
        dataSource = new BasicDataSource();
        dataSource.setUrl(db.url());
        dataSource.setUsername(db.user());
        dataSource.setPassword(db.password());
        database = new Database(dataSource);
        Flyway.configure(getClass().getClassLoader()).dataSource(dataSource).locations("classpath:db/migration")
                .target("3").load().migrate();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.executeUpdate("INSERT INTO oauth_user (username, username_key, password_hash, enabled, failed_logins, "
                    + "lock_count, locked_until, created_at) VALUES ('Alice', 'alice', '$a', TRUE, 2, 1, 0, 1)");
            st.executeUpdate("INSERT INTO oauth_user (username, username_key, password_hash, enabled, failed_logins, "
                    + "lock_count, locked_until, created_at) VALUES ('carol', 'carol', '$c', FALSE, 0, 0, 0, 2)");
            st.executeUpdate("INSERT INTO oauth_user_role (username, role_name) VALUES ('Alice', 'reader')");
            application(st, 1, "alice's shop", "ALICE");
            application(st, 2, "ghost's shop", "ghost");
            application(st, 3, "valve", null);
            client(st, "shop-key", 1);
            client(st, "ghost-key", 2);
            client(st, "Carol", 3);
            token(st, "a", "Alice", "f1", 100);
            token(st, "b", "Alice", "f1", 200);
            token(st, "c", "bob", null, 300);
            st.executeUpdate("INSERT INTO oauth_app_user (application_id, username, first_token_at) "
                    + "SELECT id, 'Alice', 1 FROM oauth_application WHERE name = 'valve'");
            st.executeUpdate("INSERT INTO oauth_app_user (application_id, username, first_token_at) "
                    + "SELECT id, 'bob', 1 FROM oauth_application WHERE name = 'valve'");
        }
    }

    @AfterEach
    void close() throws SQLException {
        dataSource.close();
    }

    @Test
    public void migrateWhenVersionThreeDataThenOwnersByIdAndNothingLeftForANewUserOfADeletedName()
            throws Exception {
        // TEST
        SchemaMigrator.migrate(dataSource, getClass().getClassLoader());

        // VERIFY: users by id, with their state and roles
        UserStore users = new UserStore();
        UserRecord alice = database.call(c -> users.find(c, "alice"));
        UserRecord carol = database.call(c -> users.find(c, "carol"));
        Assertions.assertNotEquals(alice.id(), carol.id());
        Assertions.assertEquals(Set.of("reader"), alice.roles());
        Assertions.assertEquals(2, alice.failedLogins());
        Assertions.assertFalse(carol.enabled());
        Assertions.assertEquals("Alice", database.call(c -> users.findById(c, alice.id())).username());

        // owners: the user by id, or the administrator's when the name is no user
        ApplicationStore applications = new ApplicationStore();
        ApplicationRecord shop = application(applications, "alice's shop");
        Assertions.assertEquals(Long.valueOf(alice.id()), shop.ownerId());
        Assertions.assertEquals("Alice", shop.owner());
        ApplicationRecord ghost = application(applications, "ghost's shop");
        Assertions.assertNull(ghost.ownerId());
        Assertions.assertNull(ghost.owner());

        // one name space: users, clients, the reserved admin; a client named like a user stays out
        Assertions.assertEquals(PrincipalNames.USER, database.call(c -> PrincipalNames.holder(c, "ALICE")));
        Assertions.assertEquals(PrincipalNames.CLIENT, database.call(c -> PrincipalNames.holder(c, "Shop-Key")));
        Assertions.assertEquals(PrincipalNames.USER, database.call(c -> PrincipalNames.holder(c, "carol")));
        Assertions.assertEquals(PrincipalNames.RESERVED, database.call(c -> PrincipalNames.holder(c, "admin")));

        // tokens: their user by id, the family's start; a live token of a deleted user is revoked
        TokenStore tokens = new TokenStore();
        TokenRecord a = database.call(c -> tokens.find(c, digest("b")));
        Assertions.assertEquals(Long.valueOf(alice.id()), a.userId());
        Assertions.assertEquals(Long.valueOf(100), a.familyStartedAt());
        TokenRecord orphan = database.call(c -> tokens.find(c, digest("c")));
        Assertions.assertNull(orphan.userId());
        Assertions.assertTrue(orphan.revoked(), "a token of a user deleted before stays live");
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM oauth_revocation_event WHERE event_type = 'user' "
                        + "AND event_value = 'bob'")) {
            rs.next();
            Assertions.assertEquals(1, rs.getInt(1));
        }

        // statistics: the deleted user's Registered Users row is gone, the existing user's stays
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT username FROM oauth_app_user")) {
            Assertions.assertTrue(rs.next());
            Assertions.assertEquals("Alice", rs.getString(1));
            Assertions.assertFalse(rs.next());
        }
    }

    private ApplicationRecord application(ApplicationStore applications, String name) throws SQLException {
        return database.call(c -> applications.list(c, null)).stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow();
    }

    private static void application(Statement st, int n, String name, String owner) throws SQLException {
        st.executeUpdate("INSERT INTO oauth_application (name, owner, grant_types, created_at) VALUES ('"
                + name.replace("'", "''") + "', " + (owner == null ? "NULL" : "'" + owner + "'")
                + ", 'password', " + n + ")");
    }

    private static void client(Statement st, String clientId, int createdAt) throws SQLException {
        st.executeUpdate("INSERT INTO oauth_client (client_id, secret_digest, name, owner, grant_types, "
                + "can_introspect, enabled, created_at, application_id, key_type) SELECT '" + clientId + "', '"
                + "0".repeat(64) + "', name, owner, grant_types, FALSE, TRUE, " + createdAt + ", id, 'PRODUCTION' "
                + "FROM oauth_application WHERE created_at = " + createdAt);
    }

    private static void token(Statement st, String token, String username, String family, long issuedAt)
            throws SQLException {
        st.executeUpdate("INSERT INTO oauth_token (token_digest, token_kind, client_id, username, scope, grant_type, "
                + "family_id, issued_at, expires_at, revoked, used) VALUES ('" + digest(token) + "', 'A', 'shop-key', '"
                + username + "', 'read', 'password', " + (family == null ? "NULL" : "'" + family + "'") + ", "
                + issuedAt + ", 9000000000000, FALSE, FALSE)");
    }

    private static String digest(String token) {
        return token.repeat(64);
    }
}
