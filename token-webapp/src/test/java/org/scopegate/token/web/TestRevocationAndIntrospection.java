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

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;
import org.scopegate.token.crypto.Digests;

/**
 * Revocation (RFC 7009), introspection (RFC 7662), the revocation feed and metadata (RFC 8414) over HTTP, and the
 * admin operations that revoke tokens.
 */
public class TestRevocationAndIntrospection {

    private static EmbeddedTokenServer server;
    private static String app;
    private static String other;
    private static String introspector;
    private static String[] appCredentials;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-revocation"));
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        server.createScope("read");
        server.createUser("alice", "Granite-Heron-7741", "reader");
        server.createUser("erin", "Granite-Heron-7741", "reader");
        appCredentials = server.createClient(false, "password", "refresh_token", "client_credentials");
        app = EmbeddedTokenServer.basic(appCredentials[0], appCredentials[1]);
        String[] o = server.createClient(false, "password", "refresh_token");
        other = EmbeddedTokenServer.basic(o[0], o[1]);
        String[] i = server.createClient(true, "client_credentials");
        introspector = EmbeddedTokenServer.basic(i[0], i[1]);
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    private static JsonNode login(String authorization, String user) {
        HttpResponse<String> response = server.postForm("", authorization,
                "grant_type=password&username=" + user + "&password=Granite-Heron-7741&scope=read");
        Assertions.assertEquals(200, response.statusCode(), response.body());
        return EmbeddedTokenServer.json(response);
    }

    private static JsonNode introspect(String token) {
        HttpResponse<String> response = server.postForm("/introspect", introspector, "token=" + token);
        Assertions.assertEquals(200, response.statusCode(), response.body());
        TestTokenServlet.assertNoStore(response);
        return EmbeddedTokenServer.json(response);
    }

    @Test
    public void introspectWhenAccessTokenLiveThenActiveWithClaims() {
        // PREPARE
        JsonNode tokens = login(app, "alice");

        // TEST
        JsonNode answer = introspect(tokens.get("access_token").asText());

        // VERIFY
        Assertions.assertTrue(answer.get("active").asBoolean());
        Assertions.assertEquals("read", answer.get("scope").asText());
        Assertions.assertEquals(appCredentials[0], answer.get("client_id").asText());
        Assertions.assertEquals("alice", answer.get("username").asText());
        Assertions.assertEquals("alice", answer.get("sub").asText());
        Assertions.assertEquals("Bearer", answer.get("token_type").asText());
        Assertions.assertEquals(3600, answer.get("exp").asLong() - answer.get("iat").asLong());
    }

    @Test
    public void introspectWhenClientCredentialsTokenThenSubIsClientAndNoUsername() {
        // PREPARE
        String token = EmbeddedTokenServer.json(server.postForm("", app, "grant_type=client_credentials"))
                .get("access_token").asText();

        // TEST
        JsonNode answer = introspect(token);

        // VERIFY
        Assertions.assertEquals(appCredentials[0], answer.get("sub").asText());
        Assertions.assertNull(answer.get("username"));
    }

    @Test
    public void introspectWhenUnknownOrRefreshTokenThenExactlyInactive() {
        // PREPARE
        JsonNode tokens = login(app, "alice");

        // TEST
        HttpResponse<String> unknown = server.postForm("/introspect", introspector, "token=unknown");
        HttpResponse<String> refresh = server.postForm("/introspect", introspector,
                "token=" + tokens.get("refresh_token").asText());

        // VERIFY
        Assertions.assertEquals("{\"active\":false}", unknown.body());
        Assertions.assertEquals("{\"active\":false}", refresh.body());
    }

    @Test
    public void introspectWhenCallerMayNotIntrospectThenForbidden() {
        // TEST
        HttpResponse<String> response = server.postForm("/introspect", app, "token=x");

        // VERIFY
        TestTokenServlet.assertError(response, 403, "unauthorized_client");
    }

    @Test
    public void introspectWhenCallerUnauthenticatedThenInvalidClient() {
        // TEST
        HttpResponse<String> response = server.postForm("/introspect", null, "token=x");

        // VERIFY
        TestTokenServlet.assertError(response, 401, "invalid_client");
    }

    @Test
    public void revokeWhenAccessTokenOfCallerThenInactiveAndFeedHasTokenEvent() {
        // PREPARE
        String token = login(app, "alice").get("access_token").asText();
        long cursor = EmbeddedTokenServer.json(server.send("/revocations", "GET", introspector, null, null))
                .get("cursor").asLong();

        // TEST
        HttpResponse<String> response = server.postForm("/revoke", app, "token=" + token);

        // VERIFY
        Assertions.assertEquals(200, response.statusCode());
        Assertions.assertEquals("", response.body());
        Assertions.assertFalse(introspect(token).get("active").asBoolean());
        JsonNode feed = EmbeddedTokenServer.json(server.send("/revocations?after=" + cursor, "GET", introspector,
                null, null));
        Assertions.assertFalse(feed.get("reset").asBoolean());
        Assertions.assertEquals("token", feed.get("events").get(0).get("type").asText());
        Assertions.assertEquals(Digests.sha256Hex(token), feed.get("events").get(0).get("value").asText());
        Assertions.assertTrue(feed.get("cursor").asLong() > cursor);
    }

