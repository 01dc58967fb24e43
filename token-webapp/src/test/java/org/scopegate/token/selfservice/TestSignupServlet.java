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
package org.scopegate.token.selfservice;

import java.net.http.HttpResponse;
import java.nio.file.Files;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;
import org.scopegate.token.SessionClient;

/**
 * Self sign-up over HTTP: the switch, the rules, duplicates.
 */
public class TestSignupServlet {

    private static final String GOOD_PASSWORD = "violet-harbour-42-tram";

    private static EmbeddedTokenServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-signup"));
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    public void signupWhenSwitchedOffThenForbiddenAndNoUser() {
        // PREPARE
        server.setSignup(false);

        // TEST
        HttpResponse<String> response = server.signup("offuser", GOOD_PASSWORD);

        // VERIFY
        Assertions.assertEquals(403, response.statusCode(), response.body());
        Assertions.assertEquals("signup_disabled", EmbeddedTokenServer.json(response).get("error").asText());
        Assertions.assertEquals(404, server.admin("GET", "/users/offuser", null).statusCode());
        Assertions.assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    public void signupWhenNeverSwitchedThenOffByDefault() throws Exception {
        // PREPARE
        EmbeddedTokenServer fresh = new EmbeddedTokenServer(Files.createTempDirectory("token-signup-fresh"));
        try {
            fresh.start();

            // TEST
            HttpResponse<String> state = fresh.send("/signup", "GET", null, null, null);
            HttpResponse<String> setting = fresh.admin("GET", "/settings/signup", null);

            // VERIFY
            Assertions.assertFalse(EmbeddedTokenServer.json(state).get("enabled").asBoolean());
            Assertions.assertEquals(10, EmbeddedTokenServer.json(state).get("password_min_length").asInt());
            Assertions.assertEquals("{\"enabled\":false}", setting.body());
            Assertions.assertEquals(403, fresh.signup("someone", GOOD_PASSWORD).statusCode());
        } finally {
            fresh.stopAndDelete();
        }
    }

    @Test
    public void signupWhenOnThenCreatedWithDefaultRolesAndCanSignIn() {
        // PREPARE
        server.setSignup(true);

        // TEST
        HttpResponse<String> response = server.signup("Carol.New", GOOD_PASSWORD);

        // VERIFY
        Assertions.assertEquals(201, response.statusCode(), response.body());
        JsonNode body = EmbeddedTokenServer.json(response);
        Assertions.assertEquals("Carol.New", body.get("username").asText());
        Assertions.assertEquals("[\"subscriber\"]", body.get("roles").toString());
        JsonNode user = EmbeddedTokenServer.json(server.admin("GET", "/users/carol.new", null));
        Assertions.assertTrue(user.get("enabled").asBoolean());
        Assertions.assertEquals(200, new SessionClient(server).signIn("carol.new", GOOD_PASSWORD).statusCode());
    }

    @Test
    public void signupWhenNameTakenInOtherCaseThenConflict() {
        // PREPARE
        server.setSignup(true);
        Assertions.assertEquals(201, server.signup("dave", GOOD_PASSWORD).statusCode());

        // TEST
        HttpResponse<String> response = server.signup("DAVE", "another-Quill-4410-long");

        // VERIFY
        Assertions.assertEquals(409, response.statusCode(), response.body());
        Assertions.assertEquals("conflict", EmbeddedTokenServer.json(response).get("error").asText());
        Assertions.assertEquals(200, new SessionClient(server).signIn("dave", GOOD_PASSWORD).statusCode());
    }

    @Test
    public void signupWhenPasswordBreaksEachRuleThenBadRequestWithReason() {
        // PREPARE
        server.setSignup(true);
        String[][] cases = { { "short-9", "at least 10" }, { "xx-erin-2025-yy", "user name" },
                { "Password123", "common" } };

        for (String[] c : cases) {
            // TEST
            HttpResponse<String> response = server.signup("erin", c[0]);

            // VERIFY
            Assertions.assertEquals(400, response.statusCode(), response.body());
            JsonNode body = EmbeddedTokenServer.json(response);
            Assertions.assertEquals("weak_password", body.get("error").asText());
            Assertions.assertTrue(body.get("error_description").asText().contains(c[1]), response.body());
        }
        Assertions.assertEquals(404, server.admin("GET", "/users/erin", null).statusCode());
    }

    @Test
    public void signupWhenReservedOrInvalidNameThenBadRequest() {
        // PREPARE
        server.setSignup(true);

        // TEST
        HttpResponse<String> reserved = server.signup("Admin", GOOD_PASSWORD);
        HttpResponse<String> invalid = server.signup("a b", GOOD_PASSWORD);

        // VERIFY
        Assertions.assertEquals(400, reserved.statusCode());
        Assertions.assertEquals("invalid_username", EmbeddedTokenServer.json(reserved).get("error").asText());
        Assertions.assertTrue(reserved.body().contains("reserved"));
        Assertions.assertEquals(400, invalid.statusCode());
        Assertions.assertEquals("invalid_username", EmbeddedTokenServer.json(invalid).get("error").asText());
    }

    @Test
    public void signupWhenParameterMissingOrNotFormThenInvalidRequest() {
        // PREPARE
        server.setSignup(true);

        // TEST
        HttpResponse<String> missing = server.postForm("/signup", null, "username=frank");
        HttpResponse<String> json = server.send("/signup", "POST", null, "application/json",
                "{\"username\":\"frank\",\"password\":\"" + GOOD_PASSWORD + "\"}");

        // VERIFY
        Assertions.assertEquals(400, missing.statusCode());
        Assertions.assertEquals("invalid_request", EmbeddedTokenServer.json(missing).get("error").asText());
        Assertions.assertEquals(400, json.statusCode());
    }

    @Test
    public void settingsWhenPutInvalidThenBadRequest() {
        // TEST
        HttpResponse<String> response = server.admin("PUT", "/settings/signup", "{\"enabled\":\"yes\"}");
        HttpResponse<String> other = server.admin("GET", "/settings/other", null);

        // VERIFY
        Assertions.assertEquals(400, response.statusCode());
        Assertions.assertEquals(404, other.statusCode());
    }
}
