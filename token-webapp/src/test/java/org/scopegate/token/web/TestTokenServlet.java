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

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;

/**
 * The token endpoint over HTTP on embedded Tomcat: success shapes, every error code with its status and headers,
 * refresh rotation and reuse detection, lockout, concurrency.
 */
public class TestTokenServlet {

    private static EmbeddedTokenServer server;
    private static String basic;
    private static String[] client;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-servlet"))
                .with("lockoutThreshold", "3").with("lockoutDuration", "60");
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        server.createScope("read", "reader");
        server.createScope("update", "writer");
        server.createScope("open");
        server.createUser("alice", "amber tram velvet secret", "reader", "writer");
        server.createUser("bob", "copper kite velvet secret", "reader");
        client = server.createClient(false, "password", "refresh_token", "client_credentials");
        basic = EmbeddedTokenServer.basic(client[0], client[1]);
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    public void postWhenSeedCurlPasswordGrantThenBothTokensAndNoStore() {
        // PREPARE
        String body = "grant_type=password&username=alice&password=amber%20tram%20velvet%20secret";

        // TEST
        HttpResponse<String> response = server.postForm("", basic, body);

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
        Assertions.assertEquals("application/json;charset=UTF-8",
                response.headers().firstValue("Content-Type").orElse(""));
        assertNoStore(response);
        JsonNode json = EmbeddedTokenServer.json(response);
        Assertions.assertEquals(43, json.get("access_token").asText().length());
        Assertions.assertEquals(43, json.get("refresh_token").asText().length());
        Assertions.assertEquals("Bearer", json.get("token_type").asText());
        Assertions.assertTrue(json.get("expires_in").isNumber());
        Assertions.assertEquals(3600, json.get("expires_in").asLong());
        Assertions.assertEquals("default", json.get("scope").asText());
    }