    @Test
    public void revokeWhenTokenUnknownThenEmptyOk() {
        // TEST
        HttpResponse<String> response = server.postForm("/revoke", app, "token=unknown&token_type_hint=access_token");

        // VERIFY
        Assertions.assertEquals(200, response.statusCode());
        TestTokenServlet.assertNoStore(response);
    }

    @Test
    public void revokeWhenTokenOfAnotherApplicationThenRefusedAndUntouched() {
        // PREPARE
        String token = login(app, "alice").get("access_token").asText();

        // TEST
        HttpResponse<String> response = server.postForm("/revoke", other, "token=" + token);

        // VERIFY: RFC 7009 section 2.1, the request is refused and the client told so
        Assertions.assertEquals(400, response.statusCode());
        Assertions.assertEquals("unauthorized_client", EmbeddedTokenServer.json(response).get("error").asText());
        TestTokenServlet.assertNoStore(response);
        Assertions.assertTrue(introspect(token).get("active").asBoolean());
    }

    @Test
    public void revokeWhenRefreshTokenThenWholeFamilyRevoked() {
        // PREPARE
        JsonNode first = login(app, "alice");
        JsonNode second = EmbeddedTokenServer.json(server.postForm("", app,
                "grant_type=refresh_token&refresh_token=" + first.get("refresh_token").asText()));

        // TEST
        HttpResponse<String> response = server.postForm("/revoke", app,
                "token=" + second.get("refresh_token").asText());

        // VERIFY
        Assertions.assertEquals(200, response.statusCode());
        Assertions.assertFalse(introspect(first.get("access_token").asText()).get("active").asBoolean());
        Assertions.assertFalse(introspect(second.get("access_token").asText()).get("active").asBoolean());
        TestTokenServlet.assertError(server.postForm("", app, "grant_type=refresh_token&refresh_token="
                + second.get("refresh_token").asText()), 400, "invalid_grant");
    }

    @Test
    public void revokeWhenTokenMissingThenInvalidRequest() {
        // TEST
        HttpResponse<String> response = server.postForm("/revoke", app, "token_type_hint=access_token");

        // VERIFY
        TestTokenServlet.assertError(response, 400, "invalid_request");
    }

    @Test
    public void revokeWhenGetThenMethodNotAllowed() {
        // TEST
        HttpResponse<String> response = server.send("/revoke", "GET", app, null, null);

        // VERIFY
        TestTokenServlet.assertError(response, 405, "invalid_request");
        Assertions.assertEquals("POST", response.headers().firstValue("Allow").orElse(""));
    }

    @Test
    public void reuseWhenRefreshPresentedTwiceThenAccessTokensRevokedWithTokenEvents() {
        // PREPARE
        JsonNode first = login(app, "alice");
        server.postForm("", app, "grant_type=refresh_token&refresh_token=" + first.get("refresh_token").asText());
        long cursor = EmbeddedTokenServer.json(server.send("/revocations", "GET", introspector, null, null))
                .get("cursor").asLong();

        // TEST
        server.postForm("", app, "grant_type=refresh_token&refresh_token=" + first.get("refresh_token").asText());

        // VERIFY
        Assertions.assertFalse(introspect(first.get("access_token").asText()).get("active").asBoolean());
        JsonNode feed = EmbeddedTokenServer.json(server.send("/revocations?after=" + cursor, "GET", introspector,
                null, null));
        Assertions.assertEquals(2, feed.get("events").size());
    }

    @Test
    public void feedWhenNoCursorThenCurrentCursorAndNoEvents() {
        // TEST
        HttpResponse<String> response = server.send("/revocations", "GET", introspector, null, null);

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
        TestTokenServlet.assertNoStore(response);
        JsonNode feed = EmbeddedTokenServer.json(response);
        Assertions.assertTrue(feed.get("cursor").isNumber());
        Assertions.assertFalse(feed.get("reset").asBoolean());
        Assertions.assertEquals(0, feed.get("events").size());
    }

    @Test
    public void feedWhenCursorAheadOfStoreThenReset() {
        // TEST
        JsonNode feed = EmbeddedTokenServer.json(server.send("/revocations?after=999999999", "GET", introspector,
                null, null));

        // VERIFY
        Assertions.assertTrue(feed.get("reset").asBoolean());
        Assertions.assertEquals(0, feed.get("events").size());
    }

