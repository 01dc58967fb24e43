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
package org.scopegate.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import org.scopegate.bench.load.LoadCommand;

/**
 * The Java helper of {@code scripts/bench}, for what {@code wrk} cannot measure or do:
 * <ul>
 * <li>{@code hash m=KiB t=N p=N seconds=S [threads=N] [warmup=S]}: times the token service's own
 * {@code PasswordHasher.verify} (loaded from the built WAR's classes) at the given Argon2id cost, on one thread
 * and then on {@code threads} threads at once; prints {@code key=value} lines.</li>
 * <li>{@code seed db=DIR client=ID user=NAME background=N access=N accessFile=F refresh=N refreshFile=F}:
 * replaces the content of {@code oauth_token} of the (stopped) embedded Derby store with {@code background}
 * random tokens plus pools of fresh access and refresh tokens whose clear values are written, one per line, to
 * the given files; through {@code SYSCS_UTIL.SYSCS_IMPORT_TABLE} from a generated CSV, not through HTTP.</li>
 * <li>{@code cache-cost [entries=N]}: the heap one entry of the valve's token cache costs: fills a
 * {@code TokenInfoCache} (from {@code scope-valve.jar}, with Tomcat's {@code lib/} on the class path) with N answers
 * shaped like the token service's and measures the heap in use after a full collection, before and after.</li>
 * <li>{@code jfr-alloc file=F [threads=TEXT]}: the bytes allocated during a JFR recording by the threads whose name
 * contains TEXT (default {@code -exec-}, Tomcat's request threads), from the recording's
 * {@code jdk.ThreadAllocationStatistics} events at its start and end (exact counts, not samples).</li>
 * <li>{@code load url=URL ...}: one run of HTTP load, open loop at a fixed rate or closed loop, each token of a
 * token file used at most once ({@link LoadCommand}).</li>
 * </ul>
 * Runs with the WAR's {@code WEB-INF/classes} and {@code WEB-INF/lib/*} on the class path (the product's
 * classes and its own Derby version).
 */
public final class BenchTool {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private BenchTool() {
    }

