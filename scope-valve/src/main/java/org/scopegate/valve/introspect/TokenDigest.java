/*
 * Copyright the ScopeGate authors.
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
package org.scopegate.valve.introspect;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 digest of a bearer token: the cache key and the value of a {@code token} revocation event. The raw
 * token is never kept; the store and the revocation feed use the same digest, written as 64 lower-case hex
 * characters. Held as four {@code long}s so that equality and hashing cost no allocation.
 */
public final class TokenDigest {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /*
     * One digest and one output buffer per request thread: no MessageDigest or byte[] churn per request. The class
     * lives in the server's class loader, so the thread-local value pins no webapp.
     */
    private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);

    private final long w0;
    private final long w1;
    private final long w2;
    private final long w3;


    private TokenDigest(long w0, long w1, long w2, long w3) {
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
    }


    /**
     * Computes the digest of a token.
     *
     * @param token the token as sent (ASCII, RFC 6750 b64token)
     *
     * @return its SHA-256 digest
     */
    public static TokenDigest of(String token) {
        byte[] ascii = token.getBytes(StandardCharsets.US_ASCII);
        return of(ascii, 0, ascii.length);
    }


    /**
     * Computes the digest of a token from its bytes as received (ASCII), without making a String of it.
     *
     * @param bytes  a buffer holding the token
     * @param offset where the token starts
     * @param length its length
     *
     * @return its SHA-256 digest
     */
    public static TokenDigest of(byte[] bytes, int offset, int length) {
        byte[] d = HASHER.get().digest(bytes, offset, length);
        return new TokenDigest(word(d, 0), word(d, 8), word(d, 16), word(d, 24));
    }


    /**
     * Parses a digest written as 64 hex characters (either case).
     *
     * @param hex the hex text
     *
     * @return the digest, or {@code null} when the text is not 64 hex characters
     */
    public static TokenDigest fromHex(String hex) {
        if (hex == null || hex.length() != 64) {
            return null;
        }
        long[] w = new long[4];
        for (int i = 0; i < 64; i++) {
            int v = Character.digit(hex.charAt(i), 16);
            if (v < 0) {
                return null;
            }
            w[i / 16] = (w[i / 16] << 4) | v;
        }
        return new TokenDigest(w[0], w[1], w[2], w[3]);
    }


    /**
     * @return the 64 lower-case hex characters of the digest, as the store keeps them
     */
    public String hex() {
        char[] out = new char[64];
        long[] w = { w0, w1, w2, w3 };
        for (int i = 0; i < 64; i++) {
            int shift = 60 - 4 * (i % 16);
            out[i] = HEX[(int) ((w[i / 16] >>> shift) & 0xF)];
        }
        return new String(out);
    }


    /**
     * @return the first 8 hex characters, which is all a log line may show of a token
     */
    public String shortHex() {
        return hex().substring(0, 8);
    }


    @Override
    public boolean equals(Object o) {
        return o instanceof TokenDigest other && w0 == other.w0 && w1 == other.w1 && w2 == other.w2 && w3 == other.w3;
    }


    @Override
    public int hashCode() {
        // Uniformly distributed already: a SHA-256 word is as good a hash as any
        return Long.hashCode(w0);
    }


    @Override
    public String toString() {
        return shortHex();
    }


    private static long word(byte[] d, int offset) {
        long w = 0;
        for (int i = offset; i < offset + 8; i++) {
            w = (w << 8) | (d[i] & 0xFF);
        }
        return w;
    }


    /**
     * A reusable SHA-256 for one thread.
     */
    private static final class Hasher {

        private final MessageDigest sha256;
        private final byte[] out = new byte[32];


        Hasher() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                // Every Java platform must provide SHA-256
                throw new IllegalStateException(e);
            }
        }


        byte[] digest(byte[] bytes, int offset, int length) {
            sha256.update(bytes, offset, length);
            try {
                sha256.digest(out, 0, out.length);
            } catch (DigestException e) {
                sha256.reset();
                throw new IllegalStateException(e);
            }
            return out;
        }
    }
}
