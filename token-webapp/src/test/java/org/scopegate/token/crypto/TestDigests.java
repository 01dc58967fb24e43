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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The digest the store keeps of every token and consumer secret: SHA-256 in lower-case hex, the same from any number
 * of threads at once (each call works on its own copy of the engine).
 */
public class TestDigests {

    @Test
    public void sha256HexOfKnownValuesThenFipsVectors() {
        // FIPS 180-2 examples
        Assertions.assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Digests.sha256Hex("abc"));
        Assertions.assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                Digests.sha256Hex(""));
    }

    @Test
    public void sha256HexFromManyThreadsThenEachAnswerIsItsOwn() throws Exception {
        // PREPARE
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();

            // ACT
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        String value = i % 2 == 0 ? "abc" : "";
                        String expected = i % 2 == 0
                                ? "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
                                : "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
                        if (!expected.equals(Digests.sha256Hex(value))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }

            // ASSERT
            for (Future<Boolean> result : results) {
                Assertions.assertTrue(result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
