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
 * The operations of the administration page: the admin API under {@code /api/admin/}, with the administrator's
 * session (signed in as {@code admin} with the admin secret) and its CSRF token.
 */
public class TestAdminPageApi {

    private static final String PASSWORD = "violet-harbour-42-tram";

    private static EmbeddedTokenServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-adminpage"));
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        server.createScope("read", "subscriber");
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    public void signInWhenAdminSecretThenAdminSession() {
        // PREPARE
        SessionClient admin = new SessionClient(server);

        // TEST
        HttpResponse<String> response = admin.signIn("admin", server.adminSecret());

        // VERIFY
        Assertions.assertEquals(200, response.statusCode());
        JsonNode session = EmbeddedTokenServer.json(response);
        Assertions.assertTrue(session.get("admin").asBoolean());
        Assertions.assertEquals("admin", session.get("username").asText());
        Assertions.assertEquals(403, admin.call("GET", "/api/applications", null).statusCode(),
                "the administrator has no applications of their own");
    }

    @Test
    public void signInWhenWrongAdminSecretThenUnauthorized() {
        // TEST
        HttpResponse<String> response = new SessionClient(server).signIn("ADMIN", "not-the-secret");

        // VERIFY
        Assertions.assertEquals(401, response.statusCode());
        Assertions.assertEquals("invalid_credentials", EmbeddedTokenServer.json(response).get("error").asText());
    }

    @Test
    public void adminPageApiWhenUserOrNobodyThenUnauthorized() {
        // PREPARE
        server.createUser("plainuser", PASSWORD, "subscriber");
        SessionClient user = new SessionClient(server).signedIn("plainuser", PASSWORD);

        // TEST
        HttpResponse<String> asUser = user.call("GET", "/api/admin/users", null);
        HttpResponse<String> asNobody = new SessionClient(server).call("GET", "/api/admin/users", null);
        HttpResponse<String> basicThere = server.send("/api/admin/users", "GET",
                EmbeddedTokenServer.basic("admin", server.adminSecret()), null, null);

        // VERIFY
        Assertions.assertEquals(401, asUser.statusCode());
        Assertions.assertEquals(401, asNobody.statusCode());
        Assertions.assertFalse(asNobody.headers().firstValue("WWW-Authenticate").isPresent());
        Assertions.assertEquals(401, basicThere.statusCode(), "the page API takes the session only");
    }

    @Test
    public void signupSwitchWhenChangedFromPageThenNeedsCsrfAndApplies() {
        // PREPARE
        SessionClient admin = new SessionClient(server).signedIn("admin", server.adminSecret());

        // TEST
        HttpResponse<String> noCsrf = admin.send("PUT", "/api/admin/settings/signup", "{\"enabled\":true}", null);
        JsonNode on = admin.expect(200, "PUT", "/api/admin/settings/signup", "{\"enabled\":true}");

        // VERIFY
        Assertions.assertEquals(403, noCsrf.statusCode());
        Assertions.assertTrue(on.get("enabled").asBoolean());
        Assertions.assertEquals(201, server.signup("newcomer", PASSWORD).statusCode());
        admin.expect(200, "PUT", "/api/admin/settings/signup", "{\"enabled\":false}");
        Assertions.assertEquals(403, server.signup("latecomer", PASSWORD).statusCode());
    }

    @Test
    public void usersWhenDisabledUnlockedAndRolesChangedFromPageThenApplied() {
        // PREPARE
        server.createUser("managed", PASSWORD, "subscriber");
        SessionClient admin = new SessionClient(server).signedIn("admin", server.adminSecret());
        for (int i = 0; i < 5; i++) {
            new SessionClient(server).signIn("managed", "wrong-" + i);
        }

        // TEST
        admin.expect(204, "POST", "/api/admin/users/managed/unlock", null);
        JsonNode roles = admin.expect(200, "PATCH", "/api/admin/users/managed", "{\"roles\":[\"subscriber\","
                + "\"writer\"]}");
        JsonNode disabled = admin.expect(200, "PATCH", "/api/admin/users/managed", "{\"enabled\":false}");

        // VERIFY
        Assertions.assertEquals("[\"subscriber\",\"writer\"]", roles.get("roles").toString());
        Assertions.assertTrue(roles.get("locked_until").isNull());
        Assertions.assertFalse(disabled.get("enabled").asBoolean());
        Assertions.assertEquals(401, new SessionClient(server).signIn("managed", PASSWORD).statusCode());
        Assertions.assertTrue(admin.expect(200, "GET", "/api/admin/users", null).toString().contains("managed"));
    }

    @Test
    public void scopesAndApplicationsWhenManagedFromPageThenApplied() {
        // PREPARE
        server.createUser("owner1", PASSWORD, "subscriber");
        SessionClient owner = new SessionClient(server).signedIn("owner1", PASSWORD);
        String id = owner.expect(201, "POST", "/api/applications", "{\"name\":\"owned\"}").get("id").asText();
        JsonNode keys = owner.expect(201, "POST", "/api/applications/" + id + "/keys/PRODUCTION", null);
        owner.expect(200, "POST", "/api/applications/" + id + "/keys/PRODUCTION/tokens", "{\"scope\":\"read\"}");
        SessionClient admin = new SessionClient(server).signedIn("admin", server.adminSecret());

        // TEST
        admin.expect(201, "POST", "/api/admin/scopes", "{\"name\":\"orders\",\"roles\":[\"subscriber\"]}");
        JsonNode patched = admin.expect(200, "PATCH", "/api/admin/scopes/orders", "{\"roles\":[\"reader\"]}");
        JsonNode apps = admin.expect(200, "GET", "/api/admin/applications", null);
        JsonNode stats = admin.expect(200, "GET", "/api/admin/applications/" + id + "/stats", null);
        JsonNode byClient = admin.expect(200, "GET", "/api/admin/stats/" + keys.get("client_id").asText(), null);
        admin.expect(204, "DELETE", "/api/admin/applications/" + id, null);

        // VERIFY
        Assertions.assertEquals("[\"reader\"]", patched.get("roles").toString());
        Assertions.assertTrue(apps.toString().contains("\"owner\":\"owner1\""), apps.toString());
        Assertions.assertEquals(1, stats.get("registered_users").asLong());
        Assertions.assertEquals(stats, byClient);
        Assertions.assertEquals(404, owner.call("GET", "/api/applications/" + id, null).statusCode());
    }

    @Test
    public void adminClientApiWhenClientDeletedThenItsApplicationGoesToo() {
        // PREPARE
        String[] client = server.createClient(false, "password");
        JsonNode view = EmbeddedTokenServer.json(server.admin("GET", "/clients/" + client[0], null));
        long application = view.get("application_id").asLong();

        // TEST
        HttpResponse<String> before = server.admin("GET", "/applications/" + application, null);
        server.admin("DELETE", "/clients/" + client[0], null);
        HttpResponse<String> after = server.admin("GET", "/applications/" + application, null);

        // VERIFY
        Assertions.assertEquals("PRODUCTION", view.get("key_type").asText());
        Assertions.assertEquals(200, before.statusCode());
        Assertions.assertEquals(404, after.statusCode());
    }
}
