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
package org.scopegate.token.admin;

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
 * What a user stands for, over the admin API: an owner is an existing user, a deleted user takes what it owns along
 * and leaves nothing to a new user of the same name, a new password or a disable ends the user's tokens and
 * sessions, and users and service clients never share a name.
 */
public class TestUserAdministration {

    private static final String PASSWORD = "Harbour-Violet-2291";
    private static final String NEW_PASSWORD = "Lantern-Quartz-5530";

    private static EmbeddedTokenServer server;
    private static String introspect;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("user-administration"));
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        server.setSignup(true);
        String[] introspector = server.createClient(true, "client_credentials");
        introspect = EmbeddedTokenServer.basic(introspector[0], introspector[1]);
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    public void createClientWhenOwnerIsNoUserThenRefusedAndNothingCreated() {
        // PREPARE
        int before = server.admin("GET", "/applications", null).body().length();

        // TEST
        HttpResponse<String> created = server.admin("POST", "/clients",
                "{\"name\":\"ghost's shop\",\"owner\":\"ghost\"}");
        HttpResponse<String> application = server.admin("POST", "/applications",
                "{\"name\":\"ghost's app\",\"owner\":\"ghost\"}");

        // VERIFY
        assertError(created, 400, "invalid_request");
        Assertions.assertTrue(EmbeddedTokenServer.json(created).get("error_description").asText().contains("ghost"));
        assertError(application, 400, "invalid_request");
        Assertions.assertEquals(before, server.admin("GET", "/applications", null).body().length());
    }

    @Test
    public void deleteUserWhenItOwnsApplicationsThenTheyGoWithTheirTokensAndANewUserOfTheNameInheritsNothing()
            throws Exception {
        // PREPARE: dana owns an application with a key set, has a token and a session
        server.createUser("dana", PASSWORD);
        JsonNode app = EmbeddedTokenServer.json(server.admin("POST", "/clients",
                "{\"name\":\"dana's shop\",\"owner\":\"dana\",\"grant_types\":[\"password\",\"client_credentials\"]}"));
        Assertions.assertEquals("dana", app.get("owner").asText());
        String basic = EmbeddedTokenServer.basic(app.get("client_id").asText(), app.get("client_secret").asText());
        String userToken = accessToken(server.postForm("", basic, "grant_type=password&username=dana&password="
                + PASSWORD));
        String clientToken = accessToken(server.postForm("", basic, "grant_type=client_credentials"));
        SessionClient session = new SessionClient(server).signedIn("dana", PASSWORD);
        Assertions.assertEquals(1, session.expect(200, "GET", "/api/applications", null).size());

        // TEST
        Assertions.assertEquals(204, server.admin("DELETE", "/users/dana", null).statusCode());

        // VERIFY: the application, its key set and every token are gone; the session too
        Assertions.assertEquals(404, server.admin("GET", "/clients/" + app.get("client_id").asText(), null)
                .statusCode());
        Assertions.assertEquals(404, server.admin("GET", "/applications/" + app.get("application_id").asText(), null)
                .statusCode());
        Assertions.assertFalse(active(userToken));
        Assertions.assertFalse(active(clientToken));
        Assertions.assertEquals(401, session.call("GET", "/api/applications", null).statusCode());
        // A new dana is someone else: no application, no session of the old one, not a Registered User
        Assertions.assertEquals(201, server.signup("dana", PASSWORD).statusCode());
        SessionClient newDana = new SessionClient(server).signedIn("dana", PASSWORD);
        Assertions.assertEquals(0, newDana.expect(200, "GET", "/api/applications", null).size());
        Assertions.assertEquals(401, session.call("GET", "/api/applications", null).statusCode(),
                "the old session passes for the new dana");
    }

    @Test
    public void patchUserWhenNewPasswordThenTokensRevokedAndSessionsEnded() throws Exception {
        // PREPARE
        server.createUser("erin", PASSWORD);
        String[] client = server.createClient(false, "password", "refresh_token");
        String basic = EmbeddedTokenServer.basic(client[0], client[1]);
        JsonNode tokens = EmbeddedTokenServer.json(server.postForm("", basic,
                "grant_type=password&username=erin&password=" + PASSWORD));
        SessionClient session = new SessionClient(server).signedIn("erin", PASSWORD);

        // TEST
        Assertions.assertEquals(200, server.admin("PATCH", "/users/erin",
                "{\"password\":\"" + NEW_PASSWORD + "\"}").statusCode());

        // VERIFY
        Assertions.assertFalse(active(tokens.get("access_token").asText()));
        assertError(server.postForm("", basic, "grant_type=refresh_token&refresh_token="
                + tokens.get("refresh_token").asText()), 400, "invalid_grant");
        Assertions.assertEquals(401, session.call("GET", "/api/applications", null).statusCode());
        Assertions.assertEquals(200, new SessionClient(server).signIn("erin", NEW_PASSWORD).statusCode());
    }

    @Test
    public void patchUserWhenDisabledThenSessionsEndedAndEnablingGivesThemNotBack() {
        // PREPARE
        server.createUser("fay", PASSWORD);
        SessionClient session = new SessionClient(server).signedIn("fay", PASSWORD);

        // TEST
        server.admin("PATCH", "/users/fay", "{\"enabled\":false}");
        server.admin("PATCH", "/users/fay", "{\"enabled\":true}");

        // VERIFY
        Assertions.assertEquals(401, session.call("GET", "/api/applications", null).statusCode());
    }

    @Test
    public void createUserWhenAClientHasTheNameInAnyCaseThenConflict() {
        // PREPARE
        server.admin("POST", "/clients", "{\"name\":\"svc\",\"client_id\":\"Billing-Service\","
                + "\"grant_types\":[\"client_credentials\"]}");

        // TEST
        HttpResponse<String> user = server.admin("POST", "/users",
                "{\"username\":\"billing-service\",\"password\":\"" + PASSWORD + "\"}");
        HttpResponse<String> signup = server.signup("BILLING-SERVICE", PASSWORD);

        // VERIFY
        assertError(user, 409, "conflict");
        Assertions.assertEquals(409, signup.statusCode(), signup.body());
        Assertions.assertEquals(404, server.admin("GET", "/users/billing-service", null).statusCode());
    }

    @Test
    public void createClientWhenAUserHasTheIdAsNameInAnyCaseThenConflict() {
        // PREPARE
        server.createUser("Reporting", PASSWORD);

        // TEST
        HttpResponse<String> client = server.admin("POST", "/clients", "{\"name\":\"svc\",\"client_id\":\"REPORTING\","
                + "\"grant_types\":[\"client_credentials\"]}");

        // VERIFY
        assertError(client, 409, "conflict");
        Assertions.assertEquals(404, server.admin("GET", "/clients/REPORTING", null).statusCode());
    }

    @Test
    public void createUserWhenNameOfADeletedClientThenAllowed() {
        // PREPARE
        server.admin("POST", "/clients", "{\"name\":\"old\",\"client_id\":\"retired-svc\","
                + "\"grant_types\":[\"client_credentials\"]}");
        Assertions.assertEquals(204, server.admin("DELETE", "/clients/retired-svc", null).statusCode());

        // TEST
        HttpResponse<String> user = server.admin("POST", "/users",
                "{\"username\":\"retired-svc\",\"password\":\"" + PASSWORD + "\"}");

        // VERIFY
        Assertions.assertEquals(201, user.statusCode(), user.body());
    }

    @Test
    public void createOrPatchUserWhenPasswordEasyToGuessThenWeakPasswordAndNothingChanged() {
        // PREPARE
        server.createUser("sven", PASSWORD);

        // TEST
        HttpResponse<String> created = server.admin("POST", "/users",
                "{\"username\":\"tina\",\"password\":\"Password123!\"}");
        HttpResponse<String> patched = server.admin("PATCH", "/users/sven", "{\"password\":\"Password123!\"}");

        // VERIFY
        assertError(created, 400, "weak_password");
        Assertions.assertTrue(EmbeddedTokenServer.json(created).get("error_description").asText()
                .contains("too easy to guess"), created.body());
        Assertions.assertEquals(404, server.admin("GET", "/users/tina", null).statusCode());
        assertError(patched, 400, "weak_password");
        Assertions.assertEquals(200, new SessionClient(server).signIn("sven", PASSWORD).statusCode(),
                "the old password still works");
    }

    @Test
    public void patchUserWhenUnknownThenNotFoundWhateverThePassword() {
        // TEST
        HttpResponse<String> weak = server.admin("PATCH", "/users/nobody-here", "{\"password\":\"Password123!\"}");
        HttpResponse<String> strong = server.admin("PATCH", "/users/nobody-here", "{\"password\":\"" + PASSWORD + "\"}");

        // VERIFY
        assertError(weak, 404, "not_found");
        assertError(strong, 404, "not_found");
        Assertions.assertEquals(404, server.admin("GET", "/users/nobody-here", null).statusCode());
    }

    @Test
    public void createUserWhenNameTakenThenConflictWhateverThePasswordAndNoHash() {
        // PREPARE
        server.createUser("ulla", PASSWORD);
        long hashes = EmbeddedTokenServer.json(server.admin("GET", "/password-hash", null)).get("hashes").asLong();

        // TEST
        HttpResponse<String> weak = server.admin("POST", "/users", "{\"username\":\"ULLA\",\"password\":\"Password123!\"}");
        HttpResponse<String> strong = server.admin("POST", "/users",
                "{\"username\":\"ulla\",\"password\":\"" + PASSWORD + "x\"}");

        // VERIFY
        assertError(weak, 409, "conflict");
        assertError(strong, 409, "conflict");
        Assertions.assertEquals(hashes,
                EmbeddedTokenServer.json(server.admin("GET", "/password-hash", null)).get("hashes").asLong());
        Assertions.assertEquals(200, new SessionClient(server).signIn("ulla", PASSWORD).statusCode(),
                "the user is unchanged");
    }

    @Test
    public void createUserWhenNamedAdminThenConflict() {
        // TEST
        HttpResponse<String> user = server.admin("POST", "/users",
                "{\"username\":\"Admin\",\"password\":\"" + PASSWORD + "\"}");

        // VERIFY: the administrator's name at the sign-in of the pages
        assertError(user, 409, "conflict");
    }

    private static boolean active(String token) {
        return EmbeddedTokenServer.json(server.postForm("/introspect", introspect, "token=" + token)).get("active")
                .asBoolean();
    }

    private static String accessToken(HttpResponse<String> response) {
        Assertions.assertEquals(200, response.statusCode(), response.body());
        return EmbeddedTokenServer.json(response).get("access_token").asText();
    }

    private static void assertError(HttpResponse<String> response, int status, String error) {
        Assertions.assertEquals(status, response.statusCode(), response.body());
        Assertions.assertEquals(error, EmbeddedTokenServer.json(response).get("error").asText(), response.body());
    }
}
