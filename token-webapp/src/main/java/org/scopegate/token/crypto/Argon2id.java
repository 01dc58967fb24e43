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

import java.util.Arrays;

import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * Argon2id version 0x13 (RFC 9106) that fills a caller's work area instead of allocating its memory cost.
 * <p>
 * Bouncy Castle's {@code Argon2BytesGenerator} allocates the whole memory cost as a new object per 1 KiB block on
 * every hash (7,168 objects at m=7 MiB) and clears them afterwards: at a few dozen logins a second that is hundreds
 * of MiB per second of garbage, young collections that copy the hashes in flight, and fresh cache lines on every
 * pass. Here the memory is one {@code long[]} that {@link PasswordHasher} lends to one hash at a time and clears
 * after it. Blake2b (H, and H' built on it) is Bouncy Castle's; the tests check every output against Bouncy
 * Castle's Argon2id and the RFC 9106 test vector.
 */
final class Argon2id {

    /** 64-bit words in a 1 KiB block. */
    static final int BLOCK_WORDS = 128;
    private static final int SYNC_POINTS = 4;
    private static final int VERSION = 0x13;
    private static final int TYPE_ID = 2;
    private static final long LOW32 = 0xFFFFFFFFL;

    private Argon2id() {
    }

    /**
     * @param memoryKiB requested memory cost m (at least 8 per lane)
     * @param parallelism lanes p
     * @return the 64-bit words of work area a hash with these parameters fills
     */
    static long workWords(int memoryKiB, int parallelism) {
        return (long) blocks(memoryKiB, parallelism) * BLOCK_WORDS;
    }

    private static int blocks(int memoryKiB, int parallelism) {
        int segment = Math.max(memoryKiB, 2 * SYNC_POINTS * parallelism) / (SYNC_POINTS * parallelism);
        return segment * SYNC_POINTS * parallelism;
    }

    /**
     * Computes an Argon2id tag. The work area's first {@link #workWords(int, int)} words are overwritten (and left
     * as the hash leaves them: the caller clears them).
     *
     * @param password P
     * @param salt S
     * @param memoryKiB m
     * @param iterations t
     * @param parallelism p; the lanes are filled one after the other on the calling thread
     * @param tagLength T in bytes, at least 4
     * @param memory work area of at least {@link #workWords(int, int)} words
     * @return the tag
     */
    static byte[] hash(byte[] password, byte[] salt, int memoryKiB, int iterations, int parallelism, int tagLength,
            long[] memory) {
        return hash(password, salt, new byte[0], new byte[0], memoryKiB, iterations, parallelism, tagLength, memory);
    }

    /**
     * As {@link #hash(byte[], byte[], int, int, int, int, long[])}, with the optional secret K and associated data X
     * of RFC 9106 (the test vectors use them).
     */
    static byte[] hash(byte[] password, byte[] salt, byte[] secret, byte[] associatedData, int memoryKiB,
            int iterations, int parallelism, int tagLength, long[] memory) {
        if (parallelism < 1 || iterations < 1 || tagLength < 4 || memoryKiB < 8 * parallelism) {
            throw new IllegalArgumentException("Argon2 parameters out of range");
        }
        int laneLength = blocks(memoryKiB, parallelism) / parallelism;
        int segmentLength = laneLength / SYNC_POINTS;
        if (memory.length < workWords(memoryKiB, parallelism)) {
            throw new IllegalArgumentException("Argon2 work area too small");
        }
        Instance instance = new Instance(memory, parallelism, laneLength, segmentLength, iterations);

        byte[] h0 = initialHash(password, salt, secret, associatedData, memoryKiB, iterations, parallelism, tagLength);
        byte[] seed = Arrays.copyOf(h0, 72);
        byte[] blockBytes = new byte[BLOCK_WORDS * 8];
        for (int lane = 0; lane < parallelism; lane++) {
            for (int column = 0; column < 2; column++) {
                storeInt(seed, 64, column);
                storeInt(seed, 68, lane);
                variableHash(seed, blockBytes);
                int base = (lane * laneLength + column) * BLOCK_WORDS;
                for (int w = 0; w < BLOCK_WORDS; w++) {
                    memory[base + w] = loadLong(blockBytes, w * 8);
                }
            }
        }
        Arrays.fill(seed, (byte) 0);
        Arrays.fill(h0, (byte) 0);

        for (int pass = 0; pass < iterations; pass++) {
            for (int slice = 0; slice < SYNC_POINTS; slice++) {
                for (int lane = 0; lane < parallelism; lane++) {
                    instance.fillSegment(pass, slice, lane);
                }
            }
        }

        long[] last = new long[BLOCK_WORDS];
        for (int lane = 0; lane < parallelism; lane++) {
            int base = (lane * laneLength + laneLength - 1) * BLOCK_WORDS;
            for (int w = 0; w < BLOCK_WORDS; w++) {
                last[w] ^= memory[base + w];
            }
        }
        for (int w = 0; w < BLOCK_WORDS; w++) {
            storeLong(blockBytes, w * 8, last[w]);
        }
        byte[] tag = new byte[tagLength];
        variableHash(blockBytes, tag);
        Arrays.fill(blockBytes, (byte) 0);
        Arrays.fill(last, 0L);
        instance.clearScratch();
        return tag;
    }

    private static byte[] initialHash(byte[] password, byte[] salt, byte[] secret, byte[] associatedData,
            int memoryKiB, int iterations, int parallelism, int tagLength) {
        Blake2bDigest h = new Blake2bDigest(512);
        byte[] word = new byte[4];
        for (int value : new int[] { parallelism, tagLength, memoryKiB, iterations, VERSION, TYPE_ID }) {
            storeInt(word, 0, value);
            h.update(word, 0, 4);
        }
        for (byte[] field : new byte[][] { password, salt, secret, associatedData }) {
            storeInt(word, 0, field.length);
            h.update(word, 0, 4);
            h.update(field, 0, field.length);
        }
        byte[] h0 = new byte[64];
        h.doFinal(h0, 0);
        return h0;
    }

    /** H' of RFC 9106 section 3.3: Blake2b of any output length, fed with LE32(T) || input. */
    private static void variableHash(byte[] input, byte[] out) {
        byte[] length = new byte[4];
        storeInt(length, 0, out.length);
        if (out.length <= 64) {
            Blake2bDigest h = new Blake2bDigest(out.length * 8);
            h.update(length, 0, 4);
            h.update(input, 0, input.length);
            h.doFinal(out, 0);
            return;
        }
        byte[] v = new byte[64];
        Blake2bDigest h = new Blake2bDigest(512);
        h.update(length, 0, 4);
        h.update(input, 0, input.length);
        h.doFinal(v, 0);
        int r = (out.length + 31) / 32 - 2;
        int position = 0;
        System.arraycopy(v, 0, out, position, 32);
        position += 32;
        for (int i = 2; i <= r; i++) {
            h.update(v, 0, 64);
            h.doFinal(v, 0);
            System.arraycopy(v, 0, out, position, 32);
            position += 32;
        }
        Blake2bDigest tail = new Blake2bDigest((out.length - 32 * r) * 8);
        tail.update(v, 0, 64);
        tail.doFinal(out, position);
        Arrays.fill(v, (byte) 0);
    }

    /**
     * The memory of one hash, its shape, and the scratch blocks of the compression function.
     */
    private static final class Instance {

        private final long[] memory;
        private final int lanes;
        private final int laneLength;
        private final int segmentLength;
        private final int passes;
        private final long[] r = new long[BLOCK_WORDS];
        private final long[] z = new long[BLOCK_WORDS];
        private final long[] addresses = new long[BLOCK_WORDS];
        private final long[] input = new long[BLOCK_WORDS];
        private final long[] zero = new long[BLOCK_WORDS];

        Instance(long[] memory, int lanes, int laneLength, int segmentLength, int passes) {
            this.memory = memory;
            this.lanes = lanes;
            this.laneLength = laneLength;
            this.segmentLength = segmentLength;
            this.passes = passes;
        }

        void fillSegment(int pass, int slice, int lane) {
            boolean independent = pass == 0 && slice < SYNC_POINTS / 2;
            if (independent) {
                Arrays.fill(input, 0L);
                input[0] = pass;
                input[1] = lane;
                input[2] = slice;
                input[3] = (long) lanes * laneLength;
                input[4] = passes;
                input[5] = TYPE_ID;
            }
            int start = 0;
            if (pass == 0 && slice == 0) {
                start = 2;
                if (independent) {
                    nextAddresses();
                }
            }
            int current = lane * laneLength + slice * segmentLength + start;
            int previous = current % laneLength == 0 ? current + laneLength - 1 : current - 1;
            for (int index = start; index < segmentLength; index++, current++, previous++) {
                if (current % laneLength == 1) {
                    previous = current - 1;
                }
                long pseudoRandom;
                if (independent) {
                    if (index % BLOCK_WORDS == 0) {
                        nextAddresses();
                    }
                    pseudoRandom = addresses[index % BLOCK_WORDS];
                } else {
                    pseudoRandom = memory[previous * BLOCK_WORDS];
                }
                int refLane = pass == 0 && slice == 0 ? lane : (int) ((pseudoRandom >>> 32) % lanes);
                int refIndex = referenceIndex(pass, slice, index, pseudoRandom & LOW32, refLane == lane);
                compress(previous * BLOCK_WORDS, (refLane * laneLength + refIndex) * BLOCK_WORDS, current * BLOCK_WORDS,
                        pass > 0);
            }
        }

        private int referenceIndex(int pass, int slice, int index, long j1, boolean sameLane) {
            long areaSize;
            if (pass == 0) {
                if (slice == 0) {
                    areaSize = index - 1;
                } else if (sameLane) {
                    areaSize = (long) slice * segmentLength + index - 1;
                } else {
                    areaSize = (long) slice * segmentLength + (index == 0 ? -1 : 0);
                }
            } else if (sameLane) {
                areaSize = (long) laneLength - segmentLength + index - 1;
            } else {
                areaSize = (long) laneLength - segmentLength + (index == 0 ? -1 : 0);
            }
            long x = (j1 * j1) >>> 32;
            long relative = areaSize - 1 - ((areaSize * x) >>> 32);
            long startPosition = pass != 0 && slice != SYNC_POINTS - 1 ? (long) (slice + 1) * segmentLength : 0;
            return (int) ((startPosition + relative) % laneLength);
        }

        private void nextAddresses() {
            input[6]++;
            compressInto(zero, input, addresses);
            compressInto(zero, addresses, addresses);
        }

        private void compressInto(long[] x, long[] y, long[] out) {
            for (int w = 0; w < BLOCK_WORDS; w++) {
                r[w] = x[w] ^ y[w];
                z[w] = r[w];
            }
            permute(z);
            for (int w = 0; w < BLOCK_WORDS; w++) {
                out[w] = z[w] ^ r[w];
            }
        }

        /** G of RFC 9106 section 3.5: {@code memory[to] = G(previous, reference)}, XORed into the old block. */
        private void compress(int prev, int ref, int to, boolean xor) {
            long[] m = memory;
            for (int w = 0; w < BLOCK_WORDS; w++) {
                long value = m[prev + w] ^ m[ref + w];
                r[w] = value;
                z[w] = value;
            }
            permute(z);
            if (xor) {
                for (int w = 0; w < BLOCK_WORDS; w++) {
                    m[to + w] ^= z[w] ^ r[w];
                }
            } else {
                for (int w = 0; w < BLOCK_WORDS; w++) {
                    m[to + w] = z[w] ^ r[w];
                }
            }
        }

        void clearScratch() {
            Arrays.fill(r, 0L);
            Arrays.fill(z, 0L);
            Arrays.fill(addresses, 0L);
            Arrays.fill(input, 0L);
        }
    }

    /**
     * The permutation P of RFC 9106 section 3.6 on the eight rows (sixteen consecutive words), then on the eight
     * columns (words 2i and 2i+1 of every row) of a block: each a Blake2b round without message, as four column
     * and four diagonal quarter rounds. The indices are linear in the loop variable, so the JIT hoists the bounds
     * checks out of the loops.
     */
    private static void permute(long[] v) {
        for (int i = 0; i < 8; i++) {
            int r = 16 * i;
            quarter(v, r, r + 4, r + 8, r + 12);
            quarter(v, r + 1, r + 5, r + 9, r + 13);
            quarter(v, r + 2, r + 6, r + 10, r + 14);
            quarter(v, r + 3, r + 7, r + 11, r + 15);
            quarter(v, r, r + 5, r + 10, r + 15);
            quarter(v, r + 1, r + 6, r + 11, r + 12);
            quarter(v, r + 2, r + 7, r + 8, r + 13);
            quarter(v, r + 3, r + 4, r + 9, r + 14);
        }
        for (int i = 0; i < 8; i++) {
            int c = 2 * i;
            quarter(v, c, c + 32, c + 64, c + 96);
            quarter(v, c + 1, c + 33, c + 65, c + 97);
            quarter(v, c + 16, c + 48, c + 80, c + 112);
            quarter(v, c + 17, c + 49, c + 81, c + 113);
            quarter(v, c, c + 33, c + 80, c + 113);
            quarter(v, c + 1, c + 48, c + 81, c + 96);
            quarter(v, c + 16, c + 49, c + 64, c + 97);
            quarter(v, c + 17, c + 32, c + 65, c + 112);
        }
    }

    /** The quarter round GB of RFC 9106 section 3.6 on four words of a block. */
    private static void quarter(long[] v, int a, int b, int c, int d) {
        long va = v[a];
        long vb = v[b];
        long vc = v[c];
        long vd = v[d];
        va = f(va, vb);
        vd = Long.rotateRight(vd ^ va, 32);
        vc = f(vc, vd);
        vb = Long.rotateRight(vb ^ vc, 24);
        va = f(va, vb);
        vd = Long.rotateRight(vd ^ va, 16);
        vc = f(vc, vd);
        vb = Long.rotateRight(vb ^ vc, 63);
        v[a] = va;
        v[b] = vb;
        v[c] = vc;
        v[d] = vd;
    }

    /** BlaMka: a + b + 2 * lo32(a) * lo32(b). */
    private static long f(long a, long b) {
        return a + b + 2 * (a & LOW32) * (b & LOW32);
    }

    private static void storeInt(byte[] out, int offset, int value) {
        out[offset] = (byte) value;
        out[offset + 1] = (byte) (value >>> 8);
        out[offset + 2] = (byte) (value >>> 16);
        out[offset + 3] = (byte) (value >>> 24);
    }

    private static void storeLong(byte[] out, int offset, long value) {
        storeInt(out, offset, (int) value);
        storeInt(out, offset + 4, (int) (value >>> 32));
    }

    private static long loadLong(byte[] in, int offset) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (in[offset + i] & 0xFFL);
        }
        return value;
    }
}
