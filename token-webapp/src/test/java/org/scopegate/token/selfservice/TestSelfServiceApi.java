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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;
import org.scopegate.token.SessionClient;

/**
 * The self-service API of the pages: sessions, CSRF, applications and keys, tokens from the page, ownership,
 * statistics.
 */
public class TestSelfServiceApi {

    private static final String PASSWORD = "violet-harbour-42-tram";
    private static final AtomicInteger USERS = new AtomicInteger();

    private static EmbeddedTokenServer server;
    private static String[] introspector;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-selfservice"));
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        server.createScope("read", "subscriber");
        server.createScope("write", "writer");
        introspector = server.createClient(true, "client_credentials");
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    public void apiWhenNotSignedInThenUnauthorized() {
        // PREPARE
        SessionClient anonymous = new SessionClient(server);

        // TEST
        HttpResponse<String> session = anonymous.call("GET", "/api/session", null);
        HttpResponse<String> apps = anonymous.call("GET", "/api/applications", null);
        HttpResponse<String> create = anonymous.call("POST", "/api/applications", "{\"name\":\"x\"}");

        // VERIFY
        Assertions.assertEquals(401, session.statusCode());
        Assertions.assertEquals(401, apps.statusCode());
        Assertions.assertEquals("unauthorized", EmbeddedTokenServer.json(apps).get("error").asText());
        Assertions.assertEquals(401, create.statusCode());
    }

    @Test
    public void signInWhenWrongPasswordThenUnauthorizedAndLockoutApplies() {
        // PREPARE
        String name = newUser();
        SessionClient client = new SessionClient(server);

        // TEST
        for (int i = 0; i < 5; i++) {
            Assertions.assertEquals(401, client.signIn(name, "wrong-password-" + i).statusCode());
        }
        HttpResponse<String> locked = client.signIn(name, PASSWORD);

        // VERIFY
        Assertions.assertEquals(401, locked.statusCode());
        Assertions.assertEquals("invalid_credentials", EmbeddedTokenServer.json(locked).get("error").asText());
        Assertions.assertFalse(EmbeddedTokenServer.json(server.admin("GET", "/users/" + name, null))
                .get("locked_until").isNull());
        server.admin("POST", "/users/" + name + "/unlock", null);
        Assertions.assertEquals(200, client.signIn(name, PASSWORD).statusCode());
    }

