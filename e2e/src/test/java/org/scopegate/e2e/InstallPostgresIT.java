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
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.PostgresCluster;

/**
 * The README's PostgreSQL install, as an administrator follows it: on a PostgreSQL server (a throwaway cluster on a
 * free port), the role and its database created with the documented SQL; then {@code scripts/install --no-valve
 * --jdbc-url … --jdbc-user … --jdbc-password-file -} into a stock Tomcat 10.1 (ports 11590 and 11515), and
 * {@code catalina.sh start}. Shows: the driver jar in {@code $CATALINA_HOME/lib}, the global DataSource in
 * {@code server.xml} with the password only in {@code catalina.properties} (owner-only), the schema created by the
 * webapp in that database and owned by that role, no Derby database made, and tokens issued, introspected and
 * revoked with their rows in PostgreSQL; the password in no log and no output.
 */
class InstallPostgresIT {

    private static final int HTTP_PORT = 11590;
    private static final int SHUTDOWN_PORT = 11515;
    private static final String BASE_URL = "http://127.0.0.1:" + HTTP_PORT;
    private static final String TOKEN_URL = BASE_URL + "/token";
    private static final String METADATA_URL = BASE_URL + "/token/.well-known/oauth-authorization-server";
    private static final long START_TIMEOUT_MS = 120_000;
    private static final String ROLE = "token_service";
    private static final String DATABASE = "scopegate";
    /** Characters a properties file and an XML attribute treat specially. */
    private static final String PASSWORD = "Store pass\\word #1: x=y! & <" + Long.toHexString(System.nanoTime());

    private static PostgresCluster cluster;
    private static Path dir;
    private static Path home;
    private static Path pidFile;
    private static HttpClient client;
    private static volatile boolean started;
    private static Thread stopHook;