    @Test
    public void postWhenScopeHasLiteralSpaceThenBothScopesGranted() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret&scope=read update");

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
        Assertions.assertEquals("read update", EmbeddedTokenServer.json(response).get("scope").asText());
    }

    @Test
    public void postWhenScopeEncodedWithPlusOrPercentThenBothScopesGranted() {
        // TEST
        HttpResponse<String> plus = server.postForm("", basic,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret&scope=read+update");
        HttpResponse<String> percent = server.postForm("", basic,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret&scope=read%20update");

        // VERIFY
        Assertions.assertEquals("read update", EmbeddedTokenServer.json(plus).get("scope").asText());
        Assertions.assertEquals("read update", EmbeddedTokenServer.json(percent).get("scope").asText());
    }

    @Test
    public void postWhenScopeNotAllowedForRolesThenDroppedFromGrantedScope() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic,
                "grant_type=password&username=bob&password=copper+kite+velvet+secret&scope=read update unknown");

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
        Assertions.assertEquals("read", EmbeddedTokenServer.json(response).get("scope").asText());
    }

    @Test
    public void postWhenNothingRequestedIsAllowedThenDefaultScope() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic,
                "grant_type=password&username=bob&password=copper+kite+velvet+secret&scope=update");

        // VERIFY
        Assertions.assertEquals("default", EmbeddedTokenServer.json(response).get("scope").asText());
    }

    @Test
    public void postWhenScopeCaseDiffersThenNotGranted() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret&scope=READ");

        // VERIFY
        Assertions.assertEquals("default", EmbeddedTokenServer.json(response).get("scope").asText());
    }

    @Test
    public void postWhenUserNameCaseDiffersThenTokenForStoredName() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic,
                "grant_type=password&username=ALICE&password=amber+tram+velvet+secret");

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    public void postWhenCredentialsInBodyThenTokens() {
        // TEST
        HttpResponse<String> response = server.postForm("", null,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret&client_id=" + client[0]
                        + "&client_secret=" + client[1]);

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    public void postWhenClientCredentialsGrantThenNoRefreshTokenAndOnlyOpenScopes() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic, "grant_type=client_credentials&scope=open read");

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
        JsonNode json = EmbeddedTokenServer.json(response);
        Assertions.assertNull(json.get("refresh_token"));
        Assertions.assertEquals("open", json.get("scope").asText());
        assertNoStore(response);
    }

    @Test
    public void postWhenParameterHasEmptyValueThenCountsAsOmitted() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret&scope=");

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
        Assertions.assertEquals("default", EmbeddedTokenServer.json(response).get("scope").asText());
    }

    @Test
    public void postWhenPasswordEmptyThenInvalidRequest() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic, "grant_type=password&username=alice&password=");

        // VERIFY
        assertError(response, 400, "invalid_request");
    }

    @Test
    public void postWhenParameterMissingThenInvalidRequest() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic, "grant_type=password&username=alice");

        // VERIFY
        assertError(response, 400, "invalid_request");
    }

    @Test
    public void postWhenGrantTypeMissingThenInvalidRequest() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic, "username=alice&password=x");

        // VERIFY
        assertError(response, 400, "invalid_request");
    }

    @Test
    public void postWhenParameterRepeatedThenInvalidRequest() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic,
                "grant_type=password&username=alice&username=bob&password=amber+tram+velvet+secret");

        // VERIFY
        assertError(response, 400, "invalid_request");
    }

    @Test
    public void postWhenPercentEncodingMalformedThenInvalidRequest() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic,
                "grant_type=password&username=alice&password=%zz");

        // VERIFY
        assertError(response, 400, "invalid_request");
    }

    @Test
    public void postWhenContentTypeIsJsonThenInvalidRequest() {
        // TEST
        HttpResponse<String> response = server.send("", "POST", basic, "application/json",
                "{\"grant_type\":\"password\"}");

        // VERIFY
        assertError(response, 400, "invalid_request");
    }

    @Test
    public void postWhenContentTypeMissingThenInvalidRequest() {
        // TEST
        HttpResponse<String> response = server.send("", "POST", basic, null, "grant_type=password");

        // VERIFY
        assertError(response, 400, "invalid_request");
    }

    @Test
    public void getWhenTokenEndpointThenMethodNotAllowedWithAllowPost() {
        // TEST
        HttpResponse<String> response = server.send("", "GET", basic, null, null);

        // VERIFY
        assertError(response, 405, "invalid_request");
        Assertions.assertEquals("POST", response.headers().firstValue("Allow").orElse(""));
    }

    @Test
    public void putWhenTokenEndpointThenMethodNotAllowedWithAllowPost() {
        // TEST
        HttpResponse<String> response = server.send("", "PUT", basic, "application/x-www-form-urlencoded",
                "grant_type=password");

        // VERIFY
        assertError(response, 405, "invalid_request");
        Assertions.assertEquals("POST", response.headers().firstValue("Allow").orElse(""));
    }

    @Test
    public void getWhenPathBelowTokenEndpointUnknownThenNotFoundNotMethodNotAllowed() {
        // TEST: what a discovery client probes after RFC 8414's location
        HttpResponse<String> get = server.send("/.well-known/openid-configuration", "GET", null, null, null);
        HttpResponse<String> post = server.send("/nosuch", "POST", basic, "application/x-www-form-urlencoded",
                "grant_type=client_credentials");

        // VERIFY
        assertError(get, 404, "invalid_request");
        Assertions.assertTrue(get.headers().firstValue("Allow").isEmpty(), get.headers().toString());
        assertError(post, 404, "invalid_request");
    }

    @Test
    public void traceWhenAnyEndpointThenMethodNotAllowedInJsonNotTomcatsPage() {
        for (String path : new String[] {"", "/introspect", "/revocations", "/admin/users", "/ui/"}) {
            // TEST: Tomcat refuses TRACE itself, before any servlet of the webapp runs
            HttpResponse<String> response = server.send(path, "TRACE", basic, null, null);

            // VERIFY
            assertError(response, 405, "invalid_request");
            Assertions.assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""));
        }
    }

    @Test
    public void getWhenErrorPagePathRequestedThenNotFoundLikeAnyUnknownPath() {
        // TEST
        HttpResponse<String> response = server.send("/container-error", "GET", null, null, null);

        // VERIFY
        assertError(response, 404, "invalid_request");
    }

    @Test
    public void postWhenBasicAndBodyCredentialsThenInvalidRequest() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret&client_id=" + client[0]
                        + "&client_secret=" + client[1]);

        // VERIFY
        assertError(response, 400, "invalid_request");
    }

    @Test
    public void postWhenAuthorizationHeaderRepeatedThenInvalidRequestAtEveryEndpoint() {
        for (String path : new String[] {"", "/revoke", "/introspect"}) {
            // TEST
            HttpResponse<String> response = server.sendWithHeaders(path, "POST",
                    path.isEmpty() ? "grant_type=client_credentials" : "token=abc",
                    "Content-Type", "application/x-www-form-urlencoded",
                    "Authorization", basic,
                    "Authorization", EmbeddedTokenServer.basic(client[0], "wrong"));

            // VERIFY
            assertError(response, 400, "invalid_request");
        }
    }

    @Test
    public void postWhenContentLengthAnnouncesMoreThanTheLimitThenTooLargeBeforeTheBodyIsRead() throws Exception {
        // PREPARE: a client that announces a megabyte and sends a few bytes; it would hold a connector thread until
        // the connection timed out (60 s here) if the endpoint waited for the body
        String request = "POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nAuthorization: " + basic + "\r\n\r\n"
                + "grant_type=client_credentials";
        String answer;
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();

            // TEST
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            StringBuilder read = new StringBuilder();
            int n;
            while (!read.toString().contains("}") && (n = in.read(buffer)) > 0) {
                read.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            answer = read.toString();
        }

        // VERIFY
        Assertions.assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        Assertions.assertTrue(answer.contains("\"error\":\"invalid_request\""), answer);
        Assertions.assertTrue(answer.contains("too large"), answer);
    }

    @Test
    public void postWhenContentTypeRepeatedThenInvalidRequest() {
        // TEST
        HttpResponse<String> response = server.sendWithHeaders("", "POST", "grant_type=client_credentials",
                "Content-Type", "application/x-www-form-urlencoded",
                "Content-Type", "application/json",
                "Authorization", basic);

        // VERIFY
        assertError(response, 400, "invalid_request");
    }

    @Test
    public void postWhenBasicSecretWrongThenInvalidClientWithChallenge() {
        // TEST
        HttpResponse<String> response = server.postForm("", EmbeddedTokenServer.basic(client[0], "wrong"),
                "grant_type=password&username=alice&password=amber+tram+velvet+secret");

        // VERIFY
        assertError(response, 401, "invalid_client");
        Assertions.assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("")
                .startsWith("Basic realm=\"token\""));
    }

    @Test
    public void postWhenClientUnknownThenInvalidClient() {
        // TEST
        HttpResponse<String> response = server.postForm("", EmbeddedTokenServer.basic("nobody", "x"),
                "grant_type=password&username=alice&password=amber+tram+velvet+secret");

        // VERIFY
        assertError(response, 401, "invalid_client");
        Assertions.assertTrue(response.headers().firstValue("WWW-Authenticate").isPresent());
    }

    @Test
    public void postWhenBodySecretWrongThenInvalidClientWithBasicChallenge() {
        // TEST
        HttpResponse<String> response = server.postForm("", null,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret&client_id=" + client[0]
                        + "&client_secret=wrong");

        // VERIFY: a 401 always names a scheme (RFC 9110 section 15.5.2): the one this server supports
        assertError(response, 401, "invalid_client");
        Assertions.assertEquals("Basic realm=\"token\", charset=\"UTF-8\"",
                response.headers().firstValue("WWW-Authenticate").orElse(""));
    }

    @Test
    public void postWhenNoClientCredentialsThenInvalidClient() {
        // TEST
        HttpResponse<String> response = server.postForm("", null,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret");

        // VERIFY
        assertError(response, 401, "invalid_client");
    }

    @Test
    public void postWhenApplicationDisabledThenInvalidClient() {
        // PREPARE
        String[] disabled = server.createClient(false, "password");
        server.admin("PATCH", "/clients/" + disabled[0], "{\"enabled\":false}");

        // TEST
        HttpResponse<String> response = server.postForm("", EmbeddedTokenServer.basic(disabled[0], disabled[1]),
                "grant_type=password&username=alice&password=amber+tram+velvet+secret");

        // VERIFY
        assertError(response, 401, "invalid_client");
    }

    @Test
    public void postWhenPasswordWrongThenInvalidGrant() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic,
                "grant_type=password&username=bob&password=wrong");

        // VERIFY
        assertError(response, 400, "invalid_grant");
    }

    @Test
    public void postWhenUserUnknownThenSameAnswerAsWrongPassword() {
        // TEST
        HttpResponse<String> unknown = server.postForm("", basic, "grant_type=password&username=nobody&password=x");
        HttpResponse<String> wrong = server.postForm("", basic, "grant_type=password&username=bob&password=x");

        // VERIFY
        Assertions.assertEquals(wrong.statusCode(), unknown.statusCode());
        Assertions.assertEquals(wrong.body(), unknown.body());
    }

    @Test
    public void postWhenUserDisabledThenInvalidGrant() {
        // PREPARE
        server.createUser("carol", "meadow fox velvet secret");
        server.admin("PATCH", "/users/carol", "{\"enabled\":false}");

        // TEST
        HttpResponse<String> response = server.postForm("", basic,
                "grant_type=password&username=carol&password=meadow+fox+velvet+secret");

        // VERIFY
        assertError(response, 400, "invalid_grant");
    }

    @Test
    public void postWhenGrantTypeNotAllowedForApplicationThenUnauthorizedClient() {
        // PREPARE
        String[] limited = server.createClient(false, "client_credentials");

        // TEST
        HttpResponse<String> response = server.postForm("", EmbeddedTokenServer.basic(limited[0], limited[1]),
                "grant_type=password&username=alice&password=amber+tram+velvet+secret");

        // VERIFY
        assertError(response, 400, "unauthorized_client");
    }

    @Test
    public void postWhenGrantTypeUnknownThenUnsupportedGrantType() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic, "grant_type=authorization_code&code=x");

        // VERIFY
        assertError(response, 400, "unsupported_grant_type");
    }

    @Test
    public void postWhenScopeSyntaxInvalidThenInvalidScope() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret&scope=read%22x");

        // VERIFY
        assertError(response, 400, "invalid_scope");
    }

    @Test
    public void postWhenRefreshTokenUsedThenRotatedAndOldOneRejected() {
        // PREPARE
        JsonNode first = EmbeddedTokenServer.json(server.postForm("", basic,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret&scope=read update"));
        String refresh = first.get("refresh_token").asText();

        // TEST
        HttpResponse<String> refreshed = server.postForm("", basic,
                "grant_type=refresh_token&refresh_token=" + refresh);

        // VERIFY
        Assertions.assertEquals(200, refreshed.statusCode(), refreshed.body());
        JsonNode second = EmbeddedTokenServer.json(refreshed);
        Assertions.assertNotEquals(refresh, second.get("refresh_token").asText());
        Assertions.assertNotEquals(first.get("access_token").asText(), second.get("access_token").asText());
        Assertions.assertEquals("read update", second.get("scope").asText());
        assertNoStore(refreshed);
    }

    @Test
    public void postWhenUsedRefreshTokenPresentedAgainThenFamilyRevoked() {
        // PREPARE
        JsonNode first = EmbeddedTokenServer.json(server.postForm("", basic,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret"));
        JsonNode second = EmbeddedTokenServer.json(server.postForm("", basic,
                "grant_type=refresh_token&refresh_token=" + first.get("refresh_token").asText()));

        // TEST
        HttpResponse<String> reuse = server.postForm("", basic,
                "grant_type=refresh_token&refresh_token=" + first.get("refresh_token").asText());

        // VERIFY
        assertError(reuse, 400, "invalid_grant");
        HttpResponse<String> descendant = server.postForm("", basic,
                "grant_type=refresh_token&refresh_token=" + second.get("refresh_token").asText());
        assertError(descendant, 400, "invalid_grant");
    }

    @Test
    public void postWhenRefreshScopeNarrowerThenNarrowedAndWiderThenInvalidScope() {
        // PREPARE
        JsonNode first = EmbeddedTokenServer.json(server.postForm("", basic,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret&scope=read"));
        String refresh = first.get("refresh_token").asText();

        // TEST
        HttpResponse<String> wider = server.postForm("", basic,
                "grant_type=refresh_token&refresh_token=" + refresh + "&scope=read update");
        HttpResponse<String> same = server.postForm("", basic,
                "grant_type=refresh_token&refresh_token=" + refresh + "&scope=read");

        // VERIFY
        assertError(wider, 400, "invalid_scope");
        Assertions.assertEquals(200, same.statusCode(), same.body());
        Assertions.assertEquals("read", EmbeddedTokenServer.json(same).get("scope").asText());
    }

    @Test
    public void postWhenRefreshNarrowsScopeThenNewRefreshTokenKeepsTheOriginalScope() {
        // PREPARE: RFC 6749 section 6, the new refresh token's scope MUST be identical to the presented one's
        String refresh = EmbeddedTokenServer.json(server.postForm("", basic,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret&scope=read update"))
                .get("refresh_token").asText();

        // TEST
        JsonNode narrowed = EmbeddedTokenServer.json(server.postForm("", basic,
                "grant_type=refresh_token&refresh_token=" + refresh + "&scope=read"));
        HttpResponse<String> next = server.postForm("", basic,
                "grant_type=refresh_token&refresh_token=" + narrowed.get("refresh_token").asText());

        // VERIFY
        Assertions.assertEquals("read", narrowed.get("scope").asText());
        Assertions.assertEquals(200, next.statusCode(), next.body());
        Assertions.assertEquals("read update", EmbeddedTokenServer.json(next).get("scope").asText());
    }

    @Test
    public void postWhenRefreshTokenOfAnotherApplicationThenInvalidGrant() {
        // PREPARE
        String[] other = server.createClient(false, "password", "refresh_token");
        String refresh = EmbeddedTokenServer.json(server.postForm("", basic,
                "grant_type=password&username=alice&password=amber+tram+velvet+secret")).get("refresh_token").asText();

        // TEST
        HttpResponse<String> response = server.postForm("", EmbeddedTokenServer.basic(other[0], other[1]),
                "grant_type=refresh_token&refresh_token=" + refresh);

        // VERIFY
        assertError(response, 400, "invalid_grant");
        HttpResponse<String> owner = server.postForm("", basic, "grant_type=refresh_token&refresh_token=" + refresh);
        Assertions.assertEquals(200, owner.statusCode(), "the owner's token must be left usable");
    }

    @Test
    public void postWhenRefreshTokenUnknownThenInvalidGrant() {
        // TEST
        HttpResponse<String> response = server.postForm("", basic, "grant_type=refresh_token&refresh_token=nope");

        // VERIFY
        assertError(response, 400, "invalid_grant");
    }

    @Test
    public void postWhenApplicationLacksRefreshGrantThenNoRefreshToken() {
        // PREPARE
        String[] passwordOnly = server.createClient(false, "password");

        // TEST
        HttpResponse<String> response = server.postForm("", EmbeddedTokenServer.basic(passwordOnly[0],
                passwordOnly[1]), "grant_type=password&username=alice&password=amber+tram+velvet+secret");

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
        Assertions.assertNull(EmbeddedTokenServer.json(response).get("refresh_token"));
    }

    @Test
    public void postWhenThresholdFailuresThenLockedEvenForRightPasswordUntilUnlock() {
        // PREPARE
        server.createUser("dave", "quiet lamp velvet secret");
        for (int i = 0; i < 3; i++) {
            assertError(server.postForm("", basic, "grant_type=password&username=dave&password=wrong"), 400,
                    "invalid_grant");
        }

        // TEST
        HttpResponse<String> locked = server.postForm("", basic,
                "grant_type=password&username=dave&password=quiet+lamp+velvet+secret");

        // VERIFY
        assertError(locked, 400, "invalid_grant");
        JsonNode user = EmbeddedTokenServer.json(server.admin("GET", "/users/dave", null));
        Assertions.assertTrue(user.get("locked_until").isNumber());
        Assertions.assertEquals(204, server.admin("POST", "/users/dave/unlock", null).statusCode());
        HttpResponse<String> unlocked = server.postForm("", basic,
                "grant_type=password&username=dave&password=quiet+lamp+velvet+secret");
        Assertions.assertEquals(200, unlocked.statusCode(), unlocked.body());
    }

    @Test
    public void postWhenConcurrentPasswordGrantsThenEveryTokenDistinctAndActive() throws Exception {
        // PREPARE: eight users at once (the lockout admits at most lockoutThreshold checks of one user at once)
        String[] introspector = server.createClient(true, "client_credentials");
        String introspectAuth = EmbeddedTokenServer.basic(introspector[0], introspector[1]);
        for (int u = 0; u < 8; u++) {
            server.createUser("concurrent" + u, "concurrent velvet secret " + u, "reader");
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();

        // TEST
        for (int i = 0; i < 24; i++) {
            int u = i % 8;
            futures.add(pool.submit(() -> server.postForm("", basic, "grant_type=password&username=concurrent" + u
                    + "&password=concurrent+velvet+secret+" + u + "&scope=read")));
        }

        // VERIFY
        List<String> tokens = new ArrayList<>();
        for (Future<HttpResponse<String>> f : futures) {
            HttpResponse<String> response = f.get();
            Assertions.assertEquals(200, response.statusCode(), response.body());
            tokens.add(EmbeddedTokenServer.json(response).get("access_token").asText());
        }
        pool.shutdown();
        Assertions.assertEquals(tokens.size(), tokens.stream().distinct().count());
        for (String token : tokens) {
            JsonNode answer = EmbeddedTokenServer.json(server.postForm("/introspect", introspectAuth,
                    "token=" + token));
            Assertions.assertTrue(answer.get("active").asBoolean());
        }
    }

    static void assertError(HttpResponse<String> response, int status, String error) {
        Assertions.assertEquals(status, response.statusCode(), response.body());
        Assertions.assertEquals("application/json;charset=UTF-8",
                response.headers().firstValue("Content-Type").orElse(""));
        assertNoStore(response);
        JsonNode json = EmbeddedTokenServer.json(response);
        Assertions.assertEquals(error, json.get("error").asText(), response.body());
        Assertions.assertTrue(json.hasNonNull("error_description"));
    }

    static void assertNoStore(HttpResponse<String> response) {
        Assertions.assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        Assertions.assertEquals("no-cache", response.headers().firstValue("Pragma").orElse(""));
    }
}