    /**
     * @param args the sub-command and its {@code key=value} arguments
     * @throws Exception on any failure (the exit status is then non-zero)
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: BenchTool hash|seed|load key=value...");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (String a : Arrays.copyOfRange(args, 1, args.length)) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got " + a);
            }
            options.put(a.substring(0, eq), a.substring(eq + 1));
        }
        switch (args[0]) {
            case "hash" -> hash(options);
            case "seed" -> seed(options);
            case "load" -> LoadCommand.run(options);
            case "cache-cost" -> cacheCost(options);
            case "jfr-alloc" -> jfrAllocation(options);
            default -> throw new IllegalArgumentException("unknown sub-command " + args[0]);
        }
    }

    // ------------------------------------------------------------------------------------------------- hash

    private static void hash(Map<String, String> o) throws ReflectiveOperationException, InterruptedException {
        int m = Integer.parseInt(o.getOrDefault("m", "19456"));
        int t = Integer.parseInt(o.getOrDefault("t", "2"));
        int p = Integer.parseInt(o.getOrDefault("p", "1"));
        double seconds = Double.parseDouble(o.getOrDefault("seconds", "3"));
        int threads = Integer.parseInt(o.getOrDefault("threads", "0"));
        Class<?> parametersClass = Class.forName("org.scopegate.token.crypto.PasswordHashParameters");
        Class<?> generatorClass = Class.forName("org.scopegate.token.crypto.SecretGenerator");
        Class<?> hasherClass = Class.forName("org.scopegate.token.crypto.PasswordHasher");
        Constructor<?> pc = parametersClass.getConstructor(String.class, int.class, int.class, int.class, int.class);
        Object parameters = pc.newInstance("argon2id", m, t, p, 600000);
        Object generator = generatorClass.getConstructor().newInstance();
        Object hasher = hasherClass.getConstructor(parametersClass, generatorClass).newInstance(parameters, generator);
        Method hashMethod = hasherClass.getMethod("hash", String.class);
        Method verify = hasherClass.getMethod("verify", String.class, String.class);
        String password = "bench-password-0123456789";
        String stored = (String) hashMethod.invoke(hasher, password);

        // warm-up (as long as the server's: the JIT must have compiled the hash fully, not just its loops),
        // then single-threaded verification times
        double warmSeconds = Double.parseDouble(o.getOrDefault("warmup", "5"));
        long warmUntil = System.nanoTime() + (long) (warmSeconds * 1e9);
        int warmed = 0;
        while (System.nanoTime() < warmUntil || warmed < 50) {
            check(verify, hasher, password, stored);
            warmed++;
        }
        List<Long> samples = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end || samples.size() < 5) {
            long s = System.nanoTime();
            check(verify, hasher, password, stored);
            samples.add(System.nanoTime() - s);
        }
        long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
        System.out.printf(Locale.ROOT, "hash_params=m=%d,t=%d,p=%d%n", m, t, p);
        System.out.printf(Locale.ROOT, "hash_count=%d%n", sorted.length);
        System.out.printf(Locale.ROOT, "hash_ms_p50=%.3f%n", sorted[sorted.length / 2] / 1e6);
        System.out.printf(Locale.ROOT, "hash_ms_min=%.3f%n", sorted[0] / 1e6);
        System.out.printf(Locale.ROOT, "hash_ms_mean=%.3f%n", mean);

        if (threads > 1) {
            AtomicLong done = new AtomicLong();
            CountDownLatch latch = new CountDownLatch(threads);
            long start = System.nanoTime();
            long stop = start + (long) (seconds * 1e9);
            for (int i = 0; i < threads; i++) {
                Thread th = new Thread(() -> {
                    try {
                        while (System.nanoTime() < stop) {
                            check(verify, hasher, password, stored);
                            done.incrementAndGet();
                        }
                    } catch (ReflectiveOperationException e) {
                        e.printStackTrace();
                    } finally {
                        latch.countDown();
                    }
                });
                th.start();
            }
            latch.await();
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "hash_parallel_threads=%d%n", threads);
            System.out.printf(Locale.ROOT, "hash_parallel_per_s=%.2f%n", done.get() / elapsed);
        }
    }

    private static void check(Method verify, Object hasher, String password, String stored)
            throws IllegalAccessException, InvocationTargetException {
        if (!Boolean.TRUE.equals(verify.invoke(hasher, password, stored))) {
            throw new IllegalStateException("the hash does not verify");
        }
    }

    // ------------------------------------------------------------------------------------------------- cache-cost

    private static void cacheCost(Map<String, String> o) throws Exception {
        int n = Integer.parseInt(o.getOrDefault("entries", "20000"));
        Class<?> cacheClass = Class.forName("org.scopegate.valve.introspect.TokenInfoCache");
        Class<?> infoClass = Class.forName("org.scopegate.valve.introspect.TokenInfo");
        Class<?> digestClass = Class.forName("org.scopegate.valve.introspect.TokenDigest");
        Method active = infoClass.getMethod("active", String.class, String.class, String.class, long.class);
        Method digestOf = digestClass.getMethod("of", String.class);
        Method put = cacheClass.getMethod("put", digestClass, infoClass);
        Method size = cacheClass.getMethod("size");
        LongSupplier nanos = System::nanoTime;
        LongSupplier millis = System::currentTimeMillis;
        Object cache = cacheClass.getConstructor(long.class, long.class, long.class, LongSupplier.class,
                LongSupplier.class).newInstance((long) n, 300L, 5L, nanos, millis);
        // The answers as the introspection client makes them: new Strings per answer, a 43-character token
        SecureRandom random = new SecureRandom();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        byte[] raw = new byte[32];
        long expires = System.currentTimeMillis() / 1000 + 3600;
        String[] tokens = new String[n];
        for (int i = 0; i < n; i++) {
            random.nextBytes(raw);
            tokens[i] = b64.encodeToString(raw);
        }
        long before = usedAfterCollection();
        for (int i = 0; i < n; i++) {
            Object info = active.invoke(null, new String("user-" + (100000 + i)),
                    new String("Zm9vYmFyYmF6cXV4cXV1eDEyMzQ"), new String("read update"), expires);
            put.invoke(cache, digestOf.invoke(null, tokens[i]), info);
        }
        long entries = (Long) size.invoke(cache);
        long after = usedAfterCollection();
        System.out.printf(Locale.ROOT, "cache_entries=%d%n", entries);
        System.out.printf(Locale.ROOT, "cache_bytes_per_entry=%.0f%n", (after - before) / (double) entries);
        // keeps the cache and the tokens reachable until after the second measurement
        if (cache.hashCode() == tokens.length) {
            System.out.print("");
        }
    }


    private static long usedAfterCollection() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }


    // ------------------------------------------------------------------------------------------------- jfr-alloc

    private static void jfrAllocation(Map<String, String> o) throws IOException {
        String part = o.getOrDefault("threads", "-exec-");
        // thread id -> { first "allocated", last "allocated", events, time of the last event }
        Map<Long, long[]> perThread = new HashMap<>();
        long lastEmission = Long.MIN_VALUE;
        for (RecordedEvent e : RecordingFile.readAllEvents(Paths.get(require(o, "file")))) {
            if (!"jdk.ThreadAllocationStatistics".equals(e.getEventType().getName())) {
                continue;
            }
            long time = e.getStartTime().toEpochMilli();
            lastEmission = Math.max(lastEmission, time);
            RecordedThread t = e.getThread("thread");
            if (t == null || t.getJavaName() == null || !t.getJavaName().contains(part)) {
                continue;
            }
            long allocated = e.getLong("allocated");
            long[] v = perThread.computeIfAbsent(t.getJavaThreadId(), k -> new long[] { allocated, allocated, 0, 0 });
            v[0] = Math.min(v[0], allocated);
            v[1] = Math.max(v[1], allocated);
            v[2]++;
            v[3] = Math.max(v[3], time);
        }
        long total = 0;
        for (long[] v : perThread.values()) {
            if (v[2] > 1) {
                total += v[1] - v[0];
            } else if (lastEmission - v[3] < 1000) {
                // seen only at the end: started during the recording, so everything it allocated counts
                total += v[1];
            }
        }
        System.out.printf(Locale.ROOT, "allocated_bytes=%d%n", total);
        System.out.printf(Locale.ROOT, "threads=%d%n", perThread.size());
    }


    // ------------------------------------------------------------------------------------------------- seed

    private static void seed(Map<String, String> o) throws IOException, SQLException, NoSuchAlgorithmException {
        Path db = Paths.get(require(o, "db")).toAbsolutePath();
        String client = require(o, "client");
        String user = require(o, "user");
        String scope = o.getOrDefault("scope", "read update");
        long background = Long.parseLong(o.getOrDefault("background", "1000"));
        int access = Integer.parseInt(o.getOrDefault("access", "0"));
        int refresh = Integer.parseInt(o.getOrDefault("refresh", "0"));
        Path csv = Files.createTempFile(db.getParent(), "oauth_token", ".csv");
        if (System.getProperty("derby.stream.error.file") == null) {
            System.setProperty("derby.stream.error.file", db.getParent().resolve("derby-seed.log").toString());
        }
        long now = System.currentTimeMillis();
        long expires = now + 86_400_000L;
        long start = System.nanoTime();
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        SecureRandom secure = new SecureRandom();
        SplittableRandom fast = new SplittableRandom(secure.nextLong());
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String tail = "," + client + "," + user + ",\"" + scope + "\",password,";
        // the user's id and the refresh family's start go last (the columns version 4 of the store added)
        String userId = Long.toString(userId(db, user));
        String accessEnd = ",false,false," + userId + ",\n";
        String refreshEnd = ",false,false," + userId + "," + now + "\n";
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.US_ASCII)) {
            byte[] raw = new byte[32];
            for (long i = 0; i < background; i++) {
                fillFast(fast, raw);
                String d = hex(raw);
                w.write(d);
                w.write(",A");
                w.write(tail);
                w.write(',');
                w.write(Long.toString(now));
                w.write(',');
                w.write(Long.toString(expires));
                w.write(accessEnd);
            }
            try (BufferedWriter tokens = Files.newBufferedWriter(Paths.get(o.getOrDefault("accessFile", "/dev/null")),
                    StandardCharsets.US_ASCII)) {
                for (int i = 0; i < access; i++) {
                    secure.nextBytes(raw);
                    String token = b64.encodeToString(raw);
                    tokens.write(token);
                    tokens.write('\n');
                    w.write(hex(sha256.digest(token.getBytes(StandardCharsets.US_ASCII))) + ",A" + tail + ","
                            + now + "," + expires + accessEnd);
                }
            }
            try (BufferedWriter tokens = Files.newBufferedWriter(Paths.get(o.getOrDefault("refreshFile", "/dev/null")),
                    StandardCharsets.US_ASCII)) {
                for (int i = 0; i < refresh; i++) {
                    secure.nextBytes(raw);
                    String token = b64.encodeToString(raw);
                    tokens.write(token);
                    tokens.write('\n');
                    String d = hex(sha256.digest(token.getBytes(StandardCharsets.US_ASCII)));
                    w.write(d + ",R" + tail + d + "," + now + "," + expires + refreshEnd);
                }
            }
        }
        long written = System.nanoTime();
        String url = "jdbc:derby:" + db;
        long rows;
        try (Connection c = DriverManager.getConnection(url)) {
            try (CallableStatement cs = c.prepareCall("CALL SYSCS_UTIL.SYSCS_IMPORT_DATA(NULL, 'OAUTH_TOKEN', "
                    + "'TOKEN_DIGEST,TOKEN_KIND,CLIENT_ID,USERNAME,SCOPE,GRANT_TYPE,FAMILY_ID,ISSUED_AT,EXPIRES_AT,"
                    + "REVOKED,USED,USER_ID,FAMILY_STARTED_AT', NULL, ?, ',', '\"', 'US-ASCII', 1)")) {
                cs.setString(1, csv.toString());
                cs.execute();
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM oauth_token")) {
                rs.next();
                rows = rs.getLong(1);
            }
        } finally {
            Files.deleteIfExists(csv);
            try {
                DriverManager.getConnection(url + ";shutdown=true").close();
            } catch (SQLException e) {
                if (!"08006".equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
        long end = System.nanoTime();
        System.out.printf(Locale.ROOT, "seeded_rows=%d%n", rows);
        System.out.printf(Locale.ROOT, "seed_csv_s=%.1f%n", (written - start) / 1e9);
        System.out.printf(Locale.ROOT, "seed_import_s=%.1f%n", (end - written) / 1e9);
    }

    /** The id of the seeded tokens' user (the store is shut down again before the import opens it). */
    private static long userId(Path db, String user) throws SQLException {
        String url = "jdbc:derby:" + db;
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement ps = c.prepareStatement("SELECT id FROM oauth_user WHERE username = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no user " + user + " in " + db);
                }
                return rs.getLong(1);
            }
        }
    }

    private static void fillFast(SplittableRandom random, byte[] out) {
        for (int i = 0; i < out.length; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8; j++) {
                out[i + j] = (byte) (v >>> (8 * j));
            }
        }
    }

    private static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }

    private static String require(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing " + key + "=");
        }
        return v;
    }
}
