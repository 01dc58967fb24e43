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
package org.scopegate.token;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;


/**
 * A browser-like client of the self-service API: keeps its cookies, sends JSON and the session's CSRF token.
 */
public final class SessionClient {

    private final EmbeddedTokenServer server;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;
    private String csrf;

    /**
     * @param server the token service to talk to
     */
    public SessionClient(EmbeddedTokenServer server) {
        this.server = server;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Signs in; returns the answer and remembers the CSRF token. */
    public HttpResponse<String> signIn(String username, String password) {
        HttpResponse<String> response = send("POST", "/api/session", "{\"username\":" + quote(username)
                + ",\"password\":" + quote(password) + "}", null);
        if (response.statusCode() == 200) {
            csrf = EmbeddedTokenServer.json(response).get("csrf_token").asText();
        }
        return response;
    }

    /** Signs in and fails unless it worked. */
    public SessionClient signedIn(String username, String password) {
        HttpResponse<String> response = signIn(username, password);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("sign-in failed: " + response.body());
        }
        return this;
    }

    public String csrf() {
        return csrf;
    }

    public String sessionCookie() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("SGSESSION"))
                .map(c -> c.getValue()).findFirst().orElse(null);
    }

    /** A call with the session's CSRF token. */
    public HttpResponse<String> call(String method, String path, String json) {
        return send(method, path, json, csrf);
    }

    /** A call with the given CSRF token header, or none for {@code null}. */
    public HttpResponse<String> send(String method, String path, String json, String csrfToken) {
        return sendWithOrigin(method, path, json, csrfToken, null);
    }

    /** A call with the given CSRF token header and {@code Origin}, each left out when {@code null}. */
    public HttpResponse<String> sendWithOrigin(String method, String path, String json, String csrfToken,
            String origin) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            builder.header("Content-Type", "application/json");
        }
        if (csrfToken != null) {
            builder.header("X-CSRF-Token", csrfToken);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A call that must answer the given status; returns the JSON body (or null when empty). */
    public JsonNode expect(int status, String method, String path, String json) {
        HttpResponse<String> response = call(method, path, json);
        if (response.statusCode() != status) {
            throw new IllegalStateException(method + " " + path + ": expected " + status + " but got "
                    + response.statusCode() + ": " + response.body());
        }
        return response.body().isEmpty() ? null : EmbeddedTokenServer.json(response);
    }

    public static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