    @BeforeAll
    static void prepare() throws Exception {
        for (int port : new int[] {HTTP_PORT, SHUTDOWN_PORT}) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                throw new IllegalStateException("port " + port + " is taken (a Tomcat of an earlier run?)", e);
            }
        }
        cluster = PostgresCluster.startNew();
        // docs/operations.md, "The role and the database", as a superuser
        try (Connection c = cluster.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD.replace("'", "''") + "'");
            st.execute("CREATE DATABASE " + DATABASE + " OWNER " + ROLE + " ENCODING 'UTF8'");
        }

        dir = DemoServer.workDir().resolve("install-postgres");
        DemoServer.deleteTree(dir);
        Files.createDirectories(dir);
        home = dir.resolve("apache-tomcat-" + DemoServer.tomcat10());
        Files.createDirectories(home);
        DemoServer.Result untar = run(60, Map.of(), null, "tar", "-xzf",
                InstallScriptIT.tomcatDistribution(dir, DemoServer.tomcat10()).toString(), "-C", home.toString(),
                "--strip-components=1");
        assertEquals(0, untar.exit(), untar.output());
        pidFile = dir.resolve("tomcat.pid");
        Path serverXml = home.resolve("conf/server.xml");
        String xml = Files.readString(serverXml);
        String connector = "<Connector port=\"8080\" protocol=\"HTTP/1.1\"";
        assertTrue(xml.contains(connector) && xml.contains("<Server port=\"8005\""), "unexpected stock server.xml");
        Files.writeString(serverXml, xml.replaceFirst(Pattern.quote(connector), Matcher.quoteReplacement(
                "<Connector port=\"" + HTTP_PORT + "\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\""))
                .replace("<Server port=\"8005\"", "<Server port=\"" + SHUTDOWN_PORT + "\"")
                .replace("port=\"8080\"", "port=\"" + HTTP_PORT + "\""));
        for (String app : new String[] {"docs", "examples", "manager", "host-manager"}) {
            DemoServer.deleteTree(home.resolve("webapps").resolve(app));
        }
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @AfterAll
    static void stop() {
        stopQuietly();
        if (stopHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopHook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void installWhenJdbcUrlThenTokenServiceRunsOnThatDatabase() throws Exception {
        // PREPARE
        String url = "jdbc:postgresql://127.0.0.1:" + cluster.port() + "/" + DATABASE;

        // TEST
        DemoServer.Result install = run(180, Map.of(), PASSWORD + "\n", "bash", "scripts/install", "--no-valve",
                "--jdbc-url", url, "--jdbc-user", ROLE, "--jdbc-password-file", "-", home.toString());

        // VERIFY: what the README says it does
        assertEquals(0, install.exit(), install.output());
        assertFalse(install.output().contains(PASSWORD), "the password was printed");
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            assertEquals(1, lib.filter(p -> p.getFileName().toString().matches("postgresql-[0-9.]+\\.jar")).count(),
                    "the PostgreSQL driver in $CATALINA_HOME/lib");
        }
        String xml = Files.readString(home.resolve("conf/server.xml"));
        assertTrue(xml.contains("name=\"jdbc/OAuthStore\"") && xml.contains("org.postgresql.Driver")
                && xml.contains("url=\"" + url + "\"") && xml.contains("username=\"" + ROLE + "\"")
                && xml.contains("password=\"${scopegate.store.password}\""), xml);
        Path props = home.resolve("conf/catalina.properties");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(props)));
        String tokenXml = Files.readString(home.resolve("conf/Catalina/localhost/token.xml"));
        assertTrue(tokenXml.contains("global=\"jdbc/OAuthStore\"") && tokenXml.contains("dataSourceName"), tokenXml);

        // TEST: Tomcat started as the README says, then the README's next steps with tokenctl
        startTomcat();
        DemoServer.Result app = tokenctl("client", "add", "billing", "--grant-types", "client_credentials",
                "--introspect");
        assertEquals(0, app.exit(), app.output());
        String basic = Http.basic(field(app.output(), "client_id"), field(app.output(), "client_secret"));
        HttpResponse<String> grant = post(TOKEN_URL, basic, "grant_type=client_credentials");
        assertEquals(200, grant.statusCode(), grant.body());
        String token = json(grant.body()).get("access_token").asText();
        HttpResponse<String> active = post(TOKEN_URL + "/introspect", basic, "token=" + Http.form(token));
        HttpResponse<String> revoke = post(TOKEN_URL + "/revoke", basic, "token=" + Http.form(token));
        HttpResponse<String> revoked = post(TOKEN_URL + "/introspect", basic, "token=" + Http.form(token));

        // VERIFY: the token service answers from that PostgreSQL database, and nothing went to Derby
        assertTrue(json(active.body()).get("active").asBoolean(), active.body());
        assertEquals(200, revoke.statusCode(), revoke.body());
        assertFalse(json(revoked.body()).get("active").asBoolean(), revoked.body());
        try (Connection c = cluster.connect(DATABASE)) {
            assertEquals(ROLE, single(c, "SELECT tableowner FROM pg_tables WHERE tablename = 'oauth_token'"));
            assertEquals("1", single(c, "SELECT COUNT(*) FROM oauth_client WHERE name = 'billing'"));
            assertEquals("1", single(c, "SELECT COUNT(*) FROM oauth_token"));
            assertEquals("t", single(c, "SELECT bool_and(success) FROM flyway_schema_history"));
        }
        assertFalse(Files.exists(home.resolve("data/scopegate")), "a Derby database was made");
        for (Path log : logs()) {
            assertFalse(Files.readString(log, StandardCharsets.ISO_8859_1).contains(PASSWORD),
                    "the password in " + log);
        }
    }

    private static String single(Connection c, String sql) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    private static List<Path> logs() throws IOException {
        try (Stream<Path> s = Files.list(home.resolve("logs"))) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static JsonNode json(String body) throws IOException {
        return new ObjectMapper().readTree(body);
    }

    private static String field(String output, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\S+)\\s*$").matcher(output);
        assertTrue(m.find(), () -> "no " + name + " in:\n" + output);
        return m.group(1);
    }

    private static HttpResponse<String> post(String url, String authorization, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static int status(String url) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static DemoServer.Result tokenctl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "scripts/tokenctl"));
        cmd.addAll(List.of(args));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TOKEN_ADMIN_URL", BASE_URL + "/token/admin");
        env.put("TOKEN_ADMIN_SECRET_FILE", home.resolve("conf/token-admin.secret").toString());
        env.put("CATALINA_BASE", home.toString());
        return run(60, env, null, cmd.toArray(String[]::new));
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
        stopHook = new Thread(InstallPostgresIT::stopQuietly, "scopegate-e2e-stop-install-postgres-tomcat");
        Runtime.getRuntime().addShutdownHook(stopHook);
        started = true;
        DemoServer.Result r = run(60, catalinaEnv(), null, home.resolve("bin/catalina.sh").toString(), "start");
        assertEquals(0, r.exit(), r.output());
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (status(METADATA_URL) == 200) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not up within " + START_TIMEOUT_MS + " ms:\n" + catalinaOut());
    }

    private static synchronized void stopQuietly() {
        if (!started || home == null) {
            return;
        }
        try {
            DemoServer.Result r = run(60, catalinaEnv(), null, home.resolve("bin/catalina.sh").toString(), "stop", "20",
                    "-force");
            if (r.exit() != 0) {
                System.err.println("[e2e] install-postgres: catalina.sh stop: " + r.output());
            }
        } catch (Exception e) {
            System.err.println("[e2e] install-postgres: could not stop Tomcat: " + e);
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

    /** A command in the repository root, without the build's CATALINA_*, TOKEN*, DEMO_* or JAVA_OPTS. */
    private static DemoServer.Result run(int timeoutSeconds, Map<String, String> env, String stdin, String... command)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(DemoServer.root().toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CATALINA_") || k.startsWith("TOKEN")
                || k.startsWith("DEMO_") || k.equals("JAVA_OPTS") || k.equals("JRE_HOME"));
        pb.environment().put("DEMO_DIR", dir.resolve("no-demo").toString());
        pb.environment().putAll(env);
        return DemoServer.runProcess(pb, dir, "run", stdin, timeoutSeconds);
    }
}
