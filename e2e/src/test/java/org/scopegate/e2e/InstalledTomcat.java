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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.scopegate.testsupport.Poll;

/**
 * An administrator's stock Tomcat 10.1 for the tests of {@code scripts/install}: the distribution unpacked under
 * {@code e2e/target/e2e/<name>/} (CATALINA_HOME = CATALINA_BASE), its HTTP connector moved to a test port on
 * 127.0.0.1 and its shutdown port moved too, only ROOT left in {@code webapps}; started and stopped with
 * {@code catalina.sh} as an administrator does. Once started it is always stopped ({@code catalina.sh stop 20
 * -force}), by {@link #close()} and by a JVM shutdown hook.
 */
final class InstalledTomcat implements AutoCloseable {

    private static final long START_TIMEOUT_MS = 120_000;

    private final String name;
    private final int httpPort;
    private final Path dir;
    private final Path home;
    private final Path pidFile;
    private final Http http = Http.plain();
    private volatile boolean started;
    private Thread stopHook;

    private InstalledTomcat(String name, int httpPort, Path dir, Path home) {
        this.name = name;
        this.httpPort = httpPort;
        this.dir = dir;
        this.home = home;
        this.pidFile = dir.resolve("tomcat.pid");
    }

    /**
     * Unpacks a fresh distribution, after checking that its ports are free.
     *
     * @param name         the work directory's name under {@link DemoServer#workDir()}, and the log prefix
     * @param httpPort     the HTTP connector's port (bound to 127.0.0.1)
     * @param shutdownPort the shutdown port
     * @return the Tomcat, not started
     * @throws Exception when a port is taken or the distribution cannot be unpacked
     */
    static InstalledTomcat unpack(String name, int httpPort, int shutdownPort) throws Exception {
        for (int port : new int[] {httpPort, shutdownPort}) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                throw new IllegalStateException("port " + port + " is taken (a Tomcat of an earlier run?)", e);
            }
        }
        Path dir = DemoServer.workDir().resolve(name);
        DemoServer.deleteTree(dir);
        Files.createDirectories(dir);
        Path home = dir.resolve("apache-tomcat-" + DemoServer.tomcat10());
        Files.createDirectories(home);
        InstalledTomcat tomcat = new InstalledTomcat(name, httpPort, dir, home);
        DemoServer.Result untar = tomcat.run(60, Map.of(), null, "tar", "-xzf",
                tomcat.distribution(DemoServer.tomcat10()).toString(), "-C", home.toString(), "--strip-components=1");
        assertEquals(0, untar.exit(), untar.output());

        Path serverXml = home.resolve("conf/server.xml");
        String xml = Files.readString(serverXml);
        String connector = "<Connector port=\"8080\" protocol=\"HTTP/1.1\"";
        assertTrue(xml.contains(connector) && xml.contains("<Server port=\"8005\""), "unexpected stock server.xml");
        Files.writeString(serverXml, xml.replaceFirst(Pattern.quote(connector), Matcher.quoteReplacement(
                "<Connector port=\"" + httpPort + "\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\""))
                .replace("<Server port=\"8005\"", "<Server port=\"" + shutdownPort + "\"")
                .replace("port=\"8080\"", "port=\"" + httpPort + "\"")); // the commented-out executor variant
        // as many administrators do: only ROOT stays
        for (String app : new String[] {"docs", "examples", "manager", "host-manager"}) {
            DemoServer.deleteTree(home.resolve("webapps").resolve(app));
        }
        return tomcat;
    }

    /** The stock Tomcat distribution: from ~/.m2, else fetched into {@code <dir>/dist}. */
    private Path distribution(String version) throws Exception {
        String file = "tomcat-" + version + ".tar.gz";
        Path cached = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "apache", "tomcat",
                "tomcat", version, file);
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        Path dist = dir.resolve("dist");
        DemoServer.Result r = run(300, Map.of(), null, "mvn", "-B", "-q", "-N", "dependency:copy",
                "-Dartifact=org.apache.tomcat:tomcat:" + version + ":tar.gz", "-DoutputDirectory=" + dist);
        assertEquals(0, r.exit(), r.output());
        return dist.resolve(file);
    }

    /** CATALINA_HOME, which is also CATALINA_BASE. */
    Path home() {
        return home;
    }

    /** {@code http://127.0.0.1:<port>}. */
    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    int httpPort() {
        return httpPort;
    }

    /** A client for plain HTTP to it. */
    Http http() {
        return http;
    }

    /** Whether {@code catalina.sh start} was run and it has not been stopped since. */
    boolean started() {
        return started;
    }

    /**
     * Starts Tomcat with {@code catalina.sh start} and waits until each URL answers 200.
     *
     * @param readyUrls what must answer 200 (e.g. the token service's metadata)
     * @throws Exception when it exits or is not up within 120 s (with the tail of catalina.out)
     */
    void start(String... readyUrls) throws Exception {
        if (stopHook == null) {
            stopHook = new Thread(this::stopQuietly, "scopegate-e2e-stop-" + name + "-tomcat");
            Runtime.getRuntime().addShutdownHook(stopHook);
        }
        started = true; // from here on, always stopped
        catalina("start");
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        List<Integer> statuses = List.of();
        while (System.currentTimeMillis() < deadline) {
            if (!alive()) {
                started = false;
                throw new AssertionError("Tomcat exited:\n" + catalinaOut());
            }
            statuses = new ArrayList<>();
            for (String url : readyUrls) {
                statuses.add(Integer.valueOf(status(url)));
            }
            if (statuses.stream().allMatch(s -> s.intValue() == 200)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not up within " + START_TIMEOUT_MS + " ms (" + List.of(readyUrls) + " answered "
                + statuses + "):\n" + catalinaOut());
    }

    /** Starts Tomcat and waits for its JVM to give up (a Host that fails to start stops the whole server). */
    void startExpectingFailure() throws Exception {
        catalina("start");
        started = true;
        try {
            Poll.await("Tomcat gives up starting", Duration.ofSeconds(120), () -> Boolean.valueOf(
                    Files.readString(home.resolve("logs/catalina.out")).contains("Tomcat is unable to start")));
        } finally {
            stopQuietly();
            Files.deleteIfExists(pidFile);
        }
    }

    private void catalina(String command) throws Exception {
        DemoServer.Result r = run(60, catalinaEnv(), null, home.resolve("bin/catalina.sh").toString(), command);
        assertEquals(0, r.exit(), r.output());
    }

    private boolean alive() {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(Boolean.FALSE).booleanValue();
        } catch (IOException | NumberFormatException e) {
            return true; // the pid file is written right after the fork
        }
    }

    private int status(String url) {
        try {
            return http.get(url, null).status();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Stops Tomcat if it was started; reports a failure on stderr only. */
    synchronized void stopQuietly() {
        if (!started) {
            return;
        }
        try {
            DemoServer.Result r = run(60, catalinaEnv(), null, home.resolve("bin/catalina.sh").toString(), "stop",
                    "20", "-force");
            if (r.exit() != 0) {
                System.err.println("[e2e] " + name + ": catalina.sh stop: " + r.output());
            }
        } catch (Exception e) {
            System.err.println("[e2e] " + name + ": could not stop Tomcat: " + e);
        } finally {
            started = false;
        }
    }

    @Override
    public void close() {
        stopQuietly();
        if (stopHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopHook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    /** The last 80 lines of {@code logs/catalina.out}. */
    String catalinaOut() {
        return DemoServer.tail(home.resolve("logs/catalina.out"), 80);
    }

    /** Every file in {@code logs/}. */
    List<Path> logs() throws IOException {
        try (var s = Files.list(home.resolve("logs"))) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    /**
     * {@code bash scripts/install args…}.
     *
     * @param stdin text for standard input (e.g. the password for {@code --jdbc-password-file -}), or null
     * @param args  its arguments
     * @return exit status and output
     * @throws Exception when it cannot be run or takes more than 180 s
     */
    DemoServer.Result install(String stdin, String... args) throws Exception {
        return run(180, Map.of(), stdin, command("scripts/install", args));
    }

    /**
     * {@code bash scripts/tokenctl args…} against this Tomcat, with {@link #tokenctlEnv()}.
     *
     * @param stdin text for standard input, or null
     * @param args  its arguments
     * @return exit status and output
     * @throws Exception when it cannot be run or takes more than 60 s
     */
    DemoServer.Result tokenctl(String stdin, String... args) throws Exception {
        return run(60, tokenctlEnv(), stdin, command("scripts/tokenctl", args));
    }

    private static String[] command(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", script));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    /** What an administrator exports for tokenctl after the install: the admin URL, its secret, the base. */
    Map<String, String> tokenctlEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TOKEN_ADMIN_URL", baseUrl() + "/token/admin");
        env.put("TOKEN_ADMIN_SECRET_FILE", home.resolve("conf/token-admin.secret").toString());
        env.put("CATALINA_BASE", home.toString());
        return env;
    }

    private Map<String, String> catalinaEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CATALINA_HOME", home.toString());
        env.put("CATALINA_BASE", home.toString());
        env.put("CATALINA_PID", pidFile.toString());
        env.put("JAVA_OPTS", "-Xmx512m");
        return env;
    }

    /**
     * Runs a command in the repository root with a clean environment: no CATALINA_*, TOKEN*, DEMO_* or JAVA_OPTS of
     * the build, and a DEMO_DIR that does not exist, so that tokenctl never reads the repository's
     * {@code target/demo/demo.env}.
     *
     * @param timeoutSeconds how long it may take
     * @param env            variables to add
     * @param stdin          text for standard input, or null
     * @param command        the program and its arguments
     * @return exit status and combined output
     * @throws Exception when it cannot be run or times out
     */
    DemoServer.Result run(int timeoutSeconds, Map<String, String> env, String stdin, String... command)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(DemoServer.root().toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CATALINA_") || k.startsWith("TOKEN")
                || k.startsWith("DEMO_") || k.equals("JAVA_OPTS") || k.equals("JRE_HOME"));
        pb.environment().put("DEMO_DIR", dir.resolve("no-demo").toString());
        pb.environment().putAll(env);
        return DemoServer.runProcess(pb, dir, "run", stdin, timeoutSeconds);
    }

    /**
     * A field of tokenctl's output, {@code name:   value} on a line of its own.
     *
     * @param output tokenctl's output
     * @param field  the field's name, e.g. {@code client_secret}
     * @return its value
     */
    static String field(String output, String field) {
        Matcher m = Pattern.compile("(?m)^" + field + ":\\s+(\\S+)\\s*$").matcher(output);
        assertTrue(m.find(), () -> "no " + field + " in:\n" + output);
        return m.group(1);
    }

    /**
     * A token's life at the installed token service, as a client sees it: issued (client credentials), introspected,
     * revoked, introspected again.
     *
     * @param tokenUrl the token endpoint
     * @param app      tokenctl's output for an application allowed client_credentials and introspection
     * @return the four answers
     */
    TokenLife tokenLife(String tokenUrl, DemoServer.Result app) throws Exception {
        String basic = Http.basic(field(app.output(), "client_id"), field(app.output(), "client_secret"));
        Http.Response grant = http().postForm(tokenUrl, basic, "grant_type=client_credentials");
        if (grant.status() != 200) {
            return new TokenLife(grant, null, null, null);
        }
        String token = "token=" + Http.form(grant.json().get("access_token").asText());
        Http.Response active = http().postForm(tokenUrl + "/introspect", basic, token);
        Http.Response revoke = http().postForm(tokenUrl + "/revoke", basic, token);
        Http.Response revoked = http().postForm(tokenUrl + "/introspect", basic, token);
        return new TokenLife(grant, active, revoke, revoked);
    }

    /** The answers of {@link #tokenLife}: after a refused grant, only {@code grant}. */
    record TokenLife(Http.Response grant, Http.Response active, Http.Response revoke, Http.Response revoked) {
    }
}