    @Test
    public void feedWhenCallerMayNotIntrospectThenForbidden() {
        // TEST
        HttpResponse<String> response = server.send("/revocations?after=-1", "GET", app, null, null);

        // VERIFY
        TestTokenServlet.assertError(response, 403, "unauthorized_client");
    }

    @Test
    public void feedWhenCursorNotNumberThenInvalidRequest() {
        // TEST
        HttpResponse<String> response = server.send("/revocations?after=abc", "GET", introspector, null, null);

        // VERIFY
        TestTokenServlet.assertError(response, 400, "invalid_request");
    }

    @Test
    public void adminWhenUserDisabledThenTokensInactiveAndUserEvent() {
        // PREPARE
        String token = login(app, "erin").get("access_token").asText();
        long cursor = EmbeddedTokenServer.json(server.send("/revocations", "GET", introspector, null, null))
                .get("cursor").asLong();

        // TEST
        server.admin("PATCH", "/users/erin", "{\"enabled\":false}");

        // VERIFY
        Assertions.assertFalse(introspect(token).get("active").asBoolean());
        JsonNode feed = EmbeddedTokenServer.json(server.send("/revocations?after=" + cursor, "GET", introspector,
                null, null));
        Assertions.assertEquals("user", feed.get("events").get(0).get("type").asText());
        Assertions.assertEquals("erin", feed.get("events").get(0).get("value").asText());
        server.admin("PATCH", "/users/erin", "{\"enabled\":true}");
    }

    @Test
    public void adminWhenRoleRemovedThenTokensInactive() {
        // PREPARE
        server.createUser("frank", "Granite-Heron-7741", "reader", "writer");
        String token = login(app, "frank").get("access_token").asText();

        // TEST
        server.admin("PATCH", "/users/frank", "{\"roles\":[\"reader\"]}");

        // VERIFY
        Assertions.assertFalse(introspect(token).get("active").asBoolean());
    }

    @Test
    public void adminWhenSecretRegeneratedThenTokensInactiveAndOldSecretRefused() {
        // PREPARE
        String[] victim = server.createClient(false, "password");
        String oldAuth = EmbeddedTokenServer.basic(victim[0], victim[1]);
        String token = login(oldAuth, "alice").get("access_token").asText();

        // TEST
        HttpResponse<String> response = server.admin("POST", "/clients/" + victim[0] + "/secret", null);

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
        String newSecret = EmbeddedTokenServer.json(response).get("client_secret").asText();
        Assertions.assertFalse(introspect(token).get("active").asBoolean());
        TestTokenServlet.assertError(server.postForm("", oldAuth, "grant_type=password&username=alice&password=Granite-Heron-7741"),
                401, "invalid_client");
        login(EmbeddedTokenServer.basic(victim[0], newSecret), "alice");
    }

    @Test
    public void adminWhenApplicationDeletedThenTokensInactiveAndClientEvent() {
        // PREPARE
        String[] victim = server.createClient(false, "password");
        String token = login(EmbeddedTokenServer.basic(victim[0], victim[1]), "alice").get("access_token").asText();
        long cursor = EmbeddedTokenServer.json(server.send("/revocations", "GET", introspector, null, null))
                .get("cursor").asLong();

        // TEST
        HttpResponse<String> response = server.admin("DELETE", "/clients/" + victim[0], null);

        // VERIFY
        Assertions.assertEquals(204, response.statusCode());
        Assertions.assertFalse(introspect(token).get("active").asBoolean());
        JsonNode feed = EmbeddedTokenServer.json(server.send("/revocations?after=" + cursor, "GET", introspector,
                null, null));
        Assertions.assertEquals("client", feed.get("events").get(0).get("type").asText());
        Assertions.assertEquals(victim[0], feed.get("events").get(0).get("value").asText());
    }

    @Test
    public void metadataWhenGetThenEndpointsDerivedFromTheServersConfiguration() {
        // PREPARE: no issuer configured: the Tomcat Host's name and the connector's scheme and port
        String issuer = "http://localhost:" + server.port() + "/token";

        // TEST
        HttpResponse<String> response = server.send("/.well-known/oauth-authorization-server", "GET", null, null,
                null);

        // VERIFY
        Assertions.assertEquals(200, response.statusCode());
        JsonNode metadata = EmbeddedTokenServer.json(response);
        Assertions.assertEquals(issuer, metadata.get("issuer").asText());
        Assertions.assertEquals(issuer, metadata.get("token_endpoint").asText());
        Assertions.assertEquals(issuer + "/revoke", metadata.get("revocation_endpoint").asText());
        Assertions.assertEquals(issuer + "/introspect", metadata.get("introspection_endpoint").asText());
        Assertions.assertEquals("[\"password\",\"refresh_token\",\"client_credentials\"]",
                metadata.get("grant_types_supported").toString());
        Assertions.assertEquals("[\"client_secret_basic\",\"client_secret_post\"]",
                metadata.get("token_endpoint_auth_methods_supported").toString());
    }
}
