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
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;

/**
 * Plain HTTP is answered only to this host (RFC 6749 3.1: the token endpoint requires TLS). The other hosts are
 * played through Tomcat's RemoteIpValve ({@code X-Forwarded-For}), as the tests send to 127.0.0.1 only.
 */
public class TestSecureTransportFilter {

    private static final String OTHER_HOST = "203.0.113.7";
    private static final String PASSWORD = "Correct-Horse-Battery-9";

    private EmbeddedTokenServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stopAndDelete();
        }
    }

    @Test
    public void requestWhenPlainHttpFromAnotherHostThenRefusedOnEveryEndpointAndNothingCounted() throws Exception {
        // PREPARE
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-tls")).behindProxy();
        server.start();
        server.createUser("alice", PASSWORD);
        String[] client = server.createClient(true, "password", "client_credentials");
        String basic = EmbeddedTokenServer.basic(client[0], client[1]);

        // TEST: every endpoint from another host over plain HTTP; six wrong passwords among them
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(fromOtherHost("", "POST", basic, "grant_type=password&username=alice&password=wrong" + i));
        }
        answers.add(fromOtherHost("", "POST", basic, "grant_type=client_credentials"));
        answers.add(fromOtherHost("/introspect", "POST", basic, "token=abc"));
        answers.add(fromOtherHost("/revoke", "POST", basic, "token=abc"));
        answers.add(fromOtherHost("/admin/users", "GET", server.adminAuthorization(), null));
        answers.add(fromOtherHost("/.well-known/oauth-authorization-server", "GET", null, null));
        answers.add(fromOtherHost("/ui/", "GET", null, null));

        // VERIFY: 400 invalid_request naming TLS, the usual headers; the wrong passwords locked nothing
        for (HttpResponse<String> r : answers) {
            String what = r.request().method() + " " + r.uri();
            Assertions.assertEquals(400, r.statusCode(), what);
            Assertions.assertEquals("invalid_request", EmbeddedTokenServer.json(r).get("error").asText(), what);
            Assertions.assertTrue(EmbeddedTokenServer.json(r).get("error_description").asText().contains("TLS"),
                    what);
            Assertions.assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""), what);
        }
        HttpResponse<String> atHome = server.postForm("", basic, "grant_type=password&username=alice&password="
                + PASSWORD);
        Assertions.assertEquals(200, atHome.statusCode(), atHome.body());
    }

    @Test
    public void requestWhenHttpsAtTheProxyOrPlainFromThisHostThenServed() throws Exception {
        // PREPARE
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-tls")).behindProxy();
        server.start();
        String[] client = server.createClient(false, "client_credentials");
        String basic = EmbeddedTokenServer.basic(client[0], client[1]);

        // TEST
        HttpResponse<String> proxiedTls = server.sendWithHeaders("", "POST", "grant_type=client_credentials",
                "Authorization", basic, "Content-Type", "application/x-www-form-urlencoded",
                "X-Forwarded-For", OTHER_HOST, "X-Forwarded-Proto", "https");
        HttpResponse<String> local = server.postForm("", basic, "grant_type=client_credentials");

        // VERIFY
        Assertions.assertEquals(200, proxiedTls.statusCode(), proxiedTls.body());
        Assertions.assertEquals("max-age=31536000",
                proxiedTls.headers().firstValue("Strict-Transport-Security").orElse("(none)"));
        Assertions.assertEquals(200, local.statusCode(), local.body());
    }

    @Test
    public void requestWhenCheckSwitchedOffThenPlainHttpFromAnotherHostServed() throws Exception {
        // PREPARE
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-tls")).behindProxy()
                .with("requireSecureTransport", "false");
        server.start();
        String[] client = server.createClient(false, "client_credentials");

        // TEST
        HttpResponse<String> answer = fromOtherHost("", "POST", EmbeddedTokenServer.basic(client[0], client[1]),
                "grant_type=client_credentials");

        // VERIFY
        Assertions.assertEquals(200, answer.statusCode(), answer.body());
    }

    @Test
    public void isLoopbackWhenAddressOfThisHostThenTrueElseFalse() {
        for (String address : List.of("127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "[::1]",
                "::ffff:127.0.0.1", "0:0:0:0:0:ffff:127.0.0.1")) {
            Assertions.assertTrue(SecureTransportFilter.isLoopback(address), address);
        }
        for (String address : List.of("10.0.0.1", "128.0.0.1", "127.0.0.1.example.com", "127.evil", "localhost",
                "::2", "", "203.0.113.7")) {
            Assertions.assertFalse(SecureTransportFilter.isLoopback(address), address);
        }
        Assertions.assertFalse(SecureTransportFilter.isLoopback(null));
    }

    private HttpResponse<String> fromOtherHost(String path, String method, String authorization, String form) {
        List<String> headers = new ArrayList<>(List.of("X-Forwarded-For", OTHER_HOST));
        if (authorization != null) {
            headers.addAll(List.of("Authorization", authorization));
        }
        if (form != null) {
            headers.addAll(List.of("Content-Type", "application/x-www-form-urlencoded"));
        }
        return server.sendWithHeaders(path, method, form, headers.toArray(String[]::new));
    }
}
