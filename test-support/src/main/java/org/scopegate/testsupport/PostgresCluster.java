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
package org.scopegate.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests: {@code initdb} and {@code pg_ctl} of the installed PostgreSQL server
 * (Debian's {@code postgresql} package: {@code /usr/lib/postgresql/<version>/bin}), in a temporary directory,
 * listening on a free port of 127.0.0.1 only, with a superuser that logs in over TCP with a random password
 * (SCRAM-SHA-256). {@code initdb} refuses to run as root: when the tests run as root, every PostgreSQL command runs
 * as the {@code postgres} user through {@code runuser}, and the directory belongs to that user.
 * <p>
 * {@link #shared()} starts one cluster per JVM, stopped (and deleted) when the JVM exits; every test class takes a
 * database of its own in it ({@link #createDatabase(String)}). {@link #startNew()} starts a private one that a test
 * may stop and start again (database outages) and must {@link #close()}. A cluster left behind by a JVM that was
 * killed is stopped and deleted by the next start. Durability is switched off ({@code fsync=off}): it is a test
 * server.
 */
public final class PostgresCluster implements AutoCloseable {

    /** System property naming the directory of {@code initdb} and {@code pg_ctl}. */
    public static final String BIN_PROPERTY = "scopegate.postgres.bin";

    /** Environment variable naming the directory of {@code initdb} and {@code pg_ctl}. */
    public static final String BIN_ENV = "PG_BIN";

    /** What to do when the binaries are missing: said in every failure to find them. */
    public static final String INSTALL_HINT = "install the PostgreSQL server package 'postgresql' "
            + "(Debian/Ubuntu: apt-get install postgresql), or set " + BIN_ENV + " (or -D" + BIN_PROPERTY
            + ") to the directory holding initdb and pg_ctl; -Dscopegate.postgres.skip=true skips the "
            + "PostgreSQL run of the store tests";

    private static final String PREFIX = "scopegate-pg-";
    private static final String OWNER_FILE = "owner.pid";
    private static final String SUPERUSER = "scopegate";
    private static final String OS_USER = "postgres";
    private static final Object LOCK = new Object();
    private static PostgresCluster shared;
    private static IllegalStateException sharedFailure;

    private final Path bin;
    private final Path directory;
    private final Path data;
    private final String password;
    private final boolean asPostgresUser;
    private int port;
    private boolean running;

    private PostgresCluster(Path bin, Path directory, String password, boolean asPostgresUser) {
        this.bin = bin;
        this.directory = directory;
        this.data = directory.resolve("data");
        this.password = password;
        this.asPostgresUser = asPostgresUser;
    }

    /**
     * The cluster of this JVM, started at the first call and stopped when the JVM exits.
     *
     * @return the running cluster
     * @throws IllegalStateException when PostgreSQL is not installed or does not start (the message says why)
     */
    public static PostgresCluster shared() {
        synchronized (LOCK) {
            if (sharedFailure != null) {
                // tried once in this JVM: every test class gets the same message, at once
                throw new IllegalStateException(sharedFailure.getMessage(), sharedFailure);
            }
            if (shared == null) {
                PostgresCluster cluster;
                try {
                    cluster = create();
                } catch (IllegalStateException e) {
                    sharedFailure = e;
                    throw e;
                }
                Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "scopegate-postgres-stop"));
                shared = cluster;
            }
            return shared;
        }
    }

    /**
     * A cluster of its own, for a test that stops and starts it. The caller closes it.
     *
     * @return the running cluster
     * @throws IllegalStateException when PostgreSQL is not installed or does not start (the message says why)
     */
    public static PostgresCluster startNew() {
        PostgresCluster cluster = create();
        Thread hook = new Thread(cluster::close, "scopegate-postgres-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return cluster;
    }

    private static PostgresCluster create() {
        Path bin = findBinaries();
        boolean root = isRoot();
        removeAbandoned(bin, root);
        Path directory;
        try {
            directory = Files.createTempDirectory(PREFIX);
            Files.writeString(directory.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        PostgresCluster cluster = new PostgresCluster(bin, directory, HexFormat.of().formatHex(random), root);
        try {
            cluster.initdb();
            cluster.startOnFreePort();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * @return the directory of {@code initdb}, {@code pg_ctl} and {@code postgres}
     * @throws IllegalStateException when they cannot be found, saying to install {@code postgresql}
     */
    public static Path findBinaries() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty(BIN_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(BIN_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            Path dir = Paths.get(configured.trim());
            if (!Files.isExecutable(dir.resolve("initdb"))) {
                throw new IllegalStateException("No initdb in " + dir + " (from " + BIN_ENV + " or " + BIN_PROPERTY
                        + "): " + INSTALL_HINT);
            }
            return dir;
        }
        Path debian = Paths.get("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                versions.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .sorted(Comparator.comparingDouble((Path v) -> Double.parseDouble(v.getFileName().toString()))
                                .reversed())
                        .map(v -> v.resolve("bin"))
                        .forEach(candidates::add);
            } catch (IOException e) {
                // fall through to the PATH
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    candidates.add(Paths.get(entry));
                }
            }
        }
        for (Path dir : candidates) {
            if (Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"))) {
                return dir;
            }
        }
        throw new IllegalStateException("PostgreSQL server binaries (initdb, pg_ctl) not found in "
                + "/usr/lib/postgresql/*/bin or on the PATH: " + INSTALL_HINT);
    }

    /**
     * @param database a database of this cluster
     * @return its JDBC URL
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /**
     * @return the port on 127.0.0.1
     */
    public int port() {
        return port;
    }

    /**
     * @return the superuser's name (a PostgreSQL role, not an operating system user)
     */
    public String user() {
        return SUPERUSER;
    }

    /**
     * @return the superuser's password
     */
    public String password() {
        return password;
    }

    /**
     * @return the directory of the server binaries
     */
    public Path binaries() {
        return bin;
    }

    /**
     * @return whether the server runs
     */
    public synchronized boolean isRunning() {
        return running;
    }

    /**
     * Creates a database unless it exists.
     *
     * @param name a name: letters, digits and underscores are kept, the rest become underscores, lower case, at most
     *            63 characters
     * @return the database's name as created
     */
    public String createDatabase(String name) {
        String database = databaseName(name);
        try (Connection c = connect("postgres")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return database;
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE \"" + database + "\"");
            }
            return database;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + database + ": " + e.getMessage(), e);
        }
    }

    /**
     * Drops a database, closing its connections first.
     *
     * @param name the database's name as {@link #createDatabase(String)} returned it
     */
    public void dropDatabase(String name) {
        terminateConnections(name);
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS \"" + databaseName(name) + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot drop database " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Ends every session connected to a database, as a server restart or a network failure would.
     *
     * @param name the database
     * @return the number of sessions ended
     */
    public int terminateConnections(String name) {
        try (Connection c = connect("postgres"); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        + "WHERE datname = ? AND pid <> pg_backend_pid()")) {
            ps.setString(1, databaseName(name));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot end the sessions of " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a connection as the superuser.
     *
     * @param database a database
     * @return a new connection (auto-commit on)
     * @throws SQLException when the server refuses it
     */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(databaseName(database)), SUPERUSER, password);
    }

    /**
     * Stops the server ({@code pg_ctl stop -m fast}: sessions are ended), keeping its data and port.
     */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        pgCtl("stop", "-m", "fast", "-t", "30");
        running = false;
    }

    /**
     * Starts the server again on the same port.
     */
    public synchronized void start() {
        if (running) {
            return;
        }
        startOn(port);
    }

    /**
     * Stops the server at once and deletes its directory.
     */
    @Override
    public synchronized void close() {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                pgCtl("stop", "-m", "immediate", "-t", "30");
            } catch (RuntimeException e) {
                // deleting the directory is all that is left to do
            }
        }
        running = false;
        deleteTree(directory);
    }

    private void initdb() {
        Path passwordFile = directory.resolve("password");
        try {
            Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            if (asPostgresUser) {
                UserPrincipal postgres = directory.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName(OS_USER);
                Files.setOwner(directory, postgres);
                Files.setOwner(passwordFile, postgres);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot prepare " + directory + " for initdb"
                    + (asPostgresUser ? " as user " + OS_USER + " (the tests run as root; is the postgresql "
                            + "package installed, which creates that user?)" : "") + ": " + e.getMessage(), e);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
                "--pwfile=" + passwordFile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8",
                "--no-locale", "--no-sync"), 120);
    }

    private void startOnFreePort() {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                startOn(freePort());
                return;
            } catch (IllegalStateException e) {
                // another process took the port between the probe and the start
                last = e;
            }
        }
        throw last;
    }

    private void startOn(int candidate) {
        String options = "-c listen_addresses=127.0.0.1 -p " + candidate + " -k " + directory
                + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
                + " -c shared_buffers=32MB -c log_min_messages=warning -c log_statement=none";
        pgCtl("start", "-w", "-t", "60", "-l", directory.resolve("server.log").toString(), "-o", options);
        port = candidate;
        running = true;
    }

    private void pgCtl(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(bin.resolve("pg_ctl").toString());
        command.add("-D");
        command.add(data.toString());
        command.addAll(List.of(arguments));
        run(command, 90);
    }

    private void run(List<String> command, int timeoutSeconds) {
        run(command, timeoutSeconds, asPostgresUser, directory);
    }

    private static void run(List<String> command, int timeoutSeconds, boolean asPostgresUser, Path directory) {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.add(runuser());
            full.add("-u");
            full.add(OS_USER);
            full.add("--");
        }
        full.addAll(command);
        Path output = directory.resolve("commands.log");
        try {
            Process process = new ProcessBuilder(full).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not finish within "
                        + timeoutSeconds + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed (exit " + process.exitValue()
                        + "): " + tail(output) + tail(directory.resolve("server.log")));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + String.join(" ", full) + ": " + e.getMessage()
                    + (asPostgresUser ? " (as root, PostgreSQL runs as user " + OS_USER + " through runuser)" : ""),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", full), e);
        }
    }

    private static String runuser() {
        for (String candidate : new String[] { "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser" }) {
            if (Files.isExecutable(Paths.get(candidate))) {
                return candidate;
            }
        }
        return "runuser";
    }

    private static String tail(Path file) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())) + "\n";
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Paths.get("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * Stops and deletes the clusters of test JVMs that are gone (killed before their exit hook ran).
     */
    private static void removeAbandoned(Path bin, boolean asPostgresUser) {
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path dir : dirs) {
                Path owner = dir.resolve(OWNER_FILE);
                long pid;
                try {
                    pid = Long.parseLong(Files.readString(owner).trim());
                } catch (IOException | NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(Boolean.FALSE).booleanValue()) {
                    continue;
                }
                if (Files.exists(dir.resolve("data").resolve("postmaster.pid"))) {
                    try {
                        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "stop",
                                "-m", "immediate", "-t", "30"), 60, asPostgresUser, dir);
                    } catch (RuntimeException e) {
                        // not running any more
                    }
                }
                deleteTree(dir);
            }
        } catch (IOException e) {
            // nothing to clean
        }
    }

    private static String databaseName(String name) {
        String cleaned = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return cleaned.length() > 63 ? cleaned.substring(0, 63) : cleaned;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a temporary directory: best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
