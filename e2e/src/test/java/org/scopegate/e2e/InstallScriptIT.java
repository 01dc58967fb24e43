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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.scopegate.testsupport.Poll;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code scripts/install} on an administrator's existing Tomcat 10.1, as docs/operations.md
 * ("Installing into an existing Tomcat") and the README's next steps describe it: a pristine
 * distribution is unpacked under {@code e2e/target/e2e/install/} (CATALINA_HOME = CATALINA_BASE),
 * its ports moved to 11580 (HTTP, 127.0.0.1) and 11505 (shutdown); {@code --dry-run} must change
 * nothing; the install must copy the artifacts, add the valve once (a second run changes nothing),
 * keep a backup, write the valve's secret and give Tomcat itself its hardening (error pages, access
 * log pattern, logging of malformed requests); {@code conf/catalina.properties.fragment} is then
 * followed by hand, its commands run exactly as written: with its placeholder secret the valve stops
 * Tomcat with one clear line, its first command replaces the placeholder, its second registers the
 * valve's client; then Tomcat is started with {@code catalina.sh},
 * the valve's client, scopes, a user and an application are registered with
 * {@code scripts/tokenctl}, and the sample orders.war is checked to be protected over plain HTTP:
 * 200 with {@code read}, 403 {@code insufficient_scope}, 401 without a token and 401
 * {@code invalid_token} within 2 s of a revocation; hostile requests (as in {@link HostileRequests})
 * give nothing away and leave no credential in its logs. Tomcat is always stopped
 * ({@code catalina.sh stop 20 -force}), by {@code @AfterAll} and by a JVM shutdown hook
 * ({@link InstalledTomcat}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallScriptIT {

    private static final int HTTP_PORT = 11580;
    private static final int SHUTDOWN_PORT = 11505;
    private static final String BASE_URL = "http://127.0.0.1:" + HTTP_PORT;
    private static final String TOKEN_URL = BASE_URL + "/token";
    private static final String METADATA_URL = BASE_URL + "/token/.well-known/oauth-authorization-server";
    private static final String PROTECTED_URL = BASE_URL + "/orders/42";
    private static final String SCOPED_URL = BASE_URL + "/orders/audit/1";
    private static final String VALVE_CLASS = "org.scopegate.valve.ScopeValve";
    private static final Duration REVOCATION_LIMIT = Duration.ofSeconds(2);

    private static final String USER = "alice";
    private static final String PASSWORD = "Quartz-" + Long.toHexString(System.nanoTime()) + "-pw";

    private static InstalledTomcat tomcat;
    private static Path home;
    private static Http http;
    private static boolean installed;
    private static boolean registered;
    private static String clientId;
    private static String clientSecret;

    @BeforeAll
    static void unpackTomcat() throws Exception {
        tomcat = InstalledTomcat.unpack("install", HTTP_PORT, SHUTDOWN_PORT);
        home = tomcat.home();
        http = tomcat.http();
        assertFalse(Pattern.compile("<Connector[^>]*AJP").matcher(stripComments(Files.readString(
                home.resolve("conf/server.xml")))).find(), "an active AJP connector in the stock server.xml");
    }

    @AfterAll
    static void stopTomcat() {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    @Order(1)
    void dryRunChangesNothing() throws Exception {
        // PREPARE
        Map<String, String> before = snapshot(home);

        // TEST
        DemoServer.Result r = tomcat.install(null, "--dry-run", home.toString());

        // VERIFY
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("dry run"), r.output());
        assertTrue(r.output().contains("<Valve className=\"" + VALVE_CLASS + "\""), r.output());
        assertTrue(r.output().contains("http://127.0.0.1:" + HTTP_PORT + "/token/introspect"), r.output());
        assertEquals(before, snapshot(home), "--dry-run changed files");
        assertFalse(Files.exists(home.resolve("webapps/token.war")));
        assertFalse(Files.exists(home.resolve("lib/scope-valve.jar")));
    }

    @Test
    @Order(2)
    void installAddsEverythingOnceAndTwiceChangesNothing() throws Exception {
        // PREPARE
        Path serverXml = home.resolve("conf/server.xml");
        Path props = home.resolve("conf/catalina.properties");
        byte[] stockServerXml = Files.readAllBytes(serverXml);
        Set<PosixFilePermission> serverXmlMode = Files.getPosixFilePermissions(serverXml);
        Set<PosixFilePermission> propsMode = Files.getPosixFilePermissions(props);

        // TEST
        DemoServer.Result first = tomcat.install(null, home.toString());

        // VERIFY
        assertEquals(0, first.exit(), first.output());
        assertTrue(first.output().contains("export TOKEN_ADMIN_URL="), first.output());
        assertTrue(first.output().contains("sed -n 's/^scope.valve.clientSecret=//p' " + props + " |"), first.output());
        Path root = DemoServer.root();
        assertArrayEquals(Files.readAllBytes(root.resolve("token-webapp/target/token.war")),
                Files.readAllBytes(home.resolve("webapps/token.war")));
        assertArrayEquals(Files.readAllBytes(root.resolve("scope-valve/target/scope-valve.jar")),
                Files.readAllBytes(home.resolve("lib/scope-valve.jar")));
        assertEquals(Files.readString(root.resolve("conf/scope-rules.conf")),
                Files.readString(home.resolve("conf/scope-rules.conf")));
        assertTrue(Files.isRegularFile(home.resolve("conf/Catalina/localhost/token.xml")));
        String xml = Files.readString(serverXml);
        assertEquals(1, count(xml, "<Valve className=\"" + VALVE_CLASS + "\""), xml);
        assertTrue(xml.contains("introspectionUrl=\"http://127.0.0.1:" + HTTP_PORT + "/token/introspect\""), xml);
        assertTrue(xml.contains("clientSecret=\"${scope.valve.clientSecret}\""), xml);
        assertEquals(1, count(xml, "<Valve className=\"org.apache.catalina.valves.rewrite.RewriteValve\""), xml);
        assertTrue(xml.indexOf("rewrite.RewriteValve") < xml.indexOf(VALVE_CLASS), "the rewrite first: " + xml);
        assertTrue(Files.readString(home.resolve("conf/Catalina/localhost/rewrite.config"))
                .contains(" /token/.well-known/oauth-authorization-server [L]"));
        assertEquals(PosixFilePermissions.toString(serverXmlMode),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(serverXml)), "server.xml's permissions");
        assertEquals(PosixFilePermissions.toString(propsMode),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(props)), "catalina.properties' permissions");
        List<Path> backups = backups();
        assertEquals(1, backups.size(), backups::toString);
        assertArrayEquals(stockServerXml, Files.readAllBytes(backups.get(0)), "the backup is not the old server.xml");
        String properties = Files.readString(props);
        assertEquals(1, count(properties, "\nscope.valve.clientSecret="), properties);
        assertTrue(valveSecret().length() >= 32, "short secret");
        // Tomcat's own hardening
        assertEquals(1, count(xml, "<Valve className=\"org.apache.catalina.valves.ErrorReportValve\" "
                + "showReport=\"false\" showServerInfo=\"false\" />"), xml);
        assertTrue(xml.contains("pattern=\"%h %l %u %t &quot;%m %U %H&quot; %s %b\""), xml);
        assertFalse(stripComments(xml).contains("%r"), xml);
        assertEquals(1, count(properties, "\norg.apache.juli.logging.UserDataHelper.CONFIG=DEBUG_ALL\n"), properties);
        // conf/server-fragment.xml, for doing it by hand, already holds all of it
        DemoServer.Result fragment = tomcat.run(120, Map.of(), null, "java", "scripts/lib/ServerXmlEdit.java", "harden",
                "conf/server-fragment.xml", "--dry-run");
        assertEquals(10, fragment.exit(), fragment.output());

        // TEST: a second run
        byte[] installedXml = Files.readAllBytes(serverXml);
        byte[] installedProps = Files.readAllBytes(props);
        DemoServer.Result second = tomcat.install(null, home.toString());

        // VERIFY: idempotent
        assertEquals(0, second.exit(), second.output());
        assertTrue(second.output().contains("already declares"), second.output());
        assertArrayEquals(installedXml, Files.readAllBytes(serverXml), "the second run changed server.xml");
        assertArrayEquals(installedProps, Files.readAllBytes(props), "the second run changed catalina.properties");
        assertEquals(1, backups().size(), "the second run wrote a backup");
        installed = true;
    }

    @Test
    @Order(3)
    void catalinaPropertiesFragmentWorksAsWritten() throws Exception {
        // PREPARE: an administrator who appended conf/catalina.properties.fragment as it ships
        assumeTrue(installed, "not installed");
        Path props = home.resolve("conf/catalina.properties");
        List<String> commands = fragmentCommands();
        assertEquals(2, commands.size(), "the fragment's two command blocks (replace the secret, register it): "
                + commands);
        String placeholder = Files.readAllLines(DemoServer.root().resolve("conf/catalina.properties.fragment")).stream()
                .filter(l -> l.startsWith("scope.valve.clientSecret=")).findFirst().orElseThrow();
        Files.writeString(props, Files.readString(props).replaceFirst("(?m)^scope\\.valve\\.clientSecret=.*$",
                Matcher.quoteReplacement(placeholder)));

        // TEST: with the placeholder, the valve refuses to start and Tomcat with it
        tomcat.startExpectingFailure();

        // VERIFY: one clear line
        String out = Files.readString(home.resolve("logs/catalina.out"));
        assertTrue(out.contains("ScopeValve configuration invalid: clientSecret is the documentation's placeholder"),
                out);

        // TEST: the fragment's first command block, exactly as written
        DemoServer.Result replaced = tomcat.run(60, tomcat.tokenctlEnv(), null, "bash", "-c", "set -e\n" + commands.get(0));

        // VERIFY
        assertEquals(0, replaced.exit(), replaced.output());
        String secret = valveSecret();
        assertTrue(secret.matches("[A-Za-z0-9_-]{43}"), "not a fresh 256-bit secret: " + secret.length() + " chars");
        assertEquals(1, count(Files.readString(props), "\nscope.valve.clientSecret="));
    }

    @Test
    @Order(4)
    void tomcatStartsWithTheTokenServiceAndTheProtectedSample() throws Exception {
        // PREPARE
        assumeTrue(installed, "not installed");
        Files.copy(DemoServer.root().resolve("sample-orders/target/orders.war"), home.resolve("webapps/orders.war"),
                StandardCopyOption.REPLACE_EXISTING);

        // TEST
        long t0 = System.nanoTime();
        tomcat.start(METADATA_URL, BASE_URL + "/orders/health");

        // VERIFY
        System.out.printf("[e2e] install: Tomcat %s up on %d in %d ms%n", DemoServer.tomcat10(),
                Integer.valueOf(HTTP_PORT), Long.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
        assertEquals(200, http.get(METADATA_URL, null).status());
        // RFC 8414 section 3: where a client library looks for the metadata of the issuer .../token
        Http.Response rfc8414 = http.get(BASE_URL + "/.well-known/oauth-authorization-server/token", null);
        assertEquals(200, rfc8414.status(), rfc8414::toString);
        assertTrue(rfc8414.body().contains("\"token_endpoint\""), rfc8414::toString);
        assertEquals(200, http.get(BASE_URL + "/orders/health", null).status());
        Http.Response unmatched = http.get(BASE_URL + "/", null); // the stock ROOT webapp: no rule matches
        assertEquals(403, unmatched.status(), unmatched::toString);
        assertTrue(Files.isRegularFile(home.resolve("conf/token-admin.secret")), "no admin secret written");
    }

    @Test
    @Order(5)
    void nextStepsWithTokenctl() throws Exception {
        // PREPARE
        assumeTrue(tomcat.started(), "Tomcat did not start");

        // TEST: registering the valve's client exactly as conf/catalina.properties.fragment writes it (the same
        // command as docs/operations.md and scripts/install's next steps)
        DemoServer.Result valve = tomcat.run(60, tomcat.tokenctlEnv(), null, "bash", "-c", "set -e\n" + fragmentCommands().get(1));
        DemoServer.Result read = tomcat.tokenctl(null, "scope", "add", "read", "--roles", "reader");
        DemoServer.Result update = tomcat.tokenctl(null, "scope", "add", "update", "--roles", "writer");
        DemoServer.Result user = tomcat.tokenctl(PASSWORD + "\n", "user", "add", USER, "--roles", "reader");
        DemoServer.Result shop = tomcat.tokenctl(null, "client", "add", "shop", "--grant-types", "password,refresh_token");

        // VERIFY
        assertEquals(0, valve.exit(), valve.output());
        assertTrue(valve.output().contains("client_id:     scope-valve"), valve.output());
        assertFalse(valve.output().contains(valveSecret()), "the valve's secret was printed");
        assertEquals(0, read.exit(), read.output());
        assertEquals(0, update.exit(), update.output());
        assertEquals(0, user.exit(), user.output());
        assertEquals(0, shop.exit(), shop.output());
        clientId = InstalledTomcat.field(shop.output(), "client_id");
        clientSecret = InstalledTomcat.field(shop.output(), "client_secret");
        DemoServer.Result clients = tomcat.tokenctl(null, "client", "list");
        assertEquals(0, clients.exit(), clients.output());
        assertTrue(clients.output().contains("scope-valve"), clients.output());
        registered = true;
    }

    @Test
    @Order(6)
    void theSampleIsProtectedAsInTheDemo() throws Exception {
        // PREPARE
        assumeTrue(registered, "the next steps failed");

        // TEST: the seed's password grant (Basic header); the user holds role reader only
        Http.Response grant = http.postForm(TOKEN_URL, Http.basic(clientId, clientSecret),
                "grant_type=password&username=" + Http.form(USER) + "&password=" + Http.form(PASSWORD)
                        + "&scope=" + Http.form("read update"));

        // VERIFY
        assertEquals(200, grant.status(), grant::toString);
        JsonNode tokens = grant.json();
        String token = tokens.path("access_token").asText();
        assertFalse(token.isEmpty(), tokens::toString);
        assertFalse(tokens.path("refresh_token").asText().isEmpty(), tokens::toString);
        assertEquals("Bearer", tokens.path("token_type").asText(), tokens::toString);
        assertEquals("read", tokens.path("scope").asText(), tokens::toString);
        DemoServer.Result hashes = tomcat.tokenctl(null, "password-hash");
        assertEquals(0, hashes.exit(), hashes.output());
        assertTrue(hashes.output().contains("algorithm=argon2id"), hashes.output());
        Matcher counted = Pattern.compile("(?m)^hashes=(\\d+)$").matcher(hashes.output());
        assertTrue(counted.find(), hashes.output());
        assertTrue(Long.parseLong(counted.group(1)) >= 2, "user add and the login both hash: " + hashes.output());
        assertFalse(hashes.output().contains(PASSWORD), "a password was printed");

        Http.Response ok = http.get(PROTECTED_URL, token);
        assertEquals(200, ok.status(), ok::toString);
        JsonNode who = ok.json();
        assertEquals(USER, who.path("user").asText(), who::toString);
        assertEquals("BEARER", who.path("authType").asText(), who::toString);
        assertEquals(clientId, who.path("clientId").asText(), who::toString);
        assertEquals("read", who.path("scopes").asText(), who::toString);

        AbstractValveIT.assertInsufficientScope(http.get(SCOPED_URL, token));

        Http.Response none = http.get(PROTECTED_URL, null);
        assertEquals(401, none.status(), none::toString);
        String challenge = none.header("WWW-Authenticate");
        assertNotNull(challenge, none::toString);
        assertTrue(challenge.startsWith("Bearer realm="), challenge);

        // TEST: revocation
        Http.Response revoke = http.postForm(TOKEN_URL + "/revoke", Http.basic(clientId, clientSecret),
                "token=" + Http.form(token));
        assertEquals(200, revoke.status(), revoke::toString);
        Poll.Result<Http.Response> after = Poll.within("the revoked token refused by the installed valve",
                REVOCATION_LIMIT, () -> http.get(PROTECTED_URL, token), r -> r.status() != 200);

        // VERIFY
        System.out.printf("[e2e] install: revocation refused by the installed valve after %d ms%n",
                Long.valueOf(after.millis()));
        AbstractValveIT.assertInvalidToken(after.value());
    }

    @Test
    @Order(7)
    void hostileRequestsGetBareErrorPagesAndNoLogKeepsTheirCredentials() throws Exception {
        assumeTrue(tomcat.started(), "Tomcat did not start");
        HostileRequests.attack("install on " + DemoServer.tomcat10(), 600, HTTP_PORT, -1, null, home.resolve("logs"));
    }

    // ------------------------------------------------------------------------------------ helpers

    /** The shell commands of conf/catalina.properties.fragment: its indented comment blocks, one string each. */
    private static List<String> fragmentCommands() throws IOException {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : Files.readAllLines(DemoServer.root().resolve("conf/catalina.properties.fragment"))) {
            if (line.startsWith("#     ")) {
                block = block == null ? new StringBuilder() : block.append('\n');
                block.append(line.substring(1).strip());
            } else if (block != null) {
                blocks.add(block.toString());
                block = null;
            }
        }
        return blocks;
    }

    private static String valveSecret() throws IOException {
        for (String line : Files.readAllLines(home.resolve("conf/catalina.properties"))) {
            if (line.startsWith("scope.valve.clientSecret=")) {
                return line.substring("scope.valve.clientSecret=".length());
            }
        }
        throw new AssertionError("no scope.valve.clientSecret in catalina.properties");
    }

    private static List<Path> backups() throws IOException {
        try (Stream<Path> s = Files.list(home.resolve("conf"))) {
            return s.filter(p -> p.getFileName().toString().matches("server\\.xml\\.scopegate-\\d{8}-\\d{6}\\.bak"))
                    .sorted().toList();
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    private static String stripComments(String xml) {
        return xml.replaceAll("(?s)<!--.*?-->", "");
    }

    /** Relative path to SHA-256 of every file of the distribution (logs, work and temp aside). */
    private static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> m = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith("logs") || rel.startsWith("work") || rel.startsWith("temp")) {
                    continue;
                }
                m.put(rel, Files.isDirectory(p) ? "dir" : HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
            }
        }
        return m;
    }
}
