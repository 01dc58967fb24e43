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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;

/**
 * Start and stop of the webapp: bad configuration, restart with the same store, hash upgrade after a change of
 * parameters.
 */
public class TestTokenServiceListener {

    private static final String PASSWORD = "Walnut-Ember-3318";

    @Test
    public void startWhenConfigurationInvalidThenWebappFails() throws Exception {
        // PREPARE
        EmbeddedTokenServer server = new EmbeddedTokenServer(Files.createTempDirectory("token-badconfig"))
                .with("accessTokenLifetime", "one hour");

        // TEST
        try {
            LifecycleState state = server.start();

            // VERIFY
            Assertions.assertNotEquals(LifecycleState.STARTED, state);
        } finally {
            server.stopAndDelete();
        }
    }

    private static String storedHash(EmbeddedTokenServer server, String username) throws SQLException {
        try (Connection c = server.openStore();
                PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM oauth_user WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                Assertions.assertTrue(rs.next(), "no user " + username);
                return rs.getString(1);
            }
        }
    }

    @Test
    public void startWhenAdminSecretIsADocumentedPlaceholderThenWebappFails() throws Exception {
        // PREPARE
        Path base = Files.createTempDirectory("token-placeholder");
        Files.createDirectories(base.resolve("conf"));
        Files.writeString(base.resolve("conf/token-admin.secret"), "CHANGE-ME-at-least-32-random-characters\n");
        EmbeddedTokenServer server = new EmbeddedTokenServer(base);

        // TEST
        try {
            LifecycleState state = server.start();

            // VERIFY
            Assertions.assertNotEquals(LifecycleState.STARTED, state);
        } finally {
            server.stopAndDelete();
        }
    }

    @Test
    public void restartWhenSameStoreThenIssuedTokensStillValidAndOldHashUpgraded() throws Exception {
        // PREPARE
        Path base = Files.createTempDirectory("token-restart");
        EmbeddedTokenServer first = new EmbeddedTokenServer(base);
        Assertions.assertEquals(LifecycleState.STARTED, first.start());
        first.createUser("alice", PASSWORD);
        String[] app = first.createClient(true, "password", "refresh_token");
        String auth = EmbeddedTokenServer.basic(app[0], app[1]);
        JsonNode tokens = EmbeddedTokenServer.json(first.postForm("", auth,
                "grant_type=password&username=alice&password=" + PASSWORD));
        String hashBefore = storedHash(first, "alice");
        first.stop();
        EmbeddedTokenServer second = new EmbeddedTokenServer(base).with("argon2MemoryKiB", "128");

        // TEST
        try {
            Assertions.assertEquals(LifecycleState.STARTED, second.start());
            JsonNode answer = EmbeddedTokenServer.json(second.postForm("/introspect", auth,
                    "token=" + tokens.get("access_token").asText()));
            HttpResponse<String> login = second.postForm("", auth,
                    "grant_type=password&username=alice&password=" + PASSWORD);
            String hashAfter = storedHash(second, "alice");
            HttpResponse<String> again = second.postForm("", auth,
                    "grant_type=password&username=alice&password=" + PASSWORD);

            // VERIFY
            Assertions.assertTrue(answer.get("active").asBoolean());
            Assertions.assertEquals(200, login.statusCode(), login.body());
            Assertions.assertTrue(hashBefore.startsWith("$argon2id$v=19$m=64,t=1,p=1$"), hashBefore);
            Assertions.assertTrue(hashAfter.startsWith("$argon2id$v=19$m=128,t=1,p=1$"),
                    "the stored hash was not upgraded at the good login: " + hashAfter);
            Assertions.assertEquals(200, again.statusCode(), "the upgraded hash must verify");
            HttpResponse<String> refreshed = second.postForm("", auth,
                    "grant_type=refresh_token&refresh_token=" + tokens.get("refresh_token").asText());
            Assertions.assertEquals(200, refreshed.statusCode(), refreshed.body());
        } finally {
            second.stopAndDelete();
        }
    }
}
