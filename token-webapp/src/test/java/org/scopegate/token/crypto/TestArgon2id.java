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

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The Argon2id engine against the RFC 9106 test vector, the reference C implementation and Bouncy Castle.
 */
public class TestArgon2id {

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static long[] workArea(int memoryKiB, int parallelism) {
        return new long[(int) Argon2id.workWords(memoryKiB, parallelism)];
    }

    @Test
    public void hashWhenRfc9106TestVectorThenTag() {
        // PREPARE: RFC 9106 section 5.3: m=32, t=3, p=4, P=32 x 01, S=16 x 02, K=8 x 03, X=12 x 04, T=32
        long[] memory = workArea(32, 4);

        // TEST
        byte[] tag = Argon2id.hash(filled(32, 1), filled(16, 2), filled(8, 3), filled(12, 4), 32, 3, 4, 32, memory);

        // VERIFY
        Assertions.assertEquals("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659",
                HexFormat.of().formatHex(tag));
    }

    @Test
    public void hashWhenReferenceImplementationOutputsThenSameTags() {
        // PREPARE: PHC strings printed by the reference implementation ("argon2" command, Debian package argon2)
        String[][] cases = {
            { "password", "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQxMjM0NTY3OA$"
                    + "/Yuib8jZSB7gJVhm8u6PPks7pHg6ZjMBkUDQECdDKUI" },
            { "correct horse battery staple", "$argon2id$v=19$m=7168,t=5,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
                    + "GnLAAKz8yyOZ33lGS/IG2/EQTUwrJXM9iA+bhjzzZy4" },
            { "P\u00e4ssw\u00f6rd with spaces", "$argon2id$v=19$m=8,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$"
                    + "ZOFExUt4/5FcZTr8d/T1ng" },
            { "pw", "$argon2id$v=19$m=100,t=3,p=3$TmFDbC1OYUNsLU5hQ2whIQ$MQVn3xYZCqyasbcAQ41BiZUhWnXX33fUucV8qcq8yRY+"
                    + "4mRfmkYzomGy1cxku+XJsETHo5AyA/QspdSlyW+keg" },
            { "password", "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQxMjM0NTY3OA$"
                    + "DEwLbbIZGUtgBuB4gYok6r6hNvevYZoxkwMQ5/LXSaU" } };
        for (String[] c : cases) {
            String[] parts = c[1].split("\\$");
            String[] costs = parts[3].split(",");
            int m = Integer.parseInt(costs[0].substring(2));
            int t = Integer.parseInt(costs[1].substring(2));
            int p = Integer.parseInt(costs[2].substring(2));
            byte[] salt = Base64.getDecoder().decode(parts[4]);
            byte[] expected = Base64.getDecoder().decode(parts[5]);

            // TEST
            byte[] tag = Argon2id.hash(c[0].getBytes(StandardCharsets.UTF_8), salt, m, t, p, expected.length,
                    workArea(m, p));

            // VERIFY
            Assertions.assertArrayEquals(expected, tag, c[1]);
        }
    }

    @Test
    public void hashWhenRandomInputsThenSameAsBouncyCastle() {
        // PREPARE: odd memory sizes (rounded down to whole segments), several lanes, tag lengths on both sides of 64
        Random random = new Random(9106);
        long[] shared = workArea(600, 1);
        for (int i = 0; i < 40; i++) {
            int p = 1 + random.nextInt(4);
            int m = 8 * p + random.nextInt(600 - 8 * p);
            int t = 1 + random.nextInt(3);
            int length = 4 + random.nextInt(150);
            byte[] password = new byte[random.nextInt(40)];
            byte[] salt = new byte[8 + random.nextInt(24)];
            random.nextBytes(password);
            random.nextBytes(salt);
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(m).withIterations(t)
                    .withParallelism(p).withSalt(salt).build());
            byte[] expected = new byte[length];
            generator.generateBytes(password, expected);

            // TEST: one work area for every hash, never cleared in between
            byte[] tag = Argon2id.hash(password, salt, m, t, p, length, shared);

            // VERIFY
            Assertions.assertArrayEquals(expected, tag, "m=" + m + " t=" + t + " p=" + p + " T=" + length);
        }
    }

    @Test
    public void hashWhenWorkAreaTooSmallOrParametersOutOfRangeThenRefused() {
        Assertions.assertThrows(IllegalArgumentException.class,
                () -> Argon2id.hash(new byte[1], new byte[16], 64, 1, 1, 32, new long[64 * 128 - 1]));
        Assertions.assertThrows(IllegalArgumentException.class,
                () -> Argon2id.hash(new byte[1], new byte[16], 15, 1, 2, 32, workArea(64, 1)));
        Assertions.assertThrows(IllegalArgumentException.class,
                () -> Argon2id.hash(new byte[1], new byte[16], 64, 0, 1, 32, workArea(64, 1)));
        Assertions.assertThrows(IllegalArgumentException.class,
                () -> Argon2id.hash(new byte[1], new byte[16], 64, 1, 1, 3, workArea(64, 1)));
    }
}