    @Test
    public void signInWhenGoodThenSecureCookieAndNewSessionId() throws Exception {
        // PREPARE
        String name = newUser();
        SessionClient first = new SessionClient(server).signedIn(name, PASSWORD);
        String oldId = first.sessionCookie();

        // TEST
        HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.url() + "/api/session")).header("Content-Type", "application/json")
                .header("Cookie", "SGSESSION=" + oldId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + name + "\",\"password\":\""
                        + PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());

        // VERIFY
        Assertions.assertEquals(200, again.statusCode());
        String cookie = again.headers().firstValue("Set-Cookie").orElse("");
        Assertions.assertTrue(cookie.startsWith("SGSESSION="), cookie);
        Assertions.assertFalse(cookie.startsWith("SGSESSION=" + oldId + ";"), cookie);
        Assertions.assertTrue(cookie.contains("HttpOnly"), cookie);
        Assertions.assertTrue(cookie.contains("SameSite=Strict"), cookie);
        Assertions.assertTrue(cookie.contains("Path=/token"), cookie);
        Assertions.assertEquals(401, first.call("GET", "/api/session", null).statusCode(), "old session must end");
        Assertions.assertEquals(43, EmbeddedTokenServer.json(again).get("csrf_token").asText().length());
    }

    @Test
    public void signInWhenFormBodyThenRefused() {
        // TEST
        HttpResponse<String> response = server.postForm("/api/session", null,
                "username=someone&password=" + PASSWORD);

        // VERIFY
        Assertions.assertEquals(415, response.statusCode());
    }

    @Test
    public void changeWhenCsrfTokenMissingOrWrongThenForbiddenAndNothingChanged() {
        // PREPARE
        SessionClient user = signedInUser();

        // TEST
        HttpResponse<String> missing = user.send("POST", "/api/applications", "{\"name\":\"csrf\"}", null);
        HttpResponse<String> wrong = user.send("POST", "/api/applications", "{\"name\":\"csrf\"}", "x" + user.csrf());
        HttpResponse<String> signOut = user.send("DELETE", "/api/session", null, null);

        // VERIFY
        Assertions.assertEquals(403, missing.statusCode());
        Assertions.assertEquals("invalid_csrf_token", EmbeddedTokenServer.json(missing).get("error").asText());
        Assertions.assertEquals(403, wrong.statusCode());
        Assertions.assertEquals(403, signOut.statusCode());
        Assertions.assertEquals(0, user.expect(200, "GET", "/api/applications", null).size());
    }

    @Test
    public void generateKeysWhenCalledThenSecretShownOnceAndUsableAtTokenEndpoint() {
        // PREPARE
        String name = newUser();
        SessionClient user = new SessionClient(server).signedIn(name, PASSWORD);
        String id = createApp(user, "shop");

        // TEST
        JsonNode keys = user.expect(201, "POST", "/api/applications/" + id + "/keys/PRODUCTION", null);
        JsonNode sandbox = user.expect(201, "POST", "/api/applications/" + id + "/keys/sandbox", null);

        // VERIFY
        Assertions.assertEquals(28, keys.get("client_id").asText().length());
        Assertions.assertEquals(43, keys.get("client_secret").asText().length());
        Assertions.assertEquals("SANDBOX", sandbox.get("key_type").asText());
        HttpResponse<String> again = user.call("POST", "/api/applications/" + id + "/keys/PRODUCTION", null);
        Assertions.assertEquals(409, again.statusCode());
        String listed = user.call("GET", "/api/applications/" + id, null).body();
        Assertions.assertFalse(listed.contains("client_secret"), listed);
        Assertions.assertFalse(listed.contains(keys.get("client_secret").asText()), listed);
        Assertions.assertTrue(listed.contains(keys.get("client_id").asText()), listed);
        Assertions.assertFalse(server.admin("GET", "/applications", null).body().contains("client_secret"));
        HttpResponse<String> grant = passwordGrant(keys, name, "read");
        Assertions.assertEquals(200, grant.statusCode(), grant.body());
        Assertions.assertEquals("read", EmbeddedTokenServer.json(grant).get("scope").asText());
        Assertions.assertEquals(200, passwordGrant(sandbox, name, "read").statusCode());
    }

    @Test
    public void ownerWhenSettingTierThenForbiddenAndTierUnchanged() {
        // PREPARE
        SessionClient owner = signedInUser();
        String id = createApp(owner, "greedy");

        // TEST
        HttpResponse<String> answer = owner.call("PATCH", "/api/applications/" + id,
                "{\"tier\":\"Unlimited\",\"name\":\"renamed\"}");

        // VERIFY
        Assertions.assertEquals(403, answer.statusCode(), answer.body());
        Assertions.assertEquals("forbidden", EmbeddedTokenServer.json(answer).get("error").asText());
        JsonNode app = owner.expect(200, "GET", "/api/applications/" + id, null);
        Assertions.assertEquals("greedy", app.get("name").asText());
        Assertions.assertEquals("Unlimited", app.get("tier").asText());
    }

    @Test
    public void otherUserWhenTouchingApplicationThenNotFoundAndNothingChanged() {
        // PREPARE
        String ownerName = newUser();
        SessionClient owner = new SessionClient(server).signedIn(ownerName, PASSWORD);
        String id = createApp(owner, "mine");
        JsonNode keys = owner.expect(201, "POST", "/api/applications/" + id + "/keys/PRODUCTION", null);
        String token = EmbeddedTokenServer.json(passwordGrant(keys, ownerName, "read")).get("access_token").asText();
        String before = owner.call("GET", "/api/applications/" + id, null).body();
        SessionClient intruder = signedInUser();
        String base = "/api/applications/" + id;

        // TEST
        List<HttpResponse<String>> answers = List.of(intruder.call("GET", base, null),
                intruder.call("PATCH", base, "{\"grant_types\":[\"client_credentials\"],\"name\":\"theirs\"}"),
                intruder.call("POST", base + "/keys/PRODUCTION/secret", null),
                intruder.call("POST", base + "/keys/SANDBOX", null),
                intruder.call("POST", base + "/keys/PRODUCTION/tokens", "{\"scope\":\"read\"}"),
                intruder.call("GET", base + "/tokens", null),
                intruder.call("GET", base + "/stats", null),
                intruder.call("DELETE", base, null));

        // VERIFY
        for (HttpResponse<String> answer : answers) {
            Assertions.assertEquals(404, answer.statusCode(), answer.body());
            Assertions.assertEquals("not_found", EmbeddedTokenServer.json(answer).get("error").asText());
        }
        Assertions.assertEquals(404, intruder.call("GET", "/api/applications/999999", null).statusCode());
        Assertions.assertEquals(0, intruder.expect(200, "GET", "/api/applications", null).size());
        Assertions.assertEquals(before, owner.call("GET", "/api/applications/" + id, null).body());
        Assertions.assertTrue(introspect(token).get("active").asBoolean());
        Assertions.assertEquals(200, passwordGrant(keys, ownerName, "read").statusCode());
    }

    @Test
    public void regenerateSecretWhenTokensExistThenAllRevokedWithClientEvent() {
        // PREPARE
        String name = newUser();
        SessionClient user = new SessionClient(server).signedIn(name, PASSWORD);
        String id = createApp(user, "regen");
        JsonNode keys = user.expect(201, "POST", "/api/applications/" + id + "/keys/PRODUCTION", null);
        JsonNode sandbox = user.expect(201, "POST", "/api/applications/" + id + "/keys/SANDBOX", null);
        String token = EmbeddedTokenServer.json(passwordGrant(keys, name, "read")).get("access_token").asText();
        String pageToken = user.expect(200, "POST", "/api/applications/" + id + "/keys/PRODUCTION/tokens",
                "{\"scope\":\"read\"}").get("access_token").asText();
        String sandboxToken = EmbeddedTokenServer.json(passwordGrant(sandbox, name, "read")).get("access_token")
                .asText();
        long cursor = feed(-1).get("cursor").asLong();

        // TEST
        JsonNode regenerated = user.expect(200, "POST", "/api/applications/" + id + "/keys/PRODUCTION/secret",
                null);

        // VERIFY
        Assertions.assertEquals(keys.get("client_id").asText(), regenerated.get("client_id").asText());
        Assertions.assertNotEquals(keys.get("client_secret").asText(), regenerated.get("client_secret").asText());
        Assertions.assertFalse(introspect(token).get("active").asBoolean());
        Assertions.assertFalse(introspect(pageToken).get("active").asBoolean());
        Assertions.assertTrue(introspect(sandboxToken).get("active").asBoolean(), "the other key set keeps its own");
        Assertions.assertTrue(feed(cursor).get("events").toString()
                .contains("{\"type\":\"client\",\"value\":\"" + keys.get("client_id").asText() + "\","));
        Assertions.assertEquals(401, passwordGrant(keys, name, "read").statusCode());
        Assertions.assertEquals(200, passwordGrant(regenerated, name, "read").statusCode());
    }

    @Test
    public void deleteApplicationWhenTokensExistThenRevokedAndGone() {
        // PREPARE
        String name = newUser();
        SessionClient user = new SessionClient(server).signedIn(name, PASSWORD);
        String id = createApp(user, "doomed");
        JsonNode keys = user.expect(201, "POST", "/api/applications/" + id + "/keys/PRODUCTION", null);
        String token = EmbeddedTokenServer.json(passwordGrant(keys, name, "read")).get("access_token").asText();
        long cursor = feed(-1).get("cursor").asLong();

        // TEST
        HttpResponse<String> deleted = user.call("DELETE", "/api/applications/" + id, null);

        // VERIFY
        Assertions.assertEquals(204, deleted.statusCode());
        Assertions.assertFalse(introspect(token).get("active").asBoolean());
        Assertions.assertTrue(feed(cursor).get("events").toString().contains(keys.get("client_id").asText()));
        Assertions.assertEquals(404, user.call("GET", "/api/applications/" + id, null).statusCode());
        Assertions.assertEquals(404, server.admin("GET", "/clients/" + keys.get("client_id").asText(), null)
                .statusCode());
        Assertions.assertEquals(401, passwordGrant(keys, name, "read").statusCode());
    }

    @Test
    public void pageTokenWhenIssuedThenActiveListedCountedAndRevocable() {
        // PREPARE
        String name = newUser();
        SessionClient user = new SessionClient(server).signedIn(name, PASSWORD);
        String id = createApp(user, "page");
        JsonNode keys = user.expect(201, "POST", "/api/applications/" + id + "/keys/PRODUCTION", null);

        // TEST
        JsonNode token = user.expect(200, "POST", "/api/applications/" + id + "/keys/PRODUCTION/tokens",
                "{\"scope\":\"read write\"}");

        // VERIFY
        Assertions.assertEquals("read", token.get("scope").asText(), "only what the user's roles allow");
        Assertions.assertEquals("Bearer", token.get("token_type").asText());
        Assertions.assertNull(token.get("refresh_token"));
        JsonNode introspection = introspect(token.get("access_token").asText());
        Assertions.assertTrue(introspection.get("active").asBoolean());
        Assertions.assertEquals(name, introspection.get("username").asText());
        Assertions.assertEquals(keys.get("client_id").asText(), introspection.get("client_id").asText());
        JsonNode listed = user.expect(200, "GET", "/api/applications/" + id + "/tokens", null);
        Assertions.assertEquals(1, listed.size());
        Assertions.assertEquals(8, listed.get(0).get("digest_prefix").asText().length());
        Assertions.assertFalse(listed.toString().contains(token.get("access_token").asText()));
        JsonNode stats = user.expect(200, "GET", "/api/applications/" + id + "/stats", null);
        Assertions.assertEquals(1, stats.get("registered_users").asLong());
        Assertions.assertEquals("password", stats.get("tokens_per_day").get(0).get("grant_type").asText());
        Assertions.assertEquals(1, stats.get("tokens_per_day").get(0).get("issued").asLong());
        String tokenId = listed.get(0).get("token_id").asText();
        Assertions.assertEquals(404, signedInUser().call("DELETE", "/api/applications/" + id + "/tokens/" + tokenId,
                null).statusCode());
        Assertions.assertEquals(204, user.call("DELETE", "/api/applications/" + id + "/tokens/" + tokenId, null)
                .statusCode());
        Assertions.assertFalse(introspect(token.get("access_token").asText()).get("active").asBoolean());
        Assertions.assertEquals(0, user.expect(200, "GET", "/api/applications/" + id + "/tokens", null).size());
    }

    @Test
    public void pageTokenWhenPasswordGrantNotAllowedThenRefused() {
        // PREPARE
        SessionClient user = signedInUser();
        String id = user.expect(201, "POST", "/api/applications",
                "{\"name\":\"machine\",\"grant_types\":[\"client_credentials\"]}").get("id").asText();
        user.expect(201, "POST", "/api/applications/" + id + "/keys/PRODUCTION", null);

        // TEST
        HttpResponse<String> refused = user.call("POST", "/api/applications/" + id + "/keys/PRODUCTION/tokens",
                "{\"scope\":\"read\"}");
        HttpResponse<String> noKeys = user.call("POST", "/api/applications/" + id + "/keys/SANDBOX/tokens",
                "{\"scope\":\"read\"}");
        user.expect(200, "PATCH", "/api/applications/" + id, "{\"grant_types\":[\"password\"]}");
        HttpResponse<String> allowed = user.call("POST", "/api/applications/" + id + "/keys/PRODUCTION/tokens",
                "{\"scope\":\"read\"}");

        // VERIFY
        Assertions.assertEquals(400, refused.statusCode());
        Assertions.assertEquals("unauthorized_client", EmbeddedTokenServer.json(refused).get("error").asText());
        Assertions.assertEquals(404, noKeys.statusCode());
        Assertions.assertEquals(200, allowed.statusCode(), allowed.body());
    }

    @Test
    public void statisticWhenNewUserGetsPasswordGrantThenPlusOneAndSameUserAgainUnchanged() {
        // PREPARE
        String ownerName = newUser();
        SessionClient owner = new SessionClient(server).signedIn(ownerName, PASSWORD);
        String id = createApp(owner, "stats");
        JsonNode keys = owner.expect(201, "POST", "/api/applications/" + id + "/keys/PRODUCTION", null);
        JsonNode sandbox = owner.expect(201, "POST", "/api/applications/" + id + "/keys/SANDBOX", null);
        String stats = "/stats/" + keys.get("client_id").asText();
        long n = EmbeddedTokenServer.json(server.admin("GET", stats, null)).get("registered_users").asLong();
        String other = newUser();

        // TEST
        Assertions.assertEquals(200, passwordGrant(keys, other, "read").statusCode());
        long afterFirst = EmbeddedTokenServer.json(server.admin("GET", stats, null)).get("registered_users").asLong();
        Assertions.assertEquals(200, passwordGrant(keys, other, "read").statusCode());
        Assertions.assertEquals(200, passwordGrant(sandbox, other, "read").statusCode());
        HttpResponse<String> afterSecond = server.admin("GET", "/stats/" + sandbox.get("client_id").asText(), null);

        // VERIFY
        Assertions.assertEquals(n + 1, afterFirst);
        JsonNode body = EmbeddedTokenServer.json(afterSecond);
        Assertions.assertEquals(n + 1, body.get("registered_users").asLong());
        Assertions.assertEquals("stats", body.get("application").get("name").asText());
        Assertions.assertEquals(ownerName, body.get("application").get("owner").asText());
        Assertions.assertEquals(3, body.get("tokens_per_day").get(0).get("issued").asLong());
        Assertions.assertEquals(404, server.admin("GET", "/stats/unknown-client", null).statusCode());
    }

    @Test
    public void statisticWhenClientCredentialsThenCountedPerGrantButNoUser() {
        // PREPARE
        SessionClient owner = signedInUser();
        String id = owner.expect(201, "POST", "/api/applications",
                "{\"name\":\"cc\",\"grant_types\":[\"client_credentials\"]}").get("id").asText();
        JsonNode keys = owner.expect(201, "POST", "/api/applications/" + id + "/keys/PRODUCTION", null);

        // TEST
        HttpResponse<String> grant = server.postForm("", EmbeddedTokenServer.basic(keys.get("client_id").asText(),
                keys.get("client_secret").asText()), "grant_type=client_credentials");

        // VERIFY
        Assertions.assertEquals(200, grant.statusCode());
        JsonNode stats = owner.expect(200, "GET", "/api/applications/" + id + "/stats", null);
        Assertions.assertEquals(0, stats.get("registered_users").asLong());
        Assertions.assertEquals("client_credentials", stats.get("tokens_per_day").get(0).get("grant_type").asText());
    }

    @Test
    public void signOutWhenCalledThenSessionEnds() {
        // PREPARE
        SessionClient user = signedInUser();

        // TEST
        HttpResponse<String> out = user.call("DELETE", "/api/session", null);

        // VERIFY
        Assertions.assertEquals(204, out.statusCode());
        Assertions.assertEquals(401, user.call("GET", "/api/applications", null).statusCode());
    }

    @Test
    public void sessionWhenUserDisabledThenEnds() {
        // PREPARE
        String name = newUser();
        SessionClient user = new SessionClient(server).signedIn(name, PASSWORD);

        // TEST
        server.admin("PATCH", "/users/" + name, "{\"enabled\":false}");

        // VERIFY
        Assertions.assertEquals(401, user.call("GET", "/api/applications", null).statusCode());
        Assertions.assertEquals(401, user.call("GET", "/api/session", null).statusCode());
    }

    @Test
    public void answersWhenPagesOrApiThenSecurityHeaders() {
        // TEST
        HttpResponse<String> index = server.send("/ui/", "GET", null, null, null);
        HttpResponse<String> script = server.send("/ui/apps.js", "GET", null, null, null);
        HttpResponse<String> api = server.send("/api/session", "GET", null, null, null);
        HttpResponse<String> signup = server.send("/signup", "GET", null, null, null);

        // VERIFY
        Assertions.assertEquals(200, index.statusCode());
        Assertions.assertTrue(index.body().contains("id=\"signin-form\""));
        Assertions.assertEquals("text/html;charset=UTF-8", index.headers().firstValue("Content-Type").orElse(""));
        Assertions.assertEquals("text/javascript;charset=UTF-8",
                script.headers().firstValue("Content-Type").orElse(""));
        for (HttpResponse<String> r : List.of(index, script, api, signup)) {
            Assertions.assertEquals(SecurityHeadersFilter.CONTENT_SECURITY_POLICY,
                    r.headers().firstValue("Content-Security-Policy").orElse(""), r.uri().toString());
            Assertions.assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
            Assertions.assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(""));
        }
        Assertions.assertEquals("no-store", api.headers().firstValue("Cache-Control").orElse(""));
        Assertions.assertEquals("no-store", signup.headers().firstValue("Cache-Control").orElse(""));
        Assertions.assertEquals("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
                SecurityHeadersFilter.CONTENT_SECURITY_POLICY);
    }

    @Test
    public void pagesWhenPathsThenServedOrNotFoundAndTokenEndpointUnchanged() {
        // TEST
        HttpResponse<String> bare = server.send("/ui", "GET", null, null, null);
        HttpResponse<String> missing = server.send("/ui/nothing.html", "GET", null, null, null);
        HttpResponse<String> unknownType = server.send("/ui/index.txt", "GET", null, null, null);
        HttpResponse<String> post = server.send("/ui/index.html", "POST", null, null, null);
        HttpResponse<String> tokenGet = server.send("", "GET", null, null, null);

        // VERIFY
        Assertions.assertEquals(302, bare.statusCode());
        Assertions.assertTrue(bare.headers().firstValue("Location").orElse("").endsWith("/token/ui/"));
        Assertions.assertEquals(404, missing.statusCode());
        Assertions.assertEquals(404, unknownType.statusCode());
        Assertions.assertEquals(405, post.statusCode());
        Assertions.assertEquals(405, tokenGet.statusCode());
        Assertions.assertEquals("POST", tokenGet.headers().firstValue("Allow").orElse(""));
        Assertions.assertEquals("invalid_request", EmbeddedTokenServer.json(tokenGet).get("error").asText());
    }

    private static String newUser() {
        String name = "user" + USERS.incrementAndGet();
        server.createUser(name, PASSWORD, "subscriber");
        return name;
    }

    private static SessionClient signedInUser() {
        return new SessionClient(server).signedIn(newUser(), PASSWORD);
    }

    private static String createApp(SessionClient user, String name) {
        JsonNode created = user.expect(201, "POST", "/api/applications", "{\"name\":\"" + name + "\"}");
        Assertions.assertEquals("[\"password\",\"refresh_token\"]", created.get("grant_types").toString());
        return created.get("id").asText();
    }

    private static HttpResponse<String> passwordGrant(JsonNode keys, String username, String scope) {
        return server.postForm("", EmbeddedTokenServer.basic(keys.get("client_id").asText(),
                keys.get("client_secret").asText()), "grant_type=password&username=" + username + "&password="
                        + PASSWORD + "&scope=" + scope);
    }

    private static JsonNode introspect(String token) {
        return EmbeddedTokenServer.json(server.postForm("/introspect",
                EmbeddedTokenServer.basic(introspector[0], introspector[1]), "token=" + token));
    }

    private static JsonNode feed(long after) {
        return EmbeddedTokenServer.json(server.send("/revocations?after=" + after, "GET",
                EmbeddedTokenServer.basic(introspector[0], introspector[1]), null, null));
    }
}
