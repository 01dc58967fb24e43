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
package org.scopegate.token.crypto;

import java.lang.ref.SoftReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Hashes and verifies passwords as self-describing PHC strings:
 * <pre>
 * $argon2id$v=19$m=19456,t=2,p=1$&lt;b64 salt&gt;$&lt;b64 hash&gt;     ({@link Argon2id})
 * $pbkdf2-sha256$i=600000$&lt;b64 salt&gt;$&lt;b64 hash&gt;          (JDK PBKDF2WithHmacSHA256)
 * </pre>
 * Base64 is the standard alphabet without padding, as in the PHC string format. A stored hash whose algorithm or
 * parameters differ from the configured ones verifies as usual and {@link #needsRehash(String)} says so, so it is
 * upgraded at the next good login. A precomputed dummy hash gives an unknown user the cost of a wrong password.
 * <p>
 * Argon2id fills a work area of the memory cost. Each hash slot keeps the work area of its last hash, cleared, for
 * the next one (held softly, so that a heap under pressure can take it back): at most one per processor, each of the
 * configured memory cost. A stored hash with a larger memory cost than configured gets a work area of its own.
 * <p>
 * The wait for a slot is bounded twice: at most {@code maxQueued} callers wait at once, and none longer than
 * {@code maxWaitMillis}. Beyond either, {@link PasswordHasherBusyException} is thrown at once, so that a flood of
 * logins costs each surplus request a few microseconds instead of a connector thread held for as long as the queue
 * takes to drain.
 */
public final class PasswordHasher {

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final String ARGON2_PREFIX = "$argon2id$";
    private static final String PBKDF2_PREFIX = "$pbkdf2-sha256$";

    /**
     * At most one hash per processor at a time (in the webapp): a hash runs only while it holds one of these slots. A
     * memory-hard hash holds its whole memory cost (19 MiB by default) while it runs: two hundred logins at once would
     * otherwise need gigabytes of heap, and more hashes than cores only evict each other's memory from the caches.
     * Logins beyond that wait their turn in order, and the machine still hashes on every core. A fair queue rather
     * than a {@code Semaphore}: a released slot wakes exactly one waiting login, where a shared-mode semaphore also
     * wakes the next waiter in line, which finds nothing and parks again (twice the context switches per login).
     */
    private static final BlockingQueue<HashSlot> HASH_SLOTS = hashSlots(Runtime.getRuntime().availableProcessors());

    /** Slots in {@link #HASH_SLOTS}. */
    private static final int SLOT_COUNT = HASH_SLOTS.size();

    /** Callers that hold a slot or wait for one. */
    private static final AtomicInteger ADMITTED = new AtomicInteger();

    /** Default of {@code maxQueued}: callers that may wait per processor. */
    public static final int DEFAULT_QUEUE_PER_PROCESSOR = 8;

    /** Default of {@code maxWaitMillis}. */
    public static final long DEFAULT_MAX_WAIT_MILLIS = 2000;

    private final PasswordHashParameters parameters;
    private final int maxQueued;
    private final long maxWaitMillis;
    private final int retryAfterSeconds;
    private final long pooledWords;
    private final PasswordHashStatistics statistics = new PasswordHashStatistics();
    private final SecretGenerator random;
    private final String dummyHash;
    private final Base64.Encoder encoder = Base64.getEncoder().withoutPadding();
    private final Base64.Decoder decoder = Base64.getDecoder();

    /**
     * A hasher with the default bounds of the wait for a slot.
     *
     * @param parameters the cost of new hashes
     * @param random source of salts
     * @throws IllegalArgumentException when the parameters are out of range
     */
    public PasswordHasher(PasswordHashParameters parameters, SecretGenerator random) {
        this(parameters, random, defaultMaxQueued(), DEFAULT_MAX_WAIT_MILLIS);
    }

    /**
     * @param parameters the cost of new hashes
     * @param random source of salts
     * @param maxQueued callers that may wait for a slot at once (beyond those hashing)
     * @param maxWaitMillis longest wait for a slot, in milliseconds
     * @throws IllegalArgumentException when the parameters are out of range
     */
    public PasswordHasher(PasswordHashParameters parameters, SecretGenerator random, int maxQueued,
            long maxWaitMillis) {
        if (maxQueued < 0 || maxWaitMillis < 1) {
            throw new IllegalArgumentException("Password hash queue bounds out of range");
        }
        this.maxQueued = maxQueued;
        this.maxWaitMillis = maxWaitMillis;
        this.retryAfterSeconds = (int) Math.max(1, (maxWaitMillis + 999) / 1000);
        String algorithm = parameters.algorithm();
        if (!PasswordHashParameters.ARGON2ID.equals(algorithm) && !PasswordHashParameters.PBKDF2.equals(algorithm)) {
            throw new IllegalArgumentException("Unknown password hash algorithm [" + algorithm + "]");
        }
        if (parameters.argon2MemoryKiB() < 8 * parameters.argon2Parallelism() || parameters.argon2Iterations() < 1
                || parameters.argon2Parallelism() < 1 || parameters.pbkdf2Iterations() < 1) {
            throw new IllegalArgumentException("Password hash parameters out of range");
        }
        this.parameters = parameters;
        this.pooledWords = PasswordHashParameters.ARGON2ID.equals(algorithm)
                ? Argon2id.workWords(parameters.argon2MemoryKiB(), parameters.argon2Parallelism())
                : 0;
        this.random = random;
        this.dummyHash = hash("dummy password for unknown users");
    }

    /**
     * @param password the clear password
     * @return a new PHC string with a fresh salt at the configured cost
     */
    public String hash(String password) {
        byte[] salt = random.randomBytes(SALT_BYTES);
        if (PasswordHashParameters.ARGON2ID.equals(parameters.algorithm())) {
            int m = parameters.argon2MemoryKiB();
            int t = parameters.argon2Iterations();
            int p = parameters.argon2Parallelism();
            byte[] hash = argon2(password, salt, m, t, p, HASH_BYTES);
            return ARGON2_PREFIX + "v=19$m=" + m + ",t=" + t + ",p=" + p + "$" + encoder.encodeToString(salt) + "$"
                    + encoder.encodeToString(hash);
        }
        int i = parameters.pbkdf2Iterations();
        byte[] hash = pbkdf2(password, salt, i, HASH_BYTES);
        return PBKDF2_PREFIX + "i=" + i + "$" + encoder.encodeToString(salt) + "$" + encoder.encodeToString(hash);
    }

    /**
     * @return the default number of callers that may wait for a slot: {@value #DEFAULT_QUEUE_PER_PROCESSOR} per
     *         processor
     */
    public static int defaultMaxQueued() {
        return DEFAULT_QUEUE_PER_PROCESSOR * SLOT_COUNT;
    }

    /**
     * Refuses at once, before any other work, a password check that would find the queue full: under a flood the
     * surplus costs neither a database round trip nor a thread waiting. (A check let through may still be refused
     * when it asks for its slot.)
     *
     * @throws PasswordHasherBusyException when as many callers hash and wait as the bounds allow
     */
    public void checkCapacity() {
        if (ADMITTED.get() >= SLOT_COUNT + maxQueued) {
            statistics.countRefusal();
            throw new PasswordHasherBusyException(retryAfterSeconds);
        }
    }

    /**
     * Checks a password against a stored hash (counted as a verification).
     *
     * @param password the clear password
     * @param stored a PHC string written by {@link #hash(String)}
     * @return whether the password matches; {@code false} for a stored string that cannot be read
     * @throws PasswordHasherBusyException when no slot was free in time (nothing was hashed)
     */
    public boolean verify(String password, String stored) {
        boolean result = check(password, stored);
        statistics.countVerification();
        return result;
    }

    private boolean check(String password, String stored) {
        try {
            ParsedHash parsed = ParsedHash.parse(stored, decoder);
            byte[] actual;
            if (parsed.argon2()) {
                actual = argon2(password, parsed.salt(), parsed.memory(), parsed.iterations(), parsed.parallelism(),
                        parsed.hash().length);
            } else {
                actual = pbkdf2(password, parsed.salt(), parsed.iterations(), parsed.hash().length);
            }
            return MessageDigest.isEqual(actual, parsed.hash());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Spends the time of one verification against a dummy hash, for an unknown, disabled or locked user.
     *
     * @param password the clear password that was presented
     */
    public void verifyDummy(String password) {
        check(password, dummyHash);
        statistics.countDummyVerification();
    }

    /**
     * @param stored a stored PHC string
     * @return whether it was made with another algorithm or other parameters than the configured ones
     */
    public boolean needsRehash(String stored) {
        try {
            ParsedHash parsed = ParsedHash.parse(stored, decoder);
            if (PasswordHashParameters.ARGON2ID.equals(parameters.algorithm())) {
                return !parsed.argon2() || parsed.memory() != parameters.argon2MemoryKiB()
                        || parsed.iterations() != parameters.argon2Iterations()
                        || parsed.parallelism() != parameters.argon2Parallelism();
            }
            return parsed.argon2() || parsed.iterations() != parameters.pbkdf2Iterations();
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /**
     * @return what the hashes of this hasher cost so far
     */
    public PasswordHashStatistics statistics() {
        return statistics;
    }

    private byte[] argon2(String password, byte[] salt, int memory, int iterations, int parallelism, int length) {
        long words = Argon2id.workWords(memory, parallelism);
        if (words > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("argon2 memory cost too large");
        }
        PasswordHashStatistics.Measurement measurement = statistics.begin();
        HashSlot slot = takeSlot();
        try {
            measurement.start();
            long[] area = slot.workArea((int) words, pooledWords);
            byte[] passwordBytes = password.getBytes(StandardCharsets.UTF_8);
            try {
                return Argon2id.hash(passwordBytes, salt, memory, iterations, parallelism, length, area);
            } finally {
                Arrays.fill(passwordBytes, (byte) 0);
                Arrays.fill(area, 0, (int) words, 0L);
            }
        } finally {
            measurement.end();
            releaseSlot(slot);
        }
    }

    private byte[] pbkdf2(String password, byte[] salt, int iterations, int length) {
        PasswordHashStatistics.Measurement measurement = statistics.begin();
        HashSlot slot = takeSlot();
        try {
            measurement.start();
            return pbkdf2Now(password, salt, iterations, length);
        } finally {
            measurement.end();
            releaseSlot(slot);
        }
    }

    private static BlockingQueue<HashSlot> hashSlots(int count) {
        BlockingQueue<HashSlot> slots = new ArrayBlockingQueue<>(Math.max(1, count), true);
        while (slots.remainingCapacity() > 0) {
            slots.add(new HashSlot());
        }
        return slots;
    }

    /**
     * Waits for a free slot, within the bounds, uninterruptibly (an interrupt is kept for the caller).
     *
     * @throws PasswordHasherBusyException when the queue is full or the wait ran out
     */
    private HashSlot takeSlot() {
        if (ADMITTED.incrementAndGet() > SLOT_COUNT + maxQueued) {
            ADMITTED.decrementAndGet();
            statistics.countRefusal();
            throw new PasswordHasherBusyException(retryAfterSeconds);
        }
        boolean interrupted = false;
        HashSlot slot = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
            while (slot == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    slot = HASH_SLOTS.poll(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (slot == null) {
                ADMITTED.decrementAndGet();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (slot == null) {
            statistics.countRefusal();
            throw new PasswordHasherBusyException(retryAfterSeconds);
        }
        return slot;
    }

    private static void releaseSlot(HashSlot slot) {
        HASH_SLOTS.add(slot);
        ADMITTED.decrementAndGet();
    }

    /**
     * A turn to hash, with the work area of its last Argon2 hash.
     */
    private static final class HashSlot {

        private SoftReference<long[]> kept;

        /**
         * @param words the words the hash needs
         * @param pooledWords the size of the areas worth keeping (the configured memory cost)
         * @return a cleared work area of at least {@code words} words
         */
        long[] workArea(int words, long pooledWords) {
            long[] area = kept == null ? null : kept.get();
            if (area != null && area.length >= words) {
                return area;
            }
            if (words > pooledWords) {
                return new long[words];
            }
            area = new long[(int) pooledWords];
            kept = new SoftReference<>(area);
            return area;
        }
    }

    private static byte[] pbkdf2Now(String password, byte[] salt, int iterations, int length) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, length * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException(e);
        } finally {
            spec.clearPassword();
        }
    }

    /**
     * The fields of a PHC string.
     */
    private record ParsedHash(boolean argon2, int memory, int iterations, int parallelism, byte[] salt,
            byte[] hash) {

        private static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
        private static final int MAX_ITERATIONS = 10_000_000;

        static ParsedHash parse(String stored, Base64.Decoder decoder) {
            if (stored == null) {
                throw new IllegalArgumentException("no hash");
            }
            String[] parts = stored.split("\\$", -1);
            if (stored.startsWith(ARGON2_PREFIX) && parts.length == 6 && "v=19".equals(parts[2])) {
                int m = 0;
                int t = 0;
                int p = 0;
                for (String kv : parts[3].split(",", -1)) {
                    if (kv.startsWith("m=")) {
                        m = Integer.parseInt(kv.substring(2));
                    } else if (kv.startsWith("t=")) {
                        t = Integer.parseInt(kv.substring(2));
                    } else if (kv.startsWith("p=")) {
                        p = Integer.parseInt(kv.substring(2));
                    } else {
                        throw new IllegalArgumentException("unknown argon2 parameter");
                    }
                }
                if (p < 1 || p > 255 || m < 8 * p || m > MAX_MEMORY_KIB || t < 1 || t > MAX_ITERATIONS) {
                    throw new IllegalArgumentException("argon2 parameters out of range");
                }
                return new ParsedHash(true, m, t, p, decoder.decode(parts[4]), nonEmpty(decoder.decode(parts[5])));
            }
            if (stored.startsWith(PBKDF2_PREFIX) && parts.length == 5 && parts[2].startsWith("i=")) {
                int i = Integer.parseInt(parts[2].substring(2));
                if (i < 1 || i > MAX_ITERATIONS) {
                    throw new IllegalArgumentException("pbkdf2 iterations out of range");
                }
                return new ParsedHash(false, 0, i, 0, decoder.decode(parts[3]), nonEmpty(decoder.decode(parts[4])));
            }
            throw new IllegalArgumentException("unknown hash format");
        }

        private static byte[] nonEmpty(byte[] hash) {
            if (hash.length < 16) {
                throw new IllegalArgumentException("hash too short");
            }
            return hash;
        }
    }
}
