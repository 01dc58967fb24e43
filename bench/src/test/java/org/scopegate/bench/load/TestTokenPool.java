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
package org.scopegate.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token pool hands out each token once: a rotated refresh token presented twice is a replay the token service
 * rightly refuses, and a benchmark that does it measures its own mistake.
 */
public class TestTokenPool {

    @TempDir
    Path dir;


    @Test
    void readWhenBlankLinesAndCrLfThenOnlyTheTokensStripped() throws IOException {
        // PREPARE
        Path file = write("tok-a\r\n\r\n  tok-bb  \r\n\n tok-c\n");

        // TEST
        TokenPool pool = TokenPool.read(file, false);

        // VERIFY
        Assertions.assertEquals(3, pool.size());
        Assertions.assertEquals("tok-a", token(pool, 0));
        Assertions.assertEquals("tok-bb", token(pool, 1));
        Assertions.assertEquals("tok-c", token(pool, 2));
        Assertions.assertEquals(6, pool.maxLength());
    }


    @Test
    void readWhenNoTokenThenIOException() throws IOException {
        // PREPARE
        Path file = write("\n  \n");

        // TEST and VERIFY
        Assertions.assertThrows(IOException.class, () -> TokenPool.read(file, false));
    }


    @Test
    void takeWhenPoolUsedUpThenExhaustedForGood() throws IOException {
        // PREPARE
        TokenPool pool = TokenPool.read(write("a\nb\nc\n"), false);

        // TEST
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            taken.add(pool.take());
        }

        // VERIFY: each once, then -1 every time after (never starting over)
        Assertions.assertEquals(List.of(0, 1, 2, -1, -1, -1), taken);
        Assertions.assertEquals(3, pool.used());
    }


    @Test
    void takeWhenCycleThenStartsOverAndCountsEveryTurn() throws IOException {
        // PREPARE: introspection changes nothing, so its tokens may be presented again
        TokenPool pool = TokenPool.read(write("a\nb\n"), true);

        // TEST
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            taken.add(pool.take());
        }

        // VERIFY
        Assertions.assertEquals(List.of(0, 1, 0, 1, 0), taken);
        Assertions.assertEquals(5, pool.used());
    }


    @Test
    void takeWhenSeveralThreadsThenEveryTokenHandedOutExactlyOnce() throws Exception {
        // PREPARE
        int size = 20_000;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < size; i++) {
            b.append("refresh-").append(i).append('\n');
        }
        TokenPool pool = TokenPool.read(write(b.toString()), false);
        int threads = 4;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        List<Future<List<Integer>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                Callable<List<Integer>> taker = () -> {
                    go.await();
                    List<Integer> mine = new ArrayList<>();
                    for (int i = pool.take(); i >= 0; i = pool.take()) {
                        mine.add(i);
                    }
                    return mine;
                };
                results.add(executor.submit(taker));
            }

            // TEST
            go.countDown();
            Set<String> seen = new HashSet<>();
            int total = 0;
            for (Future<List<Integer>> f : results) {
                for (int i : f.get(30, TimeUnit.SECONDS)) {
                    total++;
                    Assertions.assertTrue(seen.add(token(pool, i)), "handed out twice: line " + (i + 1));
                }
            }

            // VERIFY
            Assertions.assertEquals(size, total);
            Assertions.assertEquals(size, seen.size());
            Assertions.assertEquals(size, pool.used());
            Assertions.assertEquals(-1, pool.take());
        } finally {
            executor.shutdownNow();
        }
    }


    private Path write(String content) throws IOException {
        Path file = Files.createTempFile(dir, "tokens", ".txt");
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return file;
    }


    private static String token(TokenPool pool, int index) {
        return new String(pool.token(index), StandardCharsets.US_ASCII);
    }
}
