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
import java.util.HexFormat;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The failed requests of a run: grouped by what went wrong, each with a count, a sample and which token (by its
 * line and digest), never a token's value.
 */
public class TestErrorTally {

    private static final String REFRESH = "rt-0c4b2a91d7e3f8a6b5c4d3e2f1a0b9c8";


    @Test
    void linesWhenSeveralKindsThenOneLinePerKindWithCountAndFirstSample() throws Exception {
        // PREPARE
        ErrorTally tally = new ErrorTally();

        // TEST
        tally.add("status=400 error=invalid_grant", "{\"error\":\"invalid_grant\"}", bytes(REFRESH), 7);
        tally.add("io=closed-by-server", "", bytes("rt-other"), 9);
        tally.add("status=400 error=invalid_grant", "{\"error\":\"invalid_grant\",\"n\":2}", bytes("rt-x"), 8);
        tally.add("timeout=10s", "", null, 0);

        // VERIFY
        Assertions.assertEquals(4, tally.total());
        String[] lines = tally.lines("refresh_1k").split("\n");
        Assertions.assertEquals(3, lines.length);
        Assertions.assertEquals("LOAD_ERROR label=refresh_1k count=2 status=400 error=invalid_grant first_token_line=7 "
                + "first_token_sha256=" + sha256Prefix(REFRESH) + " sample={\"error\":\"invalid_grant\"}", lines[0]);
        Assertions.assertEquals("LOAD_ERROR label=refresh_1k count=1 io=closed-by-server first_token_line=9 "
                + "first_token_sha256=" + sha256Prefix("rt-other") + " sample=(none)", lines[1]);
        Assertions.assertEquals("LOAD_ERROR label=refresh_1k count=1 timeout=10s sample=(none)", lines[2]);
    }


    @Test
    void linesWhenNoFailureThenNothing() {
        // PREPARE
        ErrorTally tally = new ErrorTally();

        // TEST
        String lines = tally.lines("x");

        // VERIFY
        Assertions.assertEquals("", lines);
        Assertions.assertEquals(0, tally.total());
    }


    @Test
    void linesWhenAnswerEchoesTheTokenThenOnlyItsDigestPrinted() throws Exception {
        // PREPARE: a server that quotes the token it refused
        ErrorTally tally = new ErrorTally();

        // TEST
        tally.add("status=401 error=invalid_token", "{\"error\":\"invalid_token\",\"error_description\":\"unknown "
                + REFRESH + "\"}", bytes(REFRESH), 1);

        // VERIFY
        String lines = tally.lines("x");
        Assertions.assertFalse(lines.contains(REFRESH), lines);
        Assertions.assertFalse(lines.contains(REFRESH.substring(0, 12)), lines);
        Assertions.assertTrue(lines.contains("unknown sha256:" + sha256Prefix(REFRESH)), lines);
    }


    @Test
    void linesWhenAnswerCarriesNewTokensThenTheirValuesNotPrinted() throws Exception {
        // PREPARE: expect= did not match a successful grant: its body holds live tokens (one cut by the sample)
        ErrorTally tally = new ErrorTally();
        String access = "at-5e8d7c6b5a4f3e2d1c0b";
        String sample = "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                + "\"refresh_token\" : \"rt-9a8b7c6d5e4f3a2b";

        // TEST
        tally.add("status=200", sample, bytes(REFRESH), 3);

        // VERIFY
        String lines = tally.lines("x");
        Assertions.assertFalse(lines.contains(access), lines);
        Assertions.assertFalse(lines.contains("rt-9a8b7c6d5e4f3a2b"), lines);
        Assertions.assertTrue(lines.contains("\"access_token\":\"sha256:" + sha256Prefix(access) + "\""), lines);
        Assertions.assertTrue(lines.contains("\"token_type\":\"Bearer\""), lines);
        Assertions.assertTrue(lines.contains("\"expires_in\":3600"), lines);
    }


    @Test
    void addWhenManyThreadsThenEveryFailureCounted() throws Exception {
        // PREPARE
        ErrorTally tally = new ErrorTally();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    tally.add("status=400 error=invalid_grant", "", null, 0);
                }
            });
        }

        // TEST
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }

        // VERIFY
        Assertions.assertEquals(40_000, tally.total());
        Assertions.assertTrue(tally.lines("x").contains(" count=40000 "));
    }


    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }


    private static String sha256Prefix(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(token))).substring(0, 8);
    }
}
