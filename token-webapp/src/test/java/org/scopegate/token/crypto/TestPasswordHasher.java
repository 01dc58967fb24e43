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

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Password hashing, PHC strings and rehash detection.
 */
public class TestPasswordHasher {

    private static final SecretGenerator RANDOM = new SecretGenerator();

    private static PasswordHasher argon2(int memory, int iterations) {
        return new PasswordHasher(new PasswordHashParameters("argon2id", memory, iterations, 1, 1000), RANDOM);
    }

    private static PasswordHasher pbkdf2(int iterations) {
        return new PasswordHasher(new PasswordHashParameters("pbkdf2", 64, 1, 1, iterations), RANDOM);
    }

    @Test
    public void hashWhenArgon2ThenPhcStringThatVerifies() {
        // PREPARE
        PasswordHasher hasher = argon2(64, 1);

        // TEST
        String hash = hasher.hash("correct horse");

        // VERIFY
        Assertions.assertTrue(hash.matches("\\$argon2id\\$v=19\\$m=64,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"),
                hash);
        Assertions.assertTrue(hasher.verify("correct horse", hash));
        Assertions.assertFalse(hasher.verify("correct horse!", hash));
        Assertions.assertNotEquals(hash, hasher.hash("correct horse"), "salt must differ");
    }

    @Test
    public void hashWhenDefaultParametersThenOwaspSettingInPhcString() {
        // PREPARE
        PasswordHasher hasher = new PasswordHasher(PasswordHashParameters.defaults(), RANDOM);

        // TEST
        String hash = hasher.hash("pw");

        // VERIFY
        Assertions.assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
        Assertions.assertTrue(hasher.verify("pw", hash));
        Assertions.assertFalse(hasher.needsRehash(hash));
    }

    @Test
    public void verifyWhenHashOfTheReferenceImplementationThenMatches() {
        // PREPARE: printed by the reference implementation: echo -n password | argon2 somesalt12345678 -id -t 2 -k 19456
        // -p 1 -l 32 -e (Debian package argon2); one with more memory than configured, one with less
        String reference = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQxMjM0NTY3OA$"
                + "DEwLbbIZGUtgBuB4gYok6r6hNvevYZoxkwMQ5/LXSaU";
        String smaller = "$argon2id$v=19$m=8,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$ZOFExUt4/5FcZTr8d/T1ng";
        PasswordHasher hasher = argon2(1024, 1);

        // TEST and VERIFY: twice each, so that the second time runs on a work area the first one used
        for (int i = 0; i < 2; i++) {
            Assertions.assertTrue(hasher.verify("password", reference));
            Assertions.assertFalse(hasher.verify("Password", reference));
            Assertions.assertTrue(hasher.verify("P\u00e4ssw\u00f6rd with spaces", smaller));
            Assertions.assertFalse(hasher.verify("Passw\u00f6rd with spaces", smaller));
        }
        Assertions.assertTrue(hasher.needsRehash(reference));
    }

    @Test
    public void hashWhenPbkdf2ThenPhcStringThatVerifies() {
        // PREPARE
        PasswordHasher hasher = pbkdf2(1000);

        // TEST
        String hash = hasher.hash("pw");

        // VERIFY
        Assertions.assertTrue(hash.startsWith("$pbkdf2-sha256$i=1000$"), hash);
        Assertions.assertTrue(hasher.verify("pw", hash));
        Assertions.assertFalse(hasher.verify("pW", hash));
    }

    @Test
    public void needsRehashWhenParametersOrAlgorithmChangedThenTrue() {
        // PREPARE
        String oldArgon = argon2(64, 1).hash("pw");
        String pbkdf = pbkdf2(1000).hash("pw");

        // VERIFY
        Assertions.assertTrue(argon2(128, 1).needsRehash(oldArgon));
        Assertions.assertTrue(argon2(64, 2).needsRehash(oldArgon));
        Assertions.assertFalse(argon2(64, 1).needsRehash(oldArgon));
        Assertions.assertTrue(argon2(64, 1).needsRehash(pbkdf));
        Assertions.assertTrue(pbkdf2(2000).needsRehash(pbkdf));
        Assertions.assertTrue(pbkdf2(1000).needsRehash(oldArgon));
    }

    @Test
    public void verifyWhenStoredHashMalformedThenFalseAndNeedsRehash() {
        // PREPARE
        PasswordHasher hasher = argon2(64, 1);

        // VERIFY
        Assertions.assertFalse(hasher.verify("pw", "plain"));
        Assertions.assertFalse(hasher.verify("pw", "$argon2id$v=19$m=999999999,t=1,p=1$AAAA$AAAA"));
        Assertions.assertTrue(hasher.needsRehash("plain"));
    }

    @Test
    public void constructWhenAlgorithmUnknownThenRejected() {
        // TEST and VERIFY
        Assertions.assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(
                new PasswordHashParameters("md5", 64, 1, 1, 1), RANDOM));
    }

    @Test
    public void verifyWhenMoreLoginsThanProcessorsThenEachVerifiedOnceAndCounted() throws Exception {
        // PREPARE: four logins per processor at once, one of them interrupted while it waits for its turn
        PasswordHasher hasher = argon2(256, 2);
        String stored = hasher.hash("s3cret");
        long before = hasher.statistics().snapshot().hashes();
        int logins = 4 * Runtime.getRuntime().availableProcessors();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(logins);
        java.util.List<java.util.concurrent.Future<boolean[]>> results = new java.util.ArrayList<>();

        // TEST
        for (int i = 0; i < logins; i++) {
            boolean interrupt = i == logins - 1;
            String password = i % 2 == 0 ? "s3cret" : "wrong";
            results.add(pool.submit(() -> {
                if (interrupt) {
                    Thread.currentThread().interrupt();
                }
                boolean ok = hasher.verify(password, stored);
                return new boolean[] { ok, Thread.interrupted() };
            }));
        }

        // VERIFY
        for (int i = 0; i < logins; i++) {
            boolean[] result = results.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
            Assertions.assertEquals(i % 2 == 0, result[0], "login " + i);
            Assertions.assertEquals(i == logins - 1, result[1], "interrupt kept for login " + i);
        }
        pool.shutdown();
        PasswordHashStatistics.Snapshot after = hasher.statistics().snapshot();
        Assertions.assertEquals(before + logins, after.hashes());
        Assertions.assertTrue(after.elapsedMillis() > 0);
    }
}
