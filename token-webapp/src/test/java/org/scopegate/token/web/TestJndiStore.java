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
package org.scopegate.token.web;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.TestDatabase;
import org.scopegate.token.EmbeddedTokenServer;

/**
 * The store reached through a global JNDI DataSource and a {@code ResourceLink}, as {@code scripts/install} sets it up:
 * on in-memory Derby, and on PostgreSQL in the store tests' second run.
 */
public class TestJndiStore {

    @Test
    public void startWhenDataSourceNameGivenThenSchemaMigratedThereAndTokensWork() throws Exception {
        // PREPARE
        TestDatabase database = TestDatabase.fresh("jndi");
        EmbeddedTokenServer server = new EmbeddedTokenServer(Files.createTempDirectory("token-jndi"))
                .throughJndi(database);
        try {
            // TEST
            Assertions.assertEquals(LifecycleState.STARTED, server.start());
            server.createUser("alice", "pw-0123456789-Kq7");
            String[] app = server.createClient(true, "password");
            String basic = EmbeddedTokenServer.basic(app[0], app[1]);
            HttpResponse<String> grant = server.postForm("", basic,
                    "grant_type=password&username=alice&password=pw-0123456789-Kq7");
            JsonNode introspected = EmbeddedTokenServer.json(server.postForm("/introspect", basic,
                    "token=" + EmbeddedTokenServer.json(grant).get("access_token").asText()));

            // VERIFY
            Assertions.assertEquals(200, grant.statusCode(), grant.body());
            Assertions.assertTrue(introspected.get("active").asBoolean());
            try (Connection c = DriverManager.getConnection(database.url(), database.user(), database.password());
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM oauth_token")) {
                rs.next();
                Assertions.assertEquals(1, rs.getInt(1), "the token is in the JNDI DataSource's database");
            }
        } finally {
            server.stopAndDelete();
        }
    }
}
