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

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;
import org.scopegate.token.SessionClient;

/**
 * What another site's page can make a browser send to the admin API, the pages' API and sign-up: a form body
 * ({@code text/plain}, form-encoded) with the Basic credentials the browser remembers, or a request with a foreign
 * {@code Origin}. Refused with 415 and 403, and nothing changes; the service's own pages and non-browser clients
 * pass.
 */
public class TestCrossSiteRequestGuard {

    private static final String PASSWORD = "Marble-Finch-4027";
    private static final String EVIL = "https://evil.example";

    private static EmbeddedTokenServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("cross-site"));
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        server.setSignup(true);
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    public void adminWhenTextPlainFormWithBasicCredentialsThenUnsupportedMediaTypeAndNothingCreated() {
        // PREPARE: what <form enctype="text/plain"> posts: a JSON-looking body as text/plain
        String body = "{\"username\":\"mallory\",\"password\":\"" + PASSWORD + "\",\"ignore\":\"=\"}";

        // TEST
        HttpResponse<String> plain = send("POST", "/admin/users", "text/plain", body, adminBasic(), null);
        HttpResponse<String> form = send("POST", "/admin/clients", "application/x-www-form-urlencoded",
                "name=evil", adminBasic(), null);

        // VERIFY
        assertError(plain, 415, "invalid_request");
        assertError(form, 415, "invalid_request");
        Assertions.assertEquals(404, server.admin("GET", "/users/mallory", null).statusCode());
    }

    @Test
    public void adminWhenForeignOriginThenForbiddenEvenWithJsonAndCredentials() {
        // TEST
        HttpResponse<String> json = send("POST", "/admin/users", "application/json",
                "{\"username\":\"mallory2\",\"password\":\"" + PASSWORD + "\"}", adminBasic(), EVIL);
        HttpResponse<String> nullOrigin = send("DELETE", "/admin/users/anyone", null, null, adminBasic(), "null");
        HttpResponse<String> get = send("GET", "/admin/users", null, null, adminBasic(), EVIL);

        // VERIFY
        assertError(json, 403, "invalid_origin");
        assertError(nullOrigin, 403, "invalid_origin");
        assertError(get, 403, "invalid_origin");
        Assertions.assertEquals(404, server.admin("GET", "/users/mallory2", null).statusCode());
    }

    @Test
    public void adminWhenOwnOriginOrNoOriginThenServed() {
        // TEST
        HttpResponse<String> own = send("POST", "/admin/users", "application/json; charset=UTF-8",
                "{\"username\":\"olivia\",\"password\":\"" + PASSWORD + "\"}", adminBasic(), server.url()
                        .replace("/token", ""));
        HttpResponse<String> tokenctl = send("POST", "/admin/users/olivia/unlock", null, null, adminBasic(), null);

        // VERIFY
        Assertions.assertEquals(201, own.statusCode(), own.body());
        Assertions.assertEquals(204, tokenctl.statusCode(), tokenctl.body());
    }

    @Test
    public void adminPageWhenForeignOriginWithTheAdministratorsSessionThenForbidden() {
        // PREPARE
        SessionClient admin = new SessionClient(server).signedIn("admin", server.adminSecret());

        // TEST: the session cookie and even the CSRF token, from another origin
        HttpResponse<String> answer = admin.sendWithOrigin("POST", "/api/admin/users",
                "{\"username\":\"mallory3\",\"password\":\"" + PASSWORD + "\"}", admin.csrf(), EVIL);

        // VERIFY
        assertError(answer, 403, "invalid_origin");
        Assertions.assertEquals(404, server.admin("GET", "/users/mallory3", null).statusCode());
    }

    @Test
    public void pagesApiWhenForeignOriginThenForbiddenAndSignInRefused() {
        // PREPARE
        server.createUser("pia", PASSWORD);
        SessionClient pia = new SessionClient(server).signedIn("pia", PASSWORD);

        // TEST
        HttpResponse<String> create = pia.sendWithOrigin("POST", "/api/applications", "{\"name\":\"evil\"}",
                pia.csrf(), EVIL);
        HttpResponse<String> signIn = send("POST", "/api/session", "application/json",
                "{\"username\":\"pia\",\"password\":\"" + PASSWORD + "\"}", null, EVIL);

        // VERIFY
        assertError(create, 403, "invalid_origin");
        assertError(signIn, 403, "invalid_origin");
        Assertions.assertEquals(0, pia.expect(200, "GET", "/api/applications", null).size());
    }

    @Test
    public void signupWhenForeignOriginThenForbiddenAndOwnOriginServed() {
        // TEST
        HttpResponse<String> foreign = send("POST", "/signup", "application/x-www-form-urlencoded",
                "username=quinn&password=" + PASSWORD, null, EVIL);
        HttpResponse<String> crossSiteFetch = sendWithFetchSite("/signup", "username=quinn&password=" + PASSWORD);
        HttpResponse<String> own = send("POST", "/signup", "application/x-www-form-urlencoded",
                "username=quinn&password=" + PASSWORD, null, server.url().replace("/token", ""));

        // VERIFY
        assertError(foreign, 403, "invalid_origin");
        assertError(crossSiteFetch, 403, "invalid_origin");
        Assertions.assertEquals(201, own.statusCode(), own.body());
    }

    private static String adminBasic() {
        return EmbeddedTokenServer.basic("admin", server.adminSecret());
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body,
            String authorization, String origin) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        return send(builder.build());
    }

    private static HttpResponse<String> sendWithFetchSite(String path, String form) {
        return send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String error) {
        Assertions.assertEquals(status, response.statusCode(), response.body());
        JsonNode body = EmbeddedTokenServer.json(response);
        Assertions.assertEquals(error, body.get("error").asText(), response.body());
        Assertions.assertTrue(body.hasNonNull("error_description"));
    }
}
