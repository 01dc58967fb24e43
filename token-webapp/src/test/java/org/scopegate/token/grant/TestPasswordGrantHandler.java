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
package org.scopegate.token.grant;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;

/**
 * A password grant whose hash is still running while the administrator disables the user, gives it a new password,
 * or disables the application: no token outlives the change. Either the grant sees the change and issues nothing,
 * or its token is issued first and revoked by the change. The hash is slow here (Argon2id with 48 passes) so that
 * the change lands while it runs.
 */
public class TestPasswordGrantHandler {

    private static final String PASSWORD = "Copper-Meadow-4471";

    private static EmbeddedTokenServer server;
    private static String introspect;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("password-grant"))
                .with("argon2MemoryKiB", "8192").with("argon2Iterations", "48")
                .with("passwordHashWait", "60000");
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        String[] introspector = server.createClient(true, "client_credentials");
        introspect = EmbeddedTokenServer.basic(introspector[0], introspector[1]);
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    public void grantWhenUserDisabledWhileItsPasswordIsHashedThenNoLiveToken() throws Exception {
        assertNoLiveToken("gina", "/users/gina", "{\"enabled\":false}");
    }

    @Test
    public void grantWhenPasswordChangedWhileTheOldOneIsHashedThenNoLiveToken() throws Exception {
        assertNoLiveToken("hugo", "/users/hugo", "{\"password\":\"Saffron-Quill-9034\"}");
    }

    @Test
    public void grantWhenApplicationDisabledWhileThePasswordIsHashedThenNoLiveToken() throws Exception {
        assertNoLiveToken("iris", "/clients/%s", "{\"enabled\":false}");
    }

    private static void assertNoLiveToken(String username, String changePath, String change) throws Exception {
        // PREPARE
        server.createUser(username, PASSWORD);
        String[] client = server.createClient(false, "password", "refresh_token");
        String basic = EmbeddedTokenServer.basic(client[0], client[1]);
        long hashMillis = hashMillis();

        // TEST: the change lands while the grant's hash runs
        CompletableFuture<HttpResponse<String>> grant = CompletableFuture.supplyAsync(() -> server.postForm("", basic,
                "grant_type=password&username=" + username + "&password=" + PASSWORD));
        Thread.sleep(Math.max(50, hashMillis / 4));
        HttpResponse<String> changed = server.admin("PATCH", String.format(changePath, client[0]), change);
        HttpResponse<String> answer = grant.get(60, TimeUnit.SECONDS);

        // VERIFY
        Assertions.assertEquals(200, changed.statusCode(), changed.body());
        if (answer.statusCode() == 200) {
            // the grant was quicker than the change: the change must have revoked both tokens
            JsonNode tokens = EmbeddedTokenServer.json(answer);
            Assertions.assertFalse(active(tokens.get("access_token").asText()), "a token outlived the change");
            Assertions.assertFalse(active(tokens.get("refresh_token").asText()), "a token outlived the change");
        } else {
            Assertions.assertEquals(changePath.startsWith("/clients") ? 401 : 400, answer.statusCode(),
                    answer.body());
        }
    }

    private static boolean active(String token) {
        return EmbeddedTokenServer.json(server.postForm("/introspect", introspect, "token=" + token)).get("active")
                .asBoolean();
    }

    /** Milliseconds of one hash at this server's cost, timed by the server itself. */
    private static long hashMillis() {
        return (long) EmbeddedTokenServer.json(server.admin("POST", "/password-hash/timing", "{\"count\":1}"))
                .get("ms_p50").asDouble();
    }
}
