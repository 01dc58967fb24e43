/*
 * Licensed under the Apache License, Version 2.0.
 */
package org.scopegate.token.admin;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.scopegate.token.crypto.PasswordHashParameters;
import org.scopegate.token.crypto.PasswordHashStatistics;
import org.scopegate.token.crypto.PasswordHasher;

/**
 * Times the configured password hash inside the running server, for the administrator who tunes its cost (OWASP
 * advises choosing the parameters on the server that will run them) and for the benchmark, which must compare a
 * grant with the hash in the same JVM: a hash timed in another JVM runs other compiled code and differs by tens of
 * per cent. Admin API: {@code POST /token/admin/password-hash/timing} with {@code {"count":10,"threads":1}}.
 */
public final class PasswordHashTiming {

    /** Most hashes one call may run per thread, so that a call stays short. */
    public static final int MAX_COUNT = 200;

    private static final String SAMPLE_PASSWORD = "timing-only-password";

    private final PasswordHasher hasher;
    private final PasswordHashParameters parameters;

    /**
     * @param hasher the server's hasher
     * @param parameters its configured parameters
     */
    public PasswordHashTiming(PasswordHasher hasher, PasswordHashParameters parameters) {
        this.hasher = hasher;
        this.parameters = parameters;
    }

    /**
     * Verifies a password against a hash made with the configured parameters, {@code count} times on each of
     * {@code threads} threads, as a login does.
     *
     * @param body {@code count} (1 to 200, default 10) and {@code threads} (1 to the processors, default 1)
     * @return the parameters, the median, minimum and mean time of one hash in milliseconds, and hashes per second
     * @throws AdminException on a bad count or thread number
     */
    public Map<String, Object> time(AdminRequestBody body) throws AdminException {
        PasswordHashStatistics.Snapshot before = hasher.statistics().snapshot();
        int count = body.integer("count", 1, MAX_COUNT, 10);
        int threads = body.integer("threads", 1, Runtime.getRuntime().availableProcessors(), 1);
        String stored = hasher.hash(SAMPLE_PASSWORD);
        long[] nanos = new long[count * threads];
        AtomicLong failures = new AtomicLong();
        Thread[] workers = new Thread[threads];
        long start = System.nanoTime();
        for (int w = 0; w < threads; w++) {
            int offset = w * count;
            workers[w] = new Thread(() -> {
                for (int i = 0; i < count; i++) {
                    long t0 = System.nanoTime();
                    if (!hasher.verify(SAMPLE_PASSWORD, stored)) {
                        failures.incrementAndGet();
                    }
                    nanos[offset + i] = System.nanoTime() - t0;
                }
            }, "password-hash-timing-" + w);
            workers[w].start();
        }
        try {
            for (Thread worker : workers) {
                worker.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AdminException.badRequest("The timing was interrupted");
        }
        double elapsedSeconds = (System.nanoTime() - start) / 1e9;
        if (failures.get() != 0) {
            throw new IllegalStateException("The configured hash does not verify its own output");
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("algorithm", parameters.algorithm());
        answer.put("parameters", stored.substring(0, stored.lastIndexOf('$', stored.lastIndexOf('$') - 1)));
        answer.put("count", Integer.valueOf(count));
        answer.put("threads", Integer.valueOf(threads));
        answer.put("ms_p50", Double.valueOf(sorted[sorted.length / 2] / 1e6));
        answer.put("ms_min", Double.valueOf(sorted[0] / 1e6));
        answer.put("ms_mean", Double.valueOf(Arrays.stream(sorted).average().orElse(0) / 1e6));
        answer.put("per_second", Double.valueOf(sorted.length / elapsedSeconds));
        PasswordHashStatistics.Snapshot after = hasher.statistics().snapshot();
        if (after.cpuMillis() >= 0 && after.hashes() > before.hashes()) {
            // other logins may have hashed meanwhile: the mean over every hash of the interval
            answer.put("cpu_ms_mean", Double.valueOf(
                    (after.cpuMillis() - before.cpuMillis()) / (after.hashes() - before.hashes())));
        }
        return answer;
    }

    /**
     * @return the configured algorithm and parameters, and what every password hash of this server cost since it
     *         started: {@code hashes}, {@code cpu_ms_total} (the hashing threads' CPU time; -1 where the JVM cannot
     *         measure it), {@code elapsed_ms_total}, {@code wait_ms_total} (logins waiting for a free processor),
     *         their means per hash, {@code processors}, {@code verifications} (checks against a stored hash),
     *         {@code dummy_verifications} (unknown, disabled or locked users; checks beyond the lockout count) and
     *         {@code refused} (503 answers: too many logins waited already, or waited too long)
     */
    public Map<String, Object> statistics() {
        PasswordHashStatistics.Snapshot s = hasher.statistics().snapshot();
        long n = Math.max(1, s.hashes());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("algorithm", parameters.algorithm());
        answer.put("parameters", configured());
        answer.put("processors", Integer.valueOf(Runtime.getRuntime().availableProcessors()));
        answer.put("hashes", Long.valueOf(s.hashes()));
        answer.put("cpu_ms_total", Double.valueOf(s.cpuMillis()));
        answer.put("elapsed_ms_total", Double.valueOf(s.elapsedMillis()));
        answer.put("wait_ms_total", Double.valueOf(s.waitMillis()));
        answer.put("verifications", Long.valueOf(s.verifications()));
        answer.put("dummy_verifications", Long.valueOf(s.dummyVerifications()));
        answer.put("refused", Long.valueOf(s.refusals()));
        answer.put("cpu_ms_mean", Double.valueOf(s.cpuMillis() < 0 ? -1 : s.cpuMillis() / n));
        answer.put("elapsed_ms_mean", Double.valueOf(s.elapsedMillis() / n));
        answer.put("wait_ms_mean", Double.valueOf(s.waitMillis() / n));
        return answer;
    }

    private String configured() {
        if (PasswordHashParameters.ARGON2ID.equals(parameters.algorithm())) {
            return "$argon2id$v=19$m=" + parameters.argon2MemoryKiB() + ",t=" + parameters.argon2Iterations() + ",p="
                    + parameters.argon2Parallelism();
        }
        return "$pbkdf2-sha256$i=" + parameters.pbkdf2Iterations();
    }
}
