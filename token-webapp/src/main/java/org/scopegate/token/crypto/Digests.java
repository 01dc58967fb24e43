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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 digests as the store keeps them (64 lowercase hex characters), and constant-time comparison.
 */
public final class Digests {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Never used itself, only copied: a MessageDigest is not thread-safe. */
    private static final MessageDigest SHA256 = newSha256();

    private Digests() {
    }

    /**
     * @param value a token or secret
     * @return the lowercase hex SHA-256 of its UTF-8 bytes
     */
    public static String sha256Hex(String value) {
        byte[] digest = sha256().digest(value.getBytes(StandardCharsets.UTF_8));
        char[] out = new char[digest.length * 2];
        for (int i = 0; i < digest.length; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(out);
    }

    /**
     * Compares two digests in time independent of where they differ.
     *
     * @param a a hex digest
     * @param b another hex digest
     * @return whether both are equal
     */
    public static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * @param digest a hex digest
     * @return its first 8 characters, to correlate log lines without logging the digest
     */
    public static String shortForm(String digest) {
        return digest.length() > 8 ? digest.substring(0, 8) : digest;
    }

    private static MessageDigest sha256() {
        // A copy of a prototype: MessageDigest.getInstance looks the provider up and builds the engine reflectively
        // on every call, twice per introspection (the token and the caller's secret).
        try {
            return (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
