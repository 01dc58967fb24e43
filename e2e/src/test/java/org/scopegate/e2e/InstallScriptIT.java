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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
 * ({@code catalina.sh stop 20 -force}), by {@code @AfterAll} and by a JVM shutdown hook.
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
    private static final long START_TIMEOUT_MS = 120_000;
    private static final Duration REVOCATION_LIMIT = Duration.ofSeconds(2);

    private static final String USER = "alice";
    private static final String PASSWORD = "Quartz-" + Long.toHexString(System.nanoTime()) + "-pw";

    private static Path dir;
    private static Path home;
    private static Path pidFile;
    private static HttpClient client;
    private static boolean installed;
    private static volatile boolean started;
    private static boolean registered;
    private static String clientId;
    private static String clientSecret;
    private static Thread stopHook;

    @BeforeAll
    static void unpackTomcat() throws Exception {
        for (int port : new int[] {HTTP_PORT, SHUTDOWN_PORT}) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                throw new IllegalStateException("port " + port + " is taken (a Tomcat of an earlier run?)", e);
            }
        }
        dir = DemoServer.workDir().resolve("install");
        DemoServer.deleteTree(dir);
        Files.createDirectories(dir);
        Path tgz = tomcatDistribution(DemoServer.tomcat10());
        home = dir.resolve("apache-tomcat-" + DemoServer.tomcat10());
        Files.createDirectories(home);
        DemoServer.Result untar = run(60, Map.of(), null, "tar", "-xzf", tgz.toString(), "-C", home.toString(),
                "--strip-components=1");
        assertEquals(0, untar.exit(), untar.output());
        pidFile = dir.resolve("tomcat.pid");

        // the administrator's Tomcat, moved to a free port block and bound to 127.0.0.1
        Path serverXml = home.resolve("conf/server.xml");
        String xml = Files.readString(serverXml);
        String connector = "<Connector port=\"8080\" protocol=\"HTTP/1.1\"";
        assertTrue(xml.contains(connector) && xml.contains("<Server port=\"8005\""), "unexpected stock server.xml");
        xml = xml.replaceFirst(Pattern.quote(connector), Matcher.quoteReplacement(
                "<Connector port=\"" + HTTP_PORT + "\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\""))
                .replace("<Server port=\"8005\"", "<Server port=\"" + SHUTDOWN_PORT + "\"")
                .replace("port=\"8080\"", "port=\"" + HTTP_PORT + "\""); // the commented-out executor variant
        assertFalse(Pattern.compile("<Connector[^>]*AJP").matcher(stripComments(xml)).find(),
                "an active AJP connector in the stock server.xml");
        Files.writeString(serverXml, xml);
        // as many administrators do: only ROOT stays (refused by the valve as unmatched)
        for (String app : new String[] {"docs", "examples", "manager", "host-manager"}) {
            DemoServer.deleteTree(home.resolve("webapps").resolve(app));
        }

        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @AfterAll
    static void stopTomcat() {
        stopQuietly();
        if (stopHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopHook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    @Test
    @Order(1)
    void dryRunChangesNothing() throws Exception {
        // PREPARE
        Map<String, String> before = snapshot(home);

        // TEST
        DemoServer.Result r = install("--dry-run", home.toString());

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
        DemoServer.Result first = install(home.toString());

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
        DemoServer.Result fragment = run(120, Map.of(), null, "java", "scripts/lib/ServerXmlEdit.java", "harden",
                "conf/server-fragment.xml", "--dry-run");
        assertEquals(10, fragment.exit(), fragment.output());

        // TEST: a second run
        byte[] installedXml = Files.readAllBytes(serverXml);
        byte[] installedProps = Files.readAllBytes(props);
        DemoServer.Result second = install(home.toString());

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
        startTomcatExpectingFailure();

        // VERIFY: one clear line
        String out = Files.readString(home.resolve("logs/catalina.out"));
        assertTrue(out.contains("ScopeValve configuration invalid: clientSecret is the documentation's placeholder"),
                out);

        // TEST: the fragment's first command block, exactly as written
        DemoServer.Result replaced = run(60, tokenctlEnv(), null, "bash", "-c", "set -e\n" + commands.get(0));

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
        startTomcat();

        // VERIFY
        System.out.printf("[e2e] install: Tomcat %s up on %d in %d ms%n", DemoServer.tomcat10(),
                Integer.valueOf(HTTP_PORT), Long.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
        assertEquals(200, get(METADATA_URL, null).status());
        assertEquals(200, get(BASE_URL + "/orders/health", null).status());
        Http.Response unmatched = get(BASE_URL + "/", null); // the stock ROOT webapp: no rule matches
        assertEquals(403, unmatched.status(), unmatched::toString);
        assertTrue(Files.isRegularFile(home.resolve("conf/token-admin.secret")), "no admin secret written");
    }

    @Test
    @Order(5)
    void nextStepsWithTokenctl() throws Exception {
        // PREPARE
        assumeTrue(started, "Tomcat did not start");

        // TEST: registering the valve's client exactly as conf/catalina.properties.fragment writes it (the same
        // command as docs/operations.md and scripts/install's next steps)
        DemoServer.Result valve = run(60, tokenctlEnv(), null, "bash", "-c", "set -e\n" + fragmentCommands().get(1));
        DemoServer.Result read = tokenctl(null, "scope", "add", "read", "--roles", "reader");
        DemoServer.Result update = tokenctl(null, "scope", "add", "update", "--roles", "writer");
        DemoServer.Result user = tokenctl(PASSWORD + "\n", "user", "add", USER, "--roles", "reader");
        DemoServer.Result shop = tokenctl(null, "client", "add", "shop", "--grant-types", "password,refresh_token");

        // VERIFY
        assertEquals(0, valve.exit(), valve.output());
        assertTrue(valve.output().contains("client_id:     scope-valve"), valve.output());
        assertFalse(valve.output().contains(valveSecret()), "the valve's secret was printed");
        assertEquals(0, read.exit(), read.output());
        assertEquals(0, update.exit(), update.output());
        assertEquals(0, user.exit(), user.output());
        assertEquals(0, shop.exit(), shop.output());
        clientId = field(shop.output(), "client_id");
        clientSecret = field(shop.output(), "client_secret");
        DemoServer.Result clients = tokenctl(null, "client", "list");
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
        Http.Response grant = postForm(TOKEN_URL, Http.basic(clientId, clientSecret),
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
        DemoServer.Result hashes = tokenctl(null, "password-hash");
        assertEquals(0, hashes.exit(), hashes.output());
        assertTrue(hashes.output().contains("algorithm=argon2id"), hashes.output());
        Matcher counted = Pattern.compile("(?m)^hashes=(\\d+)$").matcher(hashes.output());
        assertTrue(counted.find(), hashes.output());
        assertTrue(Long.parseLong(counted.group(1)) >= 2, "user add and the login both hash: " + hashes.output());
        assertFalse(hashes.output().contains(PASSWORD), "a password was printed");

        Http.Response ok = get(PROTECTED_URL, token);
        assertEquals(200, ok.status(), ok::toString);
        JsonNode who = ok.json();
        assertEquals(USER, who.path("user").asText(), who::toString);
        assertEquals("BEARER", who.path("authType").asText(), who::toString);
        assertEquals(clientId, who.path("clientId").asText(), who::toString);
        assertEquals("read", who.path("scopes").asText(), who::toString);

        AbstractValveIT.assertInsufficientScope(get(SCOPED_URL, token));

        Http.Response none = get(PROTECTED_URL, null);
        assertEquals(401, none.status(), none::toString);
        String challenge = none.header("WWW-Authenticate");
        assertNotNull(challenge, none::toString);
        assertTrue(challenge.startsWith("Bearer realm="), challenge);

        // TEST: revocation
        Http.Response revoke = postForm(TOKEN_URL + "/revoke", Http.basic(clientId, clientSecret),
                "token=" + Http.form(token));
        assertEquals(200, revoke.status(), revoke::toString);
        Poll.Result<Http.Response> after = Poll.within("the revoked token refused by the installed valve",
                REVOCATION_LIMIT, () -> get(PROTECTED_URL, token), r -> r.status() != 200);

        // VERIFY
        System.out.printf("[e2e] install: revocation refused by the installed valve after %d ms%n",
                Long.valueOf(after.millis()));
        AbstractValveIT.assertInvalidToken(after.value());
    }

    @Test
    @Order(7)
    void hostileRequestsGetBareErrorPagesAndNoLogKeepsTheirCredentials() throws Exception {
        assumeTrue(started, "Tomcat did not start");
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

    /** Starts Tomcat and waits for its JVM to give up (a Host that fails to start stops the whole server). */
    private static void startTomcatExpectingFailure() throws Exception {
        DemoServer.Result r = run(60, catalinaEnv(), null, home.resolve("bin/catalina.sh").toString(), "start");
        assertEquals(0, r.exit(), r.output());
        started = true;
        try {
            Poll.await("Tomcat gives up starting", Duration.ofSeconds(120), () -> Boolean.valueOf(
                    Files.readString(home.resolve("logs/catalina.out")).contains("Tomcat is unable to start")));
        } finally {
            stopQuietly();
            Files.deleteIfExists(pidFile);
        }
    }


    private static DemoServer.Result install(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "scripts/install"));
        cmd.addAll(List.of(args));
        return run(180, Map.of(), null, cmd.toArray(String[]::new));
    }

    private static DemoServer.Result tokenctl(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "scripts/tokenctl"));
        cmd.addAll(List.of(args));
        return run(60, tokenctlEnv(), stdin, cmd.toArray(String[]::new));
    }

    private static Map<String, String> tokenctlEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TOKEN_ADMIN_URL", BASE_URL + "/token/admin");
        env.put("TOKEN_ADMIN_SECRET_FILE", home.resolve("conf/token-admin.secret").toString());
        env.put("CATALINA_BASE", home.toString());
        return env;
    }

    private static Map<String, String> catalinaEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CATALINA_HOME", home.toString());
        env.put("CATALINA_BASE", home.toString());
        env.put("CATALINA_PID", pidFile.toString());
        env.put("JAVA_OPTS", "-Xmx512m");
        return env;
    }

    private static void startTomcat() throws Exception {
        stopHook = new Thread(InstallScriptIT::stopQuietly, "scopegate-e2e-stop-install-tomcat");
        Runtime.getRuntime().addShutdownHook(stopHook);
        started = true; // from here on, always stopped
        DemoServer.Result r = run(60, catalinaEnv(), null, home.resolve("bin/catalina.sh").toString(), "start");
        assertEquals(0, r.exit(), r.output());
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        int metadata = 0;
        int health = 0;
        while (System.currentTimeMillis() < deadline) {
            if (!alive()) {
                started = false;
                throw new AssertionError("Tomcat exited:\n" + catalinaOut());
            }
            metadata = status(METADATA_URL);
            health = status(BASE_URL + "/orders/health");
            if (metadata == 200 && health == 200) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not up within " + START_TIMEOUT_MS + " ms (metadata " + metadata + ", health "
                + health + "):\n" + catalinaOut());
    }

    private static boolean alive() {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(Boolean.FALSE).booleanValue();
        } catch (IOException | NumberFormatException e) {
            return true; // the pid file is written right after the fork
        }
    }

    private static synchronized void stopQuietly() {
        if (!started || home == null) {
            return;
        }
        try {
            DemoServer.Result r = run(60, catalinaEnv(), null, home.resolve("bin/catalina.sh").toString(), "stop", "20",
                    "-force");
            if (r.exit() != 0) {
                System.err.println("[e2e] install: catalina.sh stop: " + r.output());
            }
        } catch (Exception e) {
            System.err.println("[e2e] install: could not stop Tomcat: " + e);
        } finally {
            started = false;
        }
    }

    private static String catalinaOut() {
        try {
            List<String> all = Files.readAllLines(home.resolve("logs/catalina.out"));
            return String.join("\n", all.subList(Math.max(0, all.size() - 80), all.size()));
        } catch (IOException e) {
            return "(no catalina.out: " + e + ")";
        }
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

    private static String field(String output, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\S+)\\s*$").matcher(output);
        assertTrue(m.find(), () -> "no " + name + " in:\n" + output);
        return m.group(1);
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

    private static Path tomcatDistribution(String version) throws Exception {
        String name = "tomcat-" + version + ".tar.gz";
        Path cached = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "apache", "tomcat",
                "tomcat", version, name);
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        Path dist = dir.resolve("dist");
        DemoServer.Result r = run(300, Map.of(), null, "mvn", "-B", "-q", "-N", "dependency:copy",
                "-Dartifact=org.apache.tomcat:tomcat:" + version + ":tar.gz", "-DoutputDirectory=" + dist);
        assertEquals(0, r.exit(), r.output());
        return dist.resolve(name);
    }

    private static int status(String url) {
        try {
            return get(url, null).status();
        } catch (Exception e) {
            return -1;
        }
    }

    private static Http.Response get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    private static Http.Response postForm(String url, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.build());
    }

    private static Http.Response send(HttpRequest req) throws Exception {
        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Http.Response(r.statusCode(), r, r.body());
    }

    /**
     * Runs a command in the repository root with a clean environment: no CATALINA_*, TOKEN_*,
     * DEMO_* or JAVA_OPTS of the build, and a DEMO_DIR that does not exist, so that tokenctl never
     * reads the repository's {@code target/demo/demo.env}.
     */
    private static DemoServer.Result run(int timeoutSeconds, Map<String, String> env, String stdin, String... command)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(DemoServer.root().toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CATALINA_") || k.startsWith("TOKEN")
                || k.startsWith("DEMO_") || k.equals("JAVA_OPTS") || k.equals("JRE_HOME"));
        pb.environment().put("DEMO_DIR", dir.resolve("no-demo").toString());
        pb.environment().putAll(env);
        return DemoServer.runProcess(pb, dir, "run", stdin, timeoutSeconds);
    }

    /** Exit status and combined output of a command. */
}
