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
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;

/**
 * HSTS on every answer of the token service over HTTPS (the token endpoint, its errors, the metadata, the pages),
 * never over plain HTTP.
 */
public class TestSecurityHeadersFilter {

    private EmbeddedTokenServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stopAndDelete();
        }
    }


    @Test
    void answersWhenHttpsThenStrictTransportSecurity() throws Exception {
        // PREPARE
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-hsts")).behindTls();
        server.start();

        // TEST
        List<HttpResponse<String>> answers = List.of(
                server.postForm("", null, "grant_type=password&username=x&password=y"),
                server.send("", "GET", null, null, null),
                server.send("/.well-known/oauth-authorization-server", "GET", null, null, null),
                server.send("/ui/", "GET", null, null, null),
                server.send("/no-such-endpoint", "GET", null, null, null),
                server.admin("GET", "/users", null));

        // VERIFY
        for (HttpResponse<String> r : answers) {
            Assertions.assertEquals("max-age=31536000", r.headers().firstValue("Strict-Transport-Security")
                    .orElse("(none)"), r.request().method() + " " + r.uri() + " " + r.statusCode());
        }
    }


    @Test
    void answersWhenPlainHttpThenNoStrictTransportSecurity() throws Exception {
        // PREPARE
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-hsts"));
        server.start();

        // TEST
        HttpResponse<String> metadata = server.send("/.well-known/oauth-authorization-server", "GET", null, null,
                null);

        // VERIFY
        Assertions.assertEquals(200, metadata.statusCode());
        Assertions.assertTrue(metadata.headers().firstValue("Strict-Transport-Security").isEmpty(),
                metadata.headers().map()::toString);
    }
}
