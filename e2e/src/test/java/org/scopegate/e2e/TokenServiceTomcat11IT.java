/*
 * Copyright the ScopeGate authors.
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
package org.scopegate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The token service on the real Tomcat 11 distribution, laid out by {@code scripts/demo start}
 * (port offset 11000, the {@link SharedTomcat11}), over HTTPS: the seed's curl request as bytes on
 * the wire, the real curl, refresh, revocation, introspection, and every error of the token endpoint once.
 */
@ExtendWith(SharedTomcat11.class)
class TokenServiceTomcat11IT {

    private static DemoServer server;
    private static Http http;
    private static Grants grants;

    @BeforeAll
    static void start() throws Exception {
        server = SharedTomcat11.server();
        http = new Http(server);
        grants = new Grants(server, http);
    }

    @Test
    void demoStatusSaysItRuns() throws Exception {
        assertEquals(0, server.status());
        for (String key : List.of("TOKEN_URL", "REVOKE_URL", "INTROSPECT_URL", "CLIENT_ID", "CLIENT_SECRET",
                "USERNAME", "PASSWORD", "CLIENT2_ID", "CLIENT2_SECRET", "INTROSPECT_CLIENT_ID",
                "INTROSPECT_CLIENT_SECRET", "PROTECTED_URL", "SCOPED_URL")) {
            assertFalse(server.get(key).isEmpty(), key);
        }
        assertEquals("https://localhost:19243/token", server.get("TOKEN_URL"));
    }

