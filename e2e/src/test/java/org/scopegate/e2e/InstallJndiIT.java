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
package org.scopegate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's single-server install with a shared Derby store: {@code scripts/install --no-valve --jndi} into a stock
 * Tomcat 10.1 (ports 11570 and 11525), then {@code catalina.sh start}. Shows: Derby's jars in
 * {@code $CATALINA_HOME/lib}, the global DataSource of Tomcat's own pool in {@code server.xml} and the webapp's
 * ResourceLink, the database made where the Resource says, tokens issued, introspected and revoked through it, and
 * the token service preparing its statements below Tomcat's pool (no start-up hint about wrapped statements).
 */
class InstallJndiIT {

    private static final int HTTP_PORT = 11570;
    private static final int SHUTDOWN_PORT = 11525;
    private static final String TOKEN_URL = "http://127.0.0.1:" + HTTP_PORT + "/token";
    private static final String METADATA_URL = TOKEN_URL + "/.well-known/oauth-authorization-server";

    private static InstalledTomcat tomcat;
    private static Path home;

    @BeforeAll
    static void prepare() throws Exception {
        tomcat = InstalledTomcat.unpack("install-jndi", HTTP_PORT, SHUTDOWN_PORT);
        home = tomcat.home();
    }

    @AfterAll
    static void stop() {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    void installWhenJndiThenTokenServiceRunsOnTheSharedDerbyDataSource() throws Exception {
        // TEST
        DemoServer.Result install = tomcat.install(null, "--no-valve", "--jndi", home.toString());

        // VERIFY: what the README says it does
        assertEquals(0, install.exit(), install.output());
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            assertEquals(3, lib.filter(p -> p.getFileName().toString()
                    .matches("derby(shared|tools)?-10\\.16\\.[0-9.]+\\.jar")).count(),
                    "derby, derbyshared and derbytools in $CATALINA_HOME/lib");
        }
        String xml = Files.readString(home.resolve("conf/server.xml"));
        assertTrue(xml.contains("name=\"jdbc/OAuthStore\"") && xml.contains("org.apache.derby.jdbc.EmbeddedDriver")
                && xml.contains("accessToUnderlyingConnectionAllowed=\"true\""), xml);
        String tokenXml = Files.readString(home.resolve("conf/Catalina/localhost/token.xml"));
        assertTrue(tokenXml.contains("global=\"jdbc/OAuthStore\"") && tokenXml.contains("dataSourceName"), tokenXml);

        // TEST: Tomcat started, then the README's next steps with tokenctl
        tomcat.start(METADATA_URL);
        DemoServer.Result app = tomcat.tokenctl(null, "client", "add", "billing", "--grant-types", "client_credentials",
                "--introspect");
        assertEquals(0, app.exit(), app.output());
        InstalledTomcat.TokenLife life = tomcat.tokenLife(TOKEN_URL, app);
        assertEquals(200, life.grant().status(), life.grant().body());

        // VERIFY: the store is the Resource's database, reached below Tomcat's pool
        assertTrue(life.active().json().get("active").asBoolean(), life.active().body());
        assertEquals(200, life.revoke().status(), life.revoke().body());
        assertFalse(life.revoked().json().get("active").asBoolean(), life.revoked().body());
        assertTrue(Files.isDirectory(home.resolve("data/oauth/seg0")), "no Derby database where the Resource says");
        String out = Files.readString(home.resolve("logs/catalina.out"), StandardCharsets.ISO_8859_1);
        assertTrue(out.contains("Using the DataSource [java:comp/env/jdbc/OAuthStore]"), out);
        assertTrue(out.contains("Token store open"), out);
        assertFalse(out.contains("does not give access to its underlying connections"), out);
    }
}
