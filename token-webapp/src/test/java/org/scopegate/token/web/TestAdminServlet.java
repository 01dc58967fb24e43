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
import java.nio.file.attribute.PosixFilePermissions;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.ShippedConfiguration;
import org.scopegate.token.EmbeddedTokenServer;

/**
 * The admin API over HTTP (protocol.md section 6).
 */
public class TestAdminServlet {

    private static Path base;
    private static EmbeddedTokenServer server;

    @BeforeAll
    static void start() throws Exception {
        base = Files.createTempDirectory("token-admin");
        server = new EmbeddedTokenServer(base);
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    public void adminWhenNoCredentialThenUnauthorizedWithChallenge() {
        // TEST
        HttpResponse<String> response = server.send("/admin/users", "GET", null, null, null);

        // VERIFY
        Assertions.assertEquals(401, response.statusCode());
        Assertions.assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        Assertions.assertEquals("unauthorized", EmbeddedTokenServer.json(response).get("error").asText());
    }

    @Test
    public void adminWhenWrongSecretThenUnauthorized() {
        // TEST
        HttpResponse<String> response = server.send("/admin/users", "GET",
                EmbeddedTokenServer.basic("admin", "wrong"), null, null);

        // VERIFY
        Assertions.assertEquals(401, response.statusCode());
    }

    @Test
    public void startWhenSecretFileAbsentThenGeneratedOwnerOnly() throws Exception {
        // TEST
        Path secret = base.resolve("conf/token-admin.secret");

        // VERIFY
        Assertions.assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        Assertions.assertEquals(43, Files.readString(secret).trim().length());
    }

    @Test
    public void passwordHashTimingWhenPostedThenConfiguredParametersTimedInThisServer() {
        // TEST
        HttpResponse<String> timed = server.admin("POST", "/password-hash/timing", "{\"count\":3,\"threads\":1}");
        HttpResponse<String> tooMany = server.admin("POST", "/password-hash/timing", "{\"count\":100000}");
        HttpResponse<String> get = server.admin("GET", "/password-hash/timing", null);

        // VERIFY
        Assertions.assertEquals(200, timed.statusCode(), timed.body());
        JsonNode answer = EmbeddedTokenServer.json(timed);
        Assertions.assertEquals("argon2id", answer.get("algorithm").asText());
        Assertions.assertTrue(answer.get("parameters").asText().startsWith("$argon2id$v=19$m="), timed.body());
        Assertions.assertEquals(3, answer.get("count").asInt());
        Assertions.assertTrue(answer.get("ms_p50").asDouble() > 0.0);
        Assertions.assertTrue(answer.get("ms_min").asDouble() <= answer.get("ms_p50").asDouble());
        Assertions.assertEquals(400, tooMany.statusCode());
        Assertions.assertEquals(405, get.statusCode());
        Assertions.assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
    }

    @Test
    public void passwordHashStatisticsWhenLoginsHashedThenCountedWithTheirCpuTime() {
        // PREPARE
        server.admin("POST", "/users", "{\"username\":\"hazel\",\"password\":\"pw-9Kt-quarry\",\"roles\":[]}");
        String[] app = server.createClient(false, "password");
        String auth = EmbeddedTokenServer.basic(app[0], app[1]);
        JsonNode before = EmbeddedTokenServer.json(server.admin("GET", "/password-hash", null));

        // TEST: one good and one bad login, each one hash
        int good = server.postForm("", auth, "grant_type=password&username=hazel&password=pw-9Kt-quarry").statusCode();
        int bad = server.postForm("", auth, "grant_type=password&username=hazel&password=nope").statusCode();
        HttpResponse<String> after = server.admin("GET", "/password-hash", null);
        HttpResponse<String> post = server.admin("POST", "/password-hash", "{}");

        // VERIFY
        Assertions.assertEquals(200, good);
        Assertions.assertEquals(400, bad);
        Assertions.assertEquals(200, after.statusCode(), after.body());
        JsonNode answer = EmbeddedTokenServer.json(after);
        Assertions.assertEquals("argon2id", answer.get("algorithm").asText());
        Assertions.assertTrue(answer.get("parameters").asText().startsWith("$argon2id$v=19$m="), after.body());
        Assertions.assertEquals(before.get("hashes").asLong() + 2, answer.get("hashes").asLong(), after.body());
        Assertions.assertTrue(answer.get("cpu_ms_total").asDouble() > before.get("cpu_ms_total").asDouble());
        Assertions.assertTrue(answer.get("elapsed_ms_total").asDouble() >= answer.get("cpu_ms_total").asDouble() * 0.5);
        Assertions.assertTrue(answer.get("processors").asInt() >= 1);
        Assertions.assertFalse(after.body().contains("pw-9Kt-quarry"));
        Assertions.assertEquals(405, post.statusCode());
        Assertions.assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
    }

    @Test
    public void createClientWhenPostedThenSecretShownOnceAndNeverListed() {
        // PREPARE
        server.createUser("ops", "Kq7#vR2!pXz9-w");

        // TEST
        HttpResponse<String> created = server.admin("POST", "/clients",
                "{\"name\":\"shop\",\"grant_types\":[\"password\"],\"introspect\":false,\"owner\":\"ops\"}");

        // VERIFY
        Assertions.assertEquals(201, created.statusCode(), created.body());
        JsonNode client = EmbeddedTokenServer.json(created);
        Assertions.assertEquals(28, client.get("client_id").asText().length());
        Assertions.assertEquals(43, client.get("client_secret").asText().length());
        String id = client.get("client_id").asText();
        HttpResponse<String> one = server.admin("GET", "/clients/" + id, null);
        Assertions.assertNull(EmbeddedTokenServer.json(one).get("client_secret"));
        Assertions.assertEquals("ops", EmbeddedTokenServer.json(one).get("owner").asText());
        Assertions.assertFalse(server.admin("GET", "/clients", null).body().contains("client_secret"));
    }

    @Test
    public void createClientWhenGivenIdAndSecretThenUsable() {
        // PREPARE
        String secret = "0123456789abcdef0123456789abcdef-valve";

        // TEST
        HttpResponse<String> created = server.admin("POST", "/clients", "{\"name\":\"valve\",\"client_id\":"
                + "\"scope-valve\",\"client_secret\":\"" + secret + "\",\"grant_types\":[\"client_credentials\"],"
                + "\"introspect\":true}");

        // VERIFY
        Assertions.assertEquals(201, created.statusCode(), created.body());
        HttpResponse<String> feed = server.send("/revocations", "GET",
                EmbeddedTokenServer.basic("scope-valve", secret), null, null);
        Assertions.assertEquals(200, feed.statusCode(), feed.body());
        HttpResponse<String> again = server.admin("POST", "/clients", "{\"name\":\"valve\",\"client_id\":"
                + "\"scope-valve\",\"grant_types\":[\"client_credentials\"]}");
        Assertions.assertEquals(409, again.statusCode());
    }

    @Test
    public void createClientWhenGivenSecretIsADocumentedPlaceholderThenBadRequestAndNothingStored() throws Exception {
        // PREPARE: the fragment's value, as an administrator who registered the valve before replacing it would send
        String shipped = ShippedConfiguration.valveClientSecret();
        for (String placeholder : new String[] {shipped, "change_me_to_something_random_and_long_enough"}) {
            String id = "valve-" + Integer.toHexString(placeholder.hashCode());

            // TEST
            HttpResponse<String> created = server.admin("POST", "/clients", "{\"name\":\"valve\",\"client_id\":\""
                    + id + "\",\"client_secret\":\"" + placeholder + "\",\"grant_types\":[\"client_credentials\"],"
                    + "\"introspect\":true}");

            // VERIFY
            Assertions.assertEquals(400, created.statusCode(), created.body());
            Assertions.assertEquals("invalid_request", EmbeddedTokenServer.json(created).get("error").asText());
            Assertions.assertTrue(created.body().contains("placeholder"), created.body());
            Assertions.assertEquals(404, server.admin("GET", "/clients/" + id, null).statusCode(), "stored anyway");
        }
    }

    @Test
    public void createClientWhenGivenSecretTooShortThenBadRequest() {
        // TEST
        HttpResponse<String> created = server.admin("POST", "/clients",
                "{\"name\":\"x\",\"client_secret\":\"short\",\"grant_types\":[\"password\"]}");

        // VERIFY
        Assertions.assertEquals(400, created.statusCode());
        Assertions.assertEquals("invalid_request", EmbeddedTokenServer.json(created).get("error").asText());
    }

    @Test
    public void createClientWhenGrantTypeUnknownThenBadRequest() {
        // TEST
        HttpResponse<String> created = server.admin("POST", "/clients",
                "{\"name\":\"x\",\"grant_types\":[\"implicit\"]}");

        // VERIFY
        Assertions.assertEquals(400, created.statusCode());
    }

    @Test
    public void createUserWhenNameTakenInOtherCaseThenConflict() {
        // PREPARE
        server.createUser("Grace", "Granite-Heron-7741");

        // TEST
        HttpResponse<String> response = server.admin("POST", "/users",
                "{\"username\":\"grace\",\"password\":\"Granite-Heron-7741\",\"roles\":[]}");

        // VERIFY
        Assertions.assertEquals(409, response.statusCode());
    }

    @Test
    public void userLifecycleWhenCreatedPatchedDeletedThenEachAnswerMatches() {
        // PREPARE
        server.createUser("heidi", "Granite-Heron-7741", "reader");

        // TEST
        HttpResponse<String> patched = server.admin("PATCH", "/users/heidi",
                "{\"roles\":[\"reader\",\"writer\"],\"enabled\":false}");
        HttpResponse<String> listed = server.admin("GET", "/users", null);
        HttpResponse<String> deleted = server.admin("DELETE", "/users/heidi", null);

        // VERIFY
        JsonNode user = EmbeddedTokenServer.json(patched);
        Assertions.assertEquals("[\"reader\",\"writer\"]", user.get("roles").toString());
        Assertions.assertFalse(user.get("enabled").asBoolean());
        Assertions.assertTrue(user.get("locked_until").isNull());
        Assertions.assertTrue(listed.body().contains("\"heidi\""));
        Assertions.assertEquals(204, deleted.statusCode());
        Assertions.assertEquals(404, server.admin("GET", "/users/heidi", null).statusCode());
    }

    @Test
    public void patchUserWhenPasswordChangedThenNewPasswordWorks() {
        // PREPARE
        server.createUser("ivan", "old-Quill-4410");
        String[] app = server.createClient(false, "password");
        String auth = EmbeddedTokenServer.basic(app[0], app[1]);

        // TEST
        server.admin("PATCH", "/users/ivan", "{\"password\":\"new-Ember-88231\"}");

        // VERIFY
        Assertions.assertEquals(400, server.postForm("", auth, "grant_type=password&username=ivan&password=old-Quill-4410")
                .statusCode());
        Assertions.assertEquals(200, server.postForm("", auth, "grant_type=password&username=ivan&password=new-Ember-88231")
                .statusCode());
    }

    @Test
    public void scopesWhenCreatedPatchedDeletedThenListed() {
        // TEST
        HttpResponse<String> created = server.admin("POST", "/scopes",
                "{\"name\":\"orders:write\",\"description\":\"Write orders\",\"roles\":[\"clerk\"]}");
        HttpResponse<String> patched = server.admin("PATCH", "/scopes/orders:write", "{\"roles\":[\"boss\"]}");
        HttpResponse<String> listed = server.admin("GET", "/scopes", null);
        HttpResponse<String> deleted = server.admin("DELETE", "/scopes/orders:write", null);

        // VERIFY
        Assertions.assertEquals(201, created.statusCode(), created.body());
        Assertions.assertEquals("[\"boss\"]", EmbeddedTokenServer.json(patched).get("roles").toString());
        Assertions.assertTrue(listed.body().contains("\"orders:write\""));
        Assertions.assertTrue(listed.body().contains("\"default\""));
        Assertions.assertEquals(204, deleted.statusCode());
    }

    @Test
    public void grantWhenScopeRolesChangedThenNextTokenFollowsAtOnce() {
        // PREPARE: a grant reads the scopes first, so that the next ones could use a copy read before the change
        server.createUser("ivy", "Saffron-Quill-9034", "clerk");
        String[] app = server.createClient(false, "password");
        String auth = EmbeddedTokenServer.basic(app[0], app[1]);
        String request = "grant_type=password&username=ivy&password=Saffron-Quill-9034&scope=orders:write";
        String before = EmbeddedTokenServer.json(server.postForm("", auth, request)).get("scope").asText();
        server.admin("POST", "/scopes", "{\"name\":\"orders:write\",\"roles\":[\"clerk\"]}");

        // TEST
        String created = EmbeddedTokenServer.json(server.postForm("", auth, request)).get("scope").asText();
        server.admin("PATCH", "/scopes/orders:write", "{\"roles\":[\"boss\"]}");
        String patched = EmbeddedTokenServer.json(server.postForm("", auth, request)).get("scope").asText();
        server.admin("PATCH", "/scopes/orders:write", "{\"roles\":[\"clerk\"]}");
        String restored = EmbeddedTokenServer.json(server.postForm("", auth, request)).get("scope").asText();
        server.admin("DELETE", "/scopes/orders:write", null);
        String deleted = EmbeddedTokenServer.json(server.postForm("", auth, request)).get("scope").asText();

        // VERIFY: the default scope whenever the requested one is unknown or not allowed to the user's roles
        Assertions.assertEquals("default", before);
        Assertions.assertEquals("orders:write", created);
        Assertions.assertEquals("default", patched);
        Assertions.assertEquals("orders:write", restored);
        Assertions.assertEquals("default", deleted);
    }

    @Test
    public void deleteScopeWhenDefaultThenConflict() {
        // TEST
        HttpResponse<String> response = server.admin("DELETE", "/scopes/default", null);

        // VERIFY
        Assertions.assertEquals(409, response.statusCode());
    }

    @Test
    public void adminWhenBodyNotJsonThenBadRequest() {
        // TEST
        HttpResponse<String> response = server.admin("POST", "/users", "{not json");

        // VERIFY
        Assertions.assertEquals(400, response.statusCode());
        Assertions.assertEquals("invalid_request", EmbeddedTokenServer.json(response).get("error").asText());
    }

    @Test
    public void adminWhenUnknownPathOrMethodThenNotFoundOrNotAllowed() {
        // TEST
        HttpResponse<String> unknown = server.admin("GET", "/nothing", null);
        HttpResponse<String> wrongMethod = server.admin("PUT", "/users", "{}");

        // VERIFY
        Assertions.assertEquals(404, unknown.statusCode());
        Assertions.assertEquals(405, wrongMethod.statusCode());
        Assertions.assertEquals("GET, POST", wrongMethod.headers().firstValue("Allow").orElse(""));
    }

    @Test
    public void adminWhenAuthorizationHeaderRepeatedThenBadRequestEvenWithTheRightCredentialFirst() {
        // TEST
        HttpResponse<String> response = server.sendWithHeaders("/admin/users", "GET", null,
                "Authorization", server.adminAuthorization(),
                "Authorization", EmbeddedTokenServer.basic("admin", "wrong"));

        // VERIFY
        Assertions.assertEquals(400, response.statusCode(), response.body());
        Assertions.assertEquals("invalid_request", EmbeddedTokenServer.json(response).get("error").asText());
        Assertions.assertFalse(response.body().contains("\"username\""), response.body());
    }

    @Test
    public void createUserWhenBodyHasContentAfterTheObjectThenBadRequestAndNoUser() {
        // TEST
        HttpResponse<String> trailing = server.admin("POST", "/users",
                "{\"username\":\"trailer\",\"password\":\"Vq8#zLm2$wKp7!rTn4\"} {\"roles\":[\"admin\"]}");
        HttpResponse<String> garbage = server.admin("POST", "/users",
                "{\"username\":\"trailer\",\"password\":\"Vq8#zLm2$wKp7!rTn4\"}xx");

        // VERIFY
        Assertions.assertEquals(400, trailing.statusCode(), trailing.body());
        Assertions.assertEquals("invalid_request", EmbeddedTokenServer.json(trailing).get("error").asText());
        Assertions.assertEquals(400, garbage.statusCode(), garbage.body());
        Assertions.assertEquals(404, server.admin("GET", "/users/trailer", null).statusCode());
    }

    @Test
    public void createUserWhenNameGivenTwiceThenBadRequestAndNoUser() {
        // TEST
        HttpResponse<String> response = server.admin("POST", "/users",
                "{\"username\":\"first-name\",\"username\":\"second-name\",\"password\":\"Vq8#zLm2$wKp7!rTn4\"}");

        // VERIFY
        Assertions.assertEquals(400, response.statusCode(), response.body());
        Assertions.assertEquals("invalid_request", EmbeddedTokenServer.json(response).get("error").asText());
        Assertions.assertEquals(404, server.admin("GET", "/users/first-name", null).statusCode());
        Assertions.assertEquals(404, server.admin("GET", "/users/second-name", null).statusCode());
    }

    @Test
    public void createUserWhenNameOrPasswordHoldsHalfASurrogatePairThenBadRequestAndNoUser() {
        // TEST
        HttpResponse<String> name = server.admin("POST", "/users",
                "{\"username\":\"half\\ud800\",\"password\":\"Vq8#zLm2$wKp7!rTn4\"}");
        HttpResponse<String> password = server.admin("POST", "/users",
                "{\"username\":\"halfpassword\",\"password\":\"Vq8#zLm2$wKp7!rTn4\\udc00\"}");
        HttpResponse<String> pair = server.admin("POST", "/users",
                "{\"username\":\"fullpair\",\"password\":\"Vq8#zLm2$wKp7!rTn4\\ud83d\\ude00\"}");

        // VERIFY
        Assertions.assertEquals(400, name.statusCode(), name.body());
        Assertions.assertEquals(400, password.statusCode(), password.body());
        Assertions.assertEquals(404, server.admin("GET", "/users/halfpassword", null).statusCode());
        Assertions.assertEquals(201, pair.statusCode(), pair.body());
    }
}