    /** The seed's command, byte for byte as curl 7.88 sends it, over TLS to 127.0.0.1 with SNI localhost. */
    @Test
    void seedCurlRequestAsBytesOnTheWire() throws Exception {
        int port = Integer.parseInt(server.get("HTTPS_PORT"));
        String body = "grant_type=password&username=" + server.get("USERNAME") + "&password=" + server.get("PASSWORD");
        String request = "POST /token HTTP/1.1\r\n"
                + "Host: localhost:" + port + "\r\n"
                + "User-Agent: curl/7.88.1\r\n"
                + "Accept: */*\r\n"
                + "Authorization: " + grants.basic() + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + "\r\n"
                + body;
        RawResponse r;
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            plain.setSoTimeout(20_000);
            SSLSocket tls = (SSLSocket) http.ssl().getSocketFactory().createSocket(plain, "localhost", port, true);
            SSLParameters p = tls.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(p);
            tls.startHandshake();
            OutputStream out = tls.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            r = RawResponse.read(tls.getInputStream());
        }
        assertEquals("HTTP/1.1 200", r.statusLine.substring(0, 12), r::toString);
        assertTrue(r.header("content-type").startsWith("application/json"), r::toString);
        assertEquals("no-store", r.header("cache-control"), r::toString);
        assertEquals("no-cache", r.header("pragma"), r::toString);
        JsonNode json = Http.json(r.body);
        assertToken(json.path("access_token").asText());
        assertToken(json.path("refresh_token").asText());
        assertEquals("Bearer", json.path("token_type").asText());
        assertTrue(json.path("expires_in").isNumber(), "expires_in must be a JSON number: " + json);
        assertEquals(3600, json.path("expires_in").asInt());
        assertTrue(json.has("scope"), json::toString);
    }

    /** The real curl, with the seed's command line (plus -s). */
    @Test
    void realCurlCommand() throws Exception {
        Path curl = Programs.required("Debian's curl", "curl");
        ProcessBuilder pb = new ProcessBuilder(curl.toString(), "-s", "-k",
                "-d", "grant_type=password&username=" + server.get("USERNAME") + "&password=" + server.get("PASSWORD"),
                "-H", "Authorization: " + grants.basic(),
                "-H", "Content-Type: application/x-www-form-urlencoded",
                server.get("TOKEN_URL"));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        JsonNode json = Http.json(out);
        assertToken(json.path("access_token").asText());
        assertToken(json.path("refresh_token").asText());
    }

    @Test
    void scopesAreGrantedByRoleAndALiteralSpaceWorks() throws Exception {
        JsonNode both = grants.password("read update");
        assertEquals(List.of("read", "update"), sorted(both.path("scope").asText()));
        // "viewer" holds only the reader role: update is dropped, not an error
        JsonNode viewer = grants.password(server.get("USERNAME2"), server.get("PASSWORD2"), "read update");
        assertEquals(List.of("read"), sorted(viewer.path("scope").asText()));
        // nothing allowed -> the default scope
        JsonNode none = grants.password(server.get("USERNAME2"), server.get("PASSWORD2"), "update");
        assertEquals("default", none.path("scope").asText());
        // curl -d sends a literal space
        Http.Response r = http.postForm(server.get("TOKEN_URL"), grants.basic(), "grant_type=password&username="
                + server.get("USERNAME") + "&password=" + server.get("PASSWORD") + "&scope=read update");
        assertEquals(200, r.status(), r::toString);
        assertEquals(List.of("read", "update"), sorted(r.json().path("scope").asText()));
    }

    /** As the README: refresh rotates; a used refresh token revokes its family. */
    @Test
    void refreshRotatesAndReuseRevokesTheFamily() throws Exception {
        JsonNode first = grants.password("read");
        String refresh1 = first.path("refresh_token").asText();
        Http.Response r = http.postForm(server.get("TOKEN_URL"), grants.basic(),
                "grant_type=refresh_token&refresh_token=" + Http.form(refresh1));
        assertEquals(200, r.status(), r::toString);
        assertNoStore(r);
        String access2 = r.json().path("access_token").asText();
        String refresh2 = r.json().path("refresh_token").asText();
        assertToken(access2);
        assertToken(refresh2);
        assertNotEquals(refresh1, refresh2);
        assertEquals("read", r.json().path("scope").asText());
        assertTrue(grants.introspect(access2).path("active").asBoolean());

        // reuse of the used refresh token: invalid_grant, and the whole family is revoked
        Http.Response reuse = http.postForm(server.get("TOKEN_URL"), grants.basic(),
                "grant_type=refresh_token&refresh_token=" + Http.form(refresh1));
        assertError(reuse, 400, "invalid_grant");
        assertEquals("{\"active\":false}", inactiveText(access2));
        Http.Response again = http.postForm(server.get("TOKEN_URL"), grants.basic(),
                "grant_type=refresh_token&refresh_token=" + Http.form(refresh2));
        assertError(again, 400, "invalid_grant");
    }

    /** As the README: revoke, then the token is inactive; another application cannot revoke it. */
    @Test
    void revokeAsTheReadmeShows() throws Exception {
        String access = grants.password("read").path("access_token").asText();
        Http.Response foreign = http.postForm(server.get("REVOKE_URL"), grants.basic2(), "token=" + Http.form(access));
        assertEquals(400, foreign.status(), foreign::toString);
        assertEquals("unauthorized_client", foreign.json().path("error").asText(), foreign::toString);
        assertTrue(grants.introspect(access).path("active").asBoolean(), "another application revoked the token");

        Http.Response r = grants.revoke(access);
        assertEquals(200, r.status(), r::toString);
        assertEquals("", r.body());
        assertEquals("{\"active\":false}", inactiveText(access));

        Http.Response unknown = grants.revoke("no-such-token");
        assertEquals(200, unknown.status(), unknown::toString);

        // revoking a refresh token revokes its access tokens too
        JsonNode t = grants.password("read");
        assertEquals(200, http.postForm(server.get("REVOKE_URL"), grants.basic(), "token="
                + Http.form(t.path("refresh_token").asText()) + "&token_type_hint=refresh_token").status());
        assertEquals("{\"active\":false}", inactiveText(t.path("access_token").asText()));
    }

    @Test
    void introspection() throws Exception {
        JsonNode t = grants.password("read update");
        JsonNode i = grants.introspect(t.path("access_token").asText());
        assertTrue(i.path("active").asBoolean(), i::toString);
        assertEquals(List.of("read", "update"), sorted(i.path("scope").asText()));
        assertEquals(server.get("CLIENT_ID"), i.path("client_id").asText());
        assertEquals(server.get("USERNAME"), i.path("username").asText());
        assertEquals(server.get("USERNAME"), i.path("sub").asText());
        assertEquals("Bearer", i.path("token_type").asText());
        long now = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(i.path("iat").asLong() - now) < 120, i::toString);
        assertEquals(i.path("iat").asLong() + 3600, i.path("exp").asLong(), 5);

        assertEquals("{\"active\":false}", inactiveText("not-a-token"));

        // client credentials: no refresh token, sub is the client, no username
        Http.Response cc = http.postForm(server.get("TOKEN_URL"), grants.basic(), "grant_type=client_credentials");
        assertEquals(200, cc.status(), cc::toString);
        assertFalse(cc.json().has("refresh_token"), cc::toString);
        JsonNode ci = grants.introspect(cc.json().path("access_token").asText());
        assertTrue(ci.path("active").asBoolean());
        assertEquals(server.get("CLIENT_ID"), ci.path("sub").asText());
        assertFalse(ci.has("username"), ci::toString);

        // an application that may not introspect
        Http.Response denied = http.postForm(server.get("INTROSPECT_URL"), grants.basic2(),
                "token=" + Http.form(t.path("access_token").asText()));
        assertError(denied, 403, "unauthorized_client");
        // wrong credentials
        Http.Response bad = http.postForm(server.get("INTROSPECT_URL"), Http.basic(server.get("CLIENT_ID"), "wrong"),
                "token=x");
        assertError(bad, 401, "invalid_client");
    }

    @Test
    void metadata() throws Exception {
        Http.Response r = http.get(server.get("METADATA_URL"), null);
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.json().path("token_endpoint").asText().endsWith("/token"), r::toString);
        assertTrue(r.json().has("issuer"), r::toString);
    }

    // ------------------------------------------------------------------------------ every error once

    @Test
    void getIs405WithAllowPost() throws Exception {
        Http.Response r = http.request("GET", server.get("TOKEN_URL"), "Authorization", grants.basic());
        assertEquals(405, r.status(), r::toString);
        assertTrue(r.header("Allow").contains("POST"), r::toString);
        assertNoStore(r);
    }

    @Test
    void invalidRequest() throws Exception {
        String user = "&username=" + server.get("USERNAME") + "&password=" + server.get("PASSWORD");
        // missing grant_type
        assertError(http.postForm(server.get("TOKEN_URL"), grants.basic(), user.substring(1)), 400, "invalid_request");
        // repeated parameter
        assertError(http.postForm(server.get("TOKEN_URL"), grants.basic(),
                "grant_type=password&grant_type=password" + user), 400, "invalid_request");
        // missing password
        assertError(http.postForm(server.get("TOKEN_URL"), grants.basic(),
                "grant_type=password&username=" + server.get("USERNAME")), 400, "invalid_request");
        // credentials in the header and in the body
        assertError(http.postForm(server.get("TOKEN_URL"), grants.basic(), "grant_type=password" + user
                + "&client_id=" + server.get("CLIENT_ID") + "&client_secret=" + server.get("CLIENT_SECRET")),
                400, "invalid_request");
        // wrong content type
        Http.Response ct = http.request("POST", server.get("TOKEN_URL"), "Authorization", grants.basic(),
                "Content-Type", "text/plain");
        assertError(ct, 400, "invalid_request");
    }

    @Test
    void invalidClient() throws Exception {
        Http.Response basic = http.postForm(server.get("TOKEN_URL"),
                Http.basic(server.get("CLIENT_ID"), "wrong-secret"), "grant_type=client_credentials");
        assertError(basic, 401, "invalid_client");
        String challenge = basic.header("WWW-Authenticate");
        assertNotNull(challenge, basic::toString);
        assertTrue(challenge.startsWith("Basic realm="), challenge);

        Http.Response body = http.postForm(server.get("TOKEN_URL"), null,
                "grant_type=client_credentials&client_id=nobody&client_secret=nothing");
        assertError(body, 401, "invalid_client");

        Http.Response none = http.postForm(server.get("TOKEN_URL"), null, "grant_type=client_credentials");
        assertError(none, 401, "invalid_client");
    }

    @Test
    void invalidGrantSameAnswerForUnknownUserAndWrongPassword() throws Exception {
        Http.Response wrong = http.postForm(server.get("TOKEN_URL"), grants.basic(),
                "grant_type=password&username=" + server.get("USERNAME2") + "&password=wrong");
        assertError(wrong, 400, "invalid_grant");
        Http.Response unknown = http.postForm(server.get("TOKEN_URL"), grants.basic(),
                "grant_type=password&username=nobody-here&password=wrong");
        assertError(unknown, 400, "invalid_grant");
        assertEquals(wrong.body(), unknown.body());

        Http.Response refresh = http.postForm(server.get("TOKEN_URL"), grants.basic(),
                "grant_type=refresh_token&refresh_token=not-a-refresh-token");
        assertError(refresh, 400, "invalid_grant");
    }

    @Test
    void unsupportedGrantType() throws Exception {
        assertError(http.postForm(server.get("TOKEN_URL"), grants.basic(), "grant_type=authorization_code&code=x"),
                400, "unsupported_grant_type");
    }

    @Test
    void unauthorizedClientThroughTokenctl() throws Exception {
        DemoServer.Result r = server.run(60, "scripts/tokenctl", "--json", "client", "add", "cc-only",
                "--grant-types", "client_credentials");
        assertEquals(0, r.exit(), r.output());
        JsonNode created = Http.json(r.output().substring(r.output().indexOf('{')));
        String id = created.path("client_id").asText();
        String secret = created.path("client_secret").asText();
        assertEquals(43, secret.length(), created::toString);

        Http.Response pw = http.postForm(server.get("TOKEN_URL"), Http.basic(id, secret),
                "grant_type=password&username=" + server.get("USERNAME") + "&password=" + server.get("PASSWORD"));
        assertError(pw, 400, "unauthorized_client");
        assertEquals(200, http.postForm(server.get("TOKEN_URL"), Http.basic(id, secret),
                "grant_type=client_credentials").status());

        DemoServer.Result list = server.run(60, "scripts/tokenctl", "client", "list");
        assertEquals(0, list.exit(), list.output());
        assertTrue(list.output().contains("cc-only") && list.output().contains("demo-app"), list.output());
        DemoServer.Result del = server.run(60, "scripts/tokenctl", "client", "delete", "cc-only");
        assertEquals(0, del.exit(), del.output());
        assertError(http.postForm(server.get("TOKEN_URL"), Http.basic(id, secret), "grant_type=client_credentials"),
                401, "invalid_client");
    }

    @Test
    void invalidScope() throws Exception {
        // a scope token outside RFC 6749's %x21 / %x23-5B / %x5D-7E is malformed
        assertError(http.postForm(server.get("TOKEN_URL"), grants.basic(), "grant_type=password&username="
                + server.get("USERNAME") + "&password=" + server.get("PASSWORD") + "&scope=" + Http.form("read\"x")),
                400, "invalid_scope");
    }

    @Test
    void tokenctlUsersAndScopes() throws Exception {
        DemoServer.Result users = server.run(60, "scripts/tokenctl", "user", "list");
        assertEquals(0, users.exit(), users.output());
        assertTrue(users.output().contains(server.get("USERNAME")), users.output());
        DemoServer.Result scopes = server.run(60, "scripts/tokenctl", "scope", "list");
        assertEquals(0, scopes.exit(), scopes.output());
        assertTrue(scopes.output().contains("read") && scopes.output().contains("update"), scopes.output());
        DemoServer.Result weak = server.runWithInput(60, "Password123!\n", "scripts/tokenctl", "user", "add", "carol",
                "--roles", "reader");
        assertEquals(1, weak.exit(), weak.output());
        assertTrue(weak.output().contains("weak_password") && weak.output().contains("too easy to guess"),
                weak.output());
        DemoServer.Result add = server.runWithInput(60, "Tidal-Comet-5582\n", "scripts/tokenctl", "user", "add",
                "carol", "--roles", "reader");
        assertEquals(0, add.exit(), add.output());
        assertEquals(List.of("read"), sorted(grants.password("carol", "Tidal-Comet-5582", "read update")
                .path("scope").asText()));
        DemoServer.Result dup = server.runWithInput(60, "Tidal-Comet-5583\n", "scripts/tokenctl", "user", "add",
                "carol");
        assertEquals(1, dup.exit(), dup.output());
        assertTrue(dup.output().contains("409"), dup.output());
    }

    // ------------------------------------------------------------------------------ helpers

    private static String inactiveText(String token) throws Exception {
        Http.Response r = http.postForm(server.get("INTROSPECT_URL"),
                Http.basic(server.get("INTROSPECT_CLIENT_ID"), server.get("INTROSPECT_CLIENT_SECRET")),
                "token=" + Http.form(token));
        assertEquals(200, r.status(), r::toString);
        return r.body().trim();
    }

    static void assertToken(String token) {
        assertEquals(43, token.length(), "256-bit base64url token expected: " + token);
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
    }

    static void assertNoStore(Http.Response r) {
        assertEquals("no-store", r.header("Cache-Control"), r::toString);
        assertEquals("no-cache", r.header("Pragma"), r::toString);
    }

    static void assertError(Http.Response r, int status, String error) {
        assertEquals(status, r.status(), r::toString);
        assertTrue(r.header("Content-Type") != null && r.header("Content-Type").startsWith("application/json"),
                r::toString);
        assertEquals(error, r.json().path("error").asText(), r::toString);
        assertNoStore(r);
    }

    static List<String> sorted(String scope) {
        List<String> l = new ArrayList<>(List.of(scope.trim().split(" +")));
        l.sort(null);
        return l;
    }

    /** A minimal HTTP/1.1 response reader (Content-Length or chunked). */
    static final class RawResponse {
        String statusLine;
        final Map<String, String> headers = new LinkedHashMap<>();
        String body;

        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }

        static RawResponse read(InputStream in) throws IOException {
            RawResponse r = new RawResponse();
            r.statusLine = line(in);
            String h;
            while (!(h = line(in)).isEmpty()) {
                int c = h.indexOf(':');
                r.headers.put(h.substring(0, c).trim().toLowerCase(Locale.ROOT), h.substring(c + 1).trim());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if ("chunked".equalsIgnoreCase(r.header("transfer-encoding"))) {
                int size;
                while ((size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0) {
                    body.write(in.readNBytes(size));
                    line(in);
                }
                while (!line(in).isEmpty()) {
                    // trailers
                }
            } else {
                body.write(in.readNBytes(Integer.parseInt(r.header("content-length"))));
            }
            r.body = body.toString(StandardCharsets.UTF_8);
            return r;
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (b != '\r') {
                    sb.append((char) b);
                }
            }
            return sb.toString();
        }

        @Override
        public String toString() {
            return statusLine + " " + headers + " " + body;
        }
    }
}
