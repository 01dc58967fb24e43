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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;

/**
 * The issuer of the metadata (RFC 8414) never follows a client's {@code Host} header: it is the configured
 * {@code issuer}, or the one derived once from the server's own configuration.
 */
public class TestMetadataServlet {

    @Test
    public void getWhenHostHeaderIsAnAttackersThenIssuerFromTheServersConfiguration() throws Exception {
        // PREPARE
        EmbeddedTokenServer server = new EmbeddedTokenServer(Files.createTempDirectory("metadata"));
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        try {
            // TEST
            JsonNode metadata = metadata(server.port(), "evil.example:8443");

            // VERIFY
            String expected = "http://localhost:" + server.port() + "/token";
            Assertions.assertEquals(expected, metadata.get("issuer").asText());
            Assertions.assertEquals(expected + "/revoke", metadata.get("revocation_endpoint").asText());
            Assertions.assertFalse(metadata.toString().contains("evil"), metadata.toString());
        } finally {
            server.stopAndDelete();
        }
    }

    @Test
    public void getWhenIssuerConfiguredThenThatIssuerWhateverTheHost() throws Exception {
        // PREPARE
        EmbeddedTokenServer server = new EmbeddedTokenServer(Files.createTempDirectory("metadata"))
                .with("issuer", "https://auth.example.com/token/");
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        try {
            // TEST
            JsonNode metadata = metadata(server.port(), "evil.example");

            // VERIFY
            Assertions.assertEquals("https://auth.example.com/token", metadata.get("issuer").asText());
            Assertions.assertEquals("https://auth.example.com/token/introspect",
                    metadata.get("introspection_endpoint").asText());
        } finally {
            server.stopAndDelete();
        }
    }

    @Test
    public void headWhenMetadataThenHeadersOfGetWithoutBody() throws Exception {
        // PREPARE
        EmbeddedTokenServer server = new EmbeddedTokenServer(Files.createTempDirectory("metadata"));
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        try {
            // TEST
            String answer = raw(server.port(), "HEAD", "localhost");

            // VERIFY
            Assertions.assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            Assertions.assertTrue(answer.contains("Content-Type: application/json;charset=UTF-8"), answer);
            Assertions.assertTrue(answer.endsWith("\r\n\r\n"), "no body: " + answer);
        } finally {
            server.stopAndDelete();
        }
    }

    /** A raw request: the JDK's HTTP client will not send a Host header of the caller's choice. */
    private static JsonNode metadata(int port, String host) throws IOException {
        String answer = raw(port, "GET", host);
        Assertions.assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        return EmbeddedTokenServer.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    }

    private static String raw(int port, String method, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " /token/.well-known/oauth-authorization-server HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
