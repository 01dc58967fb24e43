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

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The failed requests of a run, grouped by what went wrong (status and OAuth {@code error} code, or the I/O
 * failure), each group with its count, the first answer's body and which token the first failed request carried
 * (its line in the token file and the first 8 hex characters of its SHA-256, as the server's logs show it; never the
 * token itself). A sample shows no token either: the request's own token, where the answer quotes it, and the value
 * of every JSON member named {@code ...token} (an answer of a successful grant that did not have the expected
 * status holds live tokens) are replaced by {@code sha256:} and their digest's first 8 hex characters.
 */
public final class ErrorTally {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** A JSON string member whose name ends in "token", its value possibly cut off by the end of the sample. */
    private static final Pattern TOKEN_MEMBER = Pattern.compile("(\"[A-Za-z_]*token\"\\s*:\\s*\")([^\"]*)");

    private final Map<String, Group> groups = new LinkedHashMap<>();
    private long total;


    /**
     * @param kind   what went wrong, e.g. {@code status=400 error=invalid_grant} or {@code io=Connection reset}
     * @param sample the start of the answer's body, or {@code ""}
     * @param token  the token the request carried, or {@code null}
     * @param line   the token's line in its file (1-based), or 0
     */
    public synchronized void add(String kind, String sample, byte[] token, int line) {
        total++;
        Group g = groups.get(kind);
        if (g == null) {
            groups.put(kind, new Group(redact(sample, token), token == null ? null : shortDigest(token), line));
        } else {
            g.count++;
        }
    }


    /** @return failed requests */
    public synchronized long total() {
        return total;
    }


    /**
     * @return one line per group: {@code LOAD_ERROR count=N kind... first_token_line=L first_token_sha256=xxxxxxxx
     *         sample=...}
     */
    public synchronized String lines(String label) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            Group g = e.getValue();
            b.append("LOAD_ERROR label=").append(label).append(" count=").append(g.count).append(' ')
                    .append(e.getKey());
            if (g.digest != null) {
                b.append(" first_token_line=").append(g.line).append(" first_token_sha256=").append(g.digest);
            }
            b.append(" sample=").append(g.sample.isEmpty() ? "(none)" : g.sample).append('\n');
        }
        return b.toString();
    }


    private static String redact(String sample, byte[] token) {
        String s = sample;
        if (token != null && token.length > 0) {
            String t = new String(token, StandardCharsets.US_ASCII);
            s = s.replace(t, "sha256:" + shortDigest(token));
        }
        Matcher m = TOKEN_MEMBER.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String value = m.group(2);
            String replacement = value.isEmpty() || value.startsWith("sha256:") ? value
                    : "sha256:" + shortDigest(value.getBytes(StandardCharsets.US_ASCII));
            m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + replacement));
        }
        m.appendTail(b);
        return b.toString();
    }


    private static String shortDigest(byte[] token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token);
            char[] out = new char[8];
            for (int i = 0; i < 4; i++) {
                out[2 * i] = HEX[(d[i] >> 4) & 0xF];
                out[2 * i + 1] = HEX[d[i] & 0xF];
            }
            return new String(out);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }


    private static final class Group {

        private final String sample;
        private final String digest;
        private final int line;
        private long count = 1;


        Group(String sample, String digest, int line) {
            this.sample = sample;
            this.digest = digest;
            this.line = line;
        }
    }
}
