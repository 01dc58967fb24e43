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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Tomcat itself as {@code scripts/demo} sets it up, tried from outside as an attacker would: about 3,000 hostile
 * requests on raw sockets (plain HTTP and TLS) get error pages that name no exception and no version, hold no stack
 * trace and echo nothing that was sent; no log line holds a credential that was sent, and the access log holds no
 * query string of {@code /token}; the HTTPS connector speaks TLS 1.2 and 1.3 with forward-secret AEAD suites only;
 * the token service's answers over HTTPS carry HSTS. Subclasses use the shared Tomcat 11 and 10.1.
 */
abstract class AbstractHardeningIT {

    /** How many hostile requests. */
    static final int HOSTILE_REQUESTS = 3000;

    protected static DemoServer server;
    protected static Http http;

    static void use(DemoServer running) throws Exception {
        server = running;
        http = new Http(server);
    }

    @AfterAll
    static void forgetServer() {
        server = null;
    }

    @Test
    void hostileRequestsGetBareErrorPagesAndNoLogKeepsTheirCredentials() throws Exception {
        HostileRequests.attack(server.get("TOMCAT_VERSION"), HOSTILE_REQUESTS, port("HTTP_PORT"), port("HTTPS_PORT"),
                http.ssl(), Path.of(server.get("CATALINA_BASE"), "logs"));
    }

    @Test
    void demoServerXmlHasEveryHardeningScriptsInstallGives() throws Exception {
        // the same settings, one definition: scripts/install's editor finds nothing to add to the demo's server.xml
        Path serverXml = Path.of(server.get("CATALINA_BASE"), "conf/server.xml");
        ProcessBuilder pb = new ProcessBuilder("java", DemoServer.root().resolve("scripts/lib/ServerXmlEdit.java")
                .toString(), "harden", serverXml.toString(), "--dry-run");
        DemoServer.Result r = DemoServer.runProcess(pb, DemoServer.workDir(), "harden", null, 120);
        assertEquals(10, r.exit(), r.output());
        String properties = Files.readString(Path.of(server.get("CATALINA_BASE"), "conf/catalina.properties"));
        assertTrue(properties.contains("\norg.apache.juli.logging.UserDataHelper.CONFIG=DEBUG_ALL\n"), properties);
    }

    @Test
    void httpsOffersTls12And13WithForwardSecretAeadSuitesOnly() throws Exception {
        assertEquals("TLSv1.3", handshake("TLSv1.3", "TLS_AES_128_GCM_SHA256"));
        assertEquals("TLSv1.2", handshake("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        assertEquals("TLSv1.2", handshake("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
        // CBC suites (Tomcat's default "HIGH" accepts them) are refused
        for (String cbc : List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")) {
            assertThrows(SSLHandshakeException.class, () -> handshake("TLSv1.2", cbc), cbc + " was accepted");
        }
    }

    @Test
    void tokenServiceAnswersOverHttpsCarryHstsAndPlainHttpOnesDoNot() throws Exception {
        String https = server.get("HTTPS_BASE");
        List<Http.Response> secure = List.of(http.get(server.get("METADATA_URL"), null),
                http.postForm(server.get("TOKEN_URL"), Http.basic("nobody", "wrong-secret"), "grant_type=password"),
                http.get(server.get("TOKEN_URL"), null), http.get(https + "/token/ui/", null));
        for (Http.Response r : secure) {
            assertEquals("max-age=31536000", r.header("Strict-Transport-Security"), r::toString);
        }
        Http.Response plain = http.get(server.get("HTTP_BASE") + "/token/.well-known/oauth-authorization-server",
                null);
        assertEquals(200, plain.status(), plain::toString);
        assertNull(plain.header("Strict-Transport-Security"), plain::toString);
    }

    private static int port(String key) {
        return Integer.parseInt(server.get(key));
    }

    private static String handshake(String protocol, String suite) throws IOException {
        int port = port("HTTPS_PORT");
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            plain.setSoTimeout(10_000);
            SSLSocket tls = (SSLSocket) http.ssl().getSocketFactory().createSocket(plain, "localhost", port, true);
            tls.setEnabledProtocols(new String[] {protocol});
            tls.setEnabledCipherSuites(new String[] {suite});
            tls.startHandshake();
            assertEquals(suite, tls.getSession().getCipherSuite());
            return tls.getSession().getProtocol();
        }
    }
}
