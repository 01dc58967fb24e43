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
import java.util.List;

/**
 * The tokens of a run, read from a file (one per line), each handed out <b>once</b>: a refresh token is rotated by
 * its first use, so a second use would be a replay the token service rightly refuses. When the pool is used up the
 * run stops sending instead of starting over.
 */
public final class TokenPool {

    private final byte[][] tokens;
    private final boolean cycle;
    private int next;
    private long handedOut;


    private TokenPool(byte[][] tokens, boolean cycle) {
        this.tokens = tokens;
        this.cycle = cycle;
    }


    /**
     * @param file  one token per line (empty lines skipped)
     * @param cycle whether to start over when every token was used: only for requests that change nothing, such
     *              as introspection
     *
     * @return the pool
     *
     * @throws IOException when the file cannot be read
     */
    public static TokenPool read(Path file, boolean cycle) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        byte[][] tokens = lines.stream().filter(l -> !l.isBlank()).map(l -> l.strip().getBytes(
                StandardCharsets.US_ASCII)).toArray(byte[][]::new);
        if (tokens.length == 0) {
            throw new IOException("no tokens in " + file);
        }
        return new TokenPool(tokens, cycle);
    }


    /**
     * @return the index of the next unused token, or {@code -1} when none is left
     */
    public synchronized int take() {
        if (next == tokens.length) {
            if (!cycle) {
                return -1;
            }
            next = 0;
        }
        handedOut++;
        return next++;
    }


    /**
     * @param index an index given by {@link #take()}
     *
     * @return that token's bytes
     */
    public byte[] token(int index) {
        return tokens[index];
    }


    /** @return tokens handed out (with {@code cycle}, counting each turn) */
    public synchronized long used() {
        return handedOut;
    }


    /** @return tokens in the pool */
    public int size() {
        return tokens.length;
    }


    /** @return the longest token's length */
    public int maxLength() {
        int max = 0;
        for (byte[] t : tokens) {
            max = Math.max(max, t.length);
        }
        return max;
    }
}
