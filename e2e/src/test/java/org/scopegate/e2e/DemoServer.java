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

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A demo Tomcat driven through {@code scripts/demo start|stop} with its own {@code DEMO_DIR},
 * {@code PORT_OFFSET}, {@code TOMCAT_VERSION} and {@code DEMO_ROLE}, exactly as a user would run it.
 * Its settings are read back from {@code demo.env}. Every started server is also stopped by a JVM
 * shutdown hook, so that a failing or interrupted test run leaves no Tomcat behind.
 */
public final class DemoServer implements AutoCloseable {

    private static final List<DemoServer> STARTED = Collections.synchronizedList(new ArrayList<>());

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<DemoServer> copy;
            synchronized (STARTED) {
                copy = new ArrayList<>(STARTED);
            }
            for (DemoServer s : copy) {
                s.stopQuietly();
            }
        }, "scopegate-e2e-stop-tomcats"));
    }

    private final String name;
    private final Path demoDir;
    private final Map<String, String> env;
    private volatile String startOutput = "";
    private Map<String, String> settings = Map.of();

    private DemoServer(String name, Path demoDir, Map<String, String> env) {
        this.name = name;
        this.demoDir = demoDir;
        this.env = env;
    }

    /** Repository root (where {@code scripts/} is). */
    public static Path root() {
        return Path.of(System.getProperty("scopegate.root", "..")).toAbsolutePath().normalize();
    }

    /** Directory for the demo directories of the tests. */
    public static Path workDir() {
        return Path.of(System.getProperty("scopegate.e2e.dir", "target/e2e")).toAbsolutePath().normalize();
    }

    /** Tomcat 11 distribution version of the parent pom. */
    public static String tomcat11() {
        return System.getProperty("tomcat11.dist.version", "11.0.24");
    }

    /** Tomcat 10.1 distribution version of the parent pom. */
    public static String tomcat10() {
        return System.getProperty("tomcat10.dist.version", "10.1.59");
    }

    /**
     * Starts a demo Tomcat with the token service, the valve and the sample webapp.
     *
     * @param name its directory name under {@link #workDir()}
     * @param tomcatVersion the distribution version
     * @param portOffset the port offset
     * @return the running server
     * @throws Exception when it does not start
     */
    public static DemoServer startAll(String name, String tomcatVersion, int portOffset) throws Exception {
        return start(name, tomcatVersion, portOffset, Map.of("DEMO_ROLE", "all"), true);
    }

    /**
     * Starts a gateway Tomcat (valve + orders.war) introspecting at the given key manager.
     *
     * @param name its directory name
     * @param tomcatVersion the distribution version
     * @param portOffset the port offset
     * @param keyManager the key manager, whose settings give the URL and the valve's secret
     * @return the running server
     * @throws Exception when it does not start
     */
    public static DemoServer startGateway(String name, String tomcatVersion, int portOffset, DemoServer keyManager)
            throws Exception {
        return startGateway(name, tomcatVersion, portOffset, keyManager, keyManager.get("KEY_MANAGER_URL"));
    }

    /**
     * Starts a gateway Tomcat whose valve reaches the key manager at another address (a relay in front of it).
     *
     * @param name its directory name
     * @param tomcatVersion the distribution version
     * @param portOffset the port offset
     * @param keyManager the key manager, whose settings give the valve's secret
     * @param keyManagerUrl where the gateway reaches it, e.g. {@code http://127.0.0.1:<relay>/token}
     * @return the running server
     * @throws Exception when it does not start
     */
    public static DemoServer startGateway(String name, String tomcatVersion, int portOffset, DemoServer keyManager,
            String keyManagerUrl) throws Exception {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("DEMO_ROLE", "gateway");
        extra.put("KEY_MANAGER_URL", keyManagerUrl);
        extra.put("VALVE_CLIENT_SECRET", keyManager.get("VALVE_CLIENT_SECRET"));
        return start(name, tomcatVersion, portOffset, extra, true);
    }

    /**
     * Starts a demo Tomcat with the token service, the valve and the sample webapp, with more demo settings (for
     * example {@code DEMO_STORE=postgres}, or {@code DEMO_JDBC_URL} and its user and password to join the store of
     * another key manager).
     *
     * @param name its directory name
     * @param tomcatVersion the distribution version
     * @param portOffset the port offset
     * @param extra more environment of {@code scripts/demo}
     * @return the running server
     * @throws Exception when it does not start
     */
    public static DemoServer startAll(String name, String tomcatVersion, int portOffset, Map<String, String> extra)
            throws Exception {
        Map<String, String> env = new LinkedHashMap<>(extra);
        env.put("DEMO_ROLE", "all");
        return start(name, tomcatVersion, portOffset, env, true);
    }

    /**
     * Starts a gateway Tomcat (valve + orders.war) that knows several key managers
     * ({@code KEY_MANAGER_URL} space-separated).
     *
     * @param name its directory name
     * @param tomcatVersion the distribution version
     * @param portOffset the port offset
     * @param keyManagers the key managers, on one store; the first one's settings give the valve's secret
     * @return the running server
     * @throws Exception when it does not start
     */
    public static DemoServer startGateway(String name, String tomcatVersion, int portOffset,
            List<DemoServer> keyManagers) throws Exception {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("DEMO_ROLE", "gateway");
        List<String> urls = new ArrayList<>();
        for (DemoServer k : keyManagers) {
            urls.add(k.get("KEY_MANAGER_URL"));
        }
        extra.put("KEY_MANAGER_URL", String.join(" ", urls));
        extra.put("VALVE_CLIENT_SECRET", keyManagers.get(0).get("VALVE_CLIENT_SECRET"));
        return start(name, tomcatVersion, portOffset, extra, true);
    }

    private static DemoServer start(String name, String tomcatVersion, int portOffset, Map<String, String> extra,
            boolean fresh) throws Exception {
        Path dir = workDir().resolve(name);
        if (fresh) {
            deleteTree(dir.resolve("base"));
            // DEMO_STORE=postgres: the cluster of a previous run holds that run's role password and seed
            deleteTree(dir.resolve("postgres"));
            Files.deleteIfExists(dir.resolve("demo.env"));
            Files.deleteIfExists(dir.resolve("state.env"));
        }
        Files.createDirectories(dir);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DEMO_DIR", dir.toString());
        env.put("PORT_OFFSET", Integer.toString(portOffset));
        env.put("TOMCAT_VERSION", tomcatVersion);
        env.put("DEMO_NO_BUILD", "1");
        env.put("DEMO_START_TIMEOUT", "150");
        env.putAll(extra);
        DemoServer server = new DemoServer(name, dir, env);
        STARTED.add(server);
        server.start();
        return server;
    }

    /**
     * @return what the last {@code scripts/demo start} printed (stdout and stderr)
     */
    public String startOutput() {
        return startOutput;
    }

    /**
     * Runs {@code scripts/demo start} (again): after a stop or a crash, with the same data.
     *
     * @throws Exception when it does not start within the time allowed
     */
    public void start() throws Exception {
        long t0 = System.nanoTime();
        Result r = script(200, "start");
        if (r.exit != 0) {
            throw new IllegalStateException("scripts/demo start (" + name + ") failed with " + r.exit + ":\n"
                    + r.output + "\n--- catalina.out (tail):\n" + tail(demoDir.resolve("base/logs/catalina.out"), 60));
        }
        settings = readEnv(demoDir.resolve("demo.env"));
        startOutput = r.output;
        System.out.printf("[e2e] %s: Tomcat %s up (https %s, http %s) in %d ms%n", name, get("TOMCAT_VERSION"),
                get("HTTPS_PORT"), get("HTTP_PORT"),
                Long.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
    }

    /**
     * Runs {@code scripts/demo stop}.
     *
     * @throws Exception when the script fails
     */
    public void stop() throws Exception {
        Result r = script(60, "stop");
        if (r.exit != 0) {
            throw new IllegalStateException("scripts/demo stop failed: " + r.output);
        }
    }

    /**
     * {@code scripts/demo status}.
     *
     * @return its exit status: 0 running, 3 not running
     * @throws Exception when it cannot be run
     */
    public int status() throws Exception {
        return script(30, "status").exit;
    }

    /**
     * Kills Tomcat's JVM with SIGKILL, as a crash would, and waits for it to be gone.
     *
     * @return the pid that was killed
     * @throws Exception when there is no running Tomcat
     */
    public long kill9() throws Exception {
        long pid = Long.parseLong(Files.readString(demoDir.resolve("base/tomcat.pid")).trim());
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        h.destroyForcibly();
        h.onExit().get(30, TimeUnit.SECONDS);
        return pid;
    }

    /** The value of one demo.env setting. */
    public String get(String key) {
        String v = settings.get(key);
        if (v == null) {
            throw new IllegalStateException(name + ": no " + key + " in demo.env " + settings.keySet());
        }
        return v;
    }

    /** Every demo.env setting. */
    public Map<String, String> settings() {
        return settings;
    }

    /** The demo directory. */
    public Path demoDir() {
        return demoDir;
    }

    /** The environment the demo script runs with (for tokenctl). */
    public Map<String, String> env() {
        return env;
    }

    @Override
    public void close() {
        stopQuietly();
    }

    private void stopQuietly() {
        try {
            if (Files.exists(demoDir.resolve("base/tomcat.pid"))) {
                stop();
            }
        } catch (Exception e) {
            System.err.println("[e2e] could not stop " + name + ": " + e);
        } finally {
            STARTED.remove(this);
        }
    }

    /**
     * Runs a script of the repository with this server's environment.
     *
     * @param timeoutSeconds how long it may take
     * @param command the script (relative to the root) and arguments, e.g. {@code scripts/tokenctl}
     * @return exit status and combined output
     * @throws Exception when it cannot be run or times out
     */
    public Result run(int timeoutSeconds, String... command) throws Exception {
        return runWithInput(timeoutSeconds, null, command);
    }

    /**
     * Runs a script of the repository with this server's environment and the given standard input.
     *
     * @param timeoutSeconds how long it may take
     * @param stdin text for standard input, or null for none
     * @param command the script and its arguments
     * @return exit status and combined output
     * @throws Exception when it cannot be run or times out
     */
    public Result runWithInput(int timeoutSeconds, String stdin, String... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(root().resolve(command[0]).toString());
        for (int i = 1; i < command.length; i++) {
            cmd.add(command[i]);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root().toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        return runProcess(pb, workDir(), name, stdin, timeoutSeconds);
    }

    /**
     * Runs a prepared process to its end, output (stdout and stderr) collected through a file in logDir.
     *
     * @param pb the process, with its directory and environment set
     * @param logDir where the output file lives while it runs
     * @param prefix the output file's name prefix
     * @param stdin text for standard input, or null for none
     * @param timeoutSeconds how long it may take
     * @return exit status and combined output
     * @throws Exception when it cannot be run or times out
     */
    static Result runProcess(ProcessBuilder pb, Path logDir, String prefix, String stdin, int timeoutSeconds)
            throws Exception {
        pb.redirectErrorStream(true);
        Path out = Files.createTempFile(logDir, prefix + "-", ".log");
        pb.redirectOutput(out.toFile());
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", pb.command()) + " took more than " + timeoutSeconds
                    + " s:\n" + Files.readString(out));
        }
        String output = Files.readString(out);
        Files.deleteIfExists(out);
        return new Result(p.exitValue(), output);
    }

    private Result script(int timeoutSeconds, String arg) throws Exception {
        Files.createDirectories(workDir());
        return run(timeoutSeconds, "scripts/demo", arg);
    }

    /** Exit status and output of a script. */
    public record Result(int exit, String output) {
    }

    /**
     * Reads shell assignments {@code KEY=value} / {@code KEY='value'} as written by scripts/demo.
     *
     * @param file demo.env
     * @return the settings in file order
     * @throws IOException when it cannot be read
     */
    static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = line.substring(0, eq);
            String v = line.substring(eq + 1);
            if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
                v = v.substring(1, v.length() - 1).replace("'\\''", "'");
            }
            m.put(key, v);
        }
        return m;
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
