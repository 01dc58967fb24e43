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

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The load tool's response parser: every way a server may frame a response, fed in any pieces, and bytes that are
 * not HTTP refused with an exception (a hang or a miscount would corrupt the figures silently).
 */
public class TestHttpResponseParser {

    private static final String ERROR_BODY = "{\"error\":\"invalid_grant\",\"error_description\":\"token replayed\"}";

    private static final String JSON_400 = "HTTP/1.1 400 Bad Request\r\n"
            + "Content-Type: application/json;charset=UTF-8\r\n"
            + "Content-Length: " + ERROR_BODY.length() + "\r\n"
            + "\r\n"
            + ERROR_BODY;

    private static final String CHUNKED = "HTTP/1.1 200 OK\r\n"
            + "Transfer-Encoding: chunked\r\n"
            + "\r\n"
            + "5;name=value\r\n"
            + "hello\r\n"
            + "7\r\n"
            + ", world\r\n"
            + "0\r\n"
            + "X-Trailer: done\r\n"
            + "\r\n";


    @Test
    void feedWhenContentLengthBodyThenCompleteWithStatusAndSample() throws Exception {
        // PREPARE
        HttpResponseParser parser = new HttpResponseParser();
        ByteBuffer in = bytes(JSON_400);

        // TEST
        boolean done = parser.feed(in);

        // VERIFY
        Assertions.assertTrue(done);
        Assertions.assertEquals(400, parser.status());
        Assertions.assertEquals("invalid_grant", parser.errorCode());
        Assertions.assertEquals(ERROR_BODY, parser.sample());
        Assertions.assertFalse(parser.isClose());
        Assertions.assertFalse(in.hasRemaining());
    }


    @Test
    void feedWhenBodyNotYetWholeThenNotComplete() throws Exception {
        // PREPARE
        HttpResponseParser parser = new HttpResponseParser();

        // TEST
        boolean done = parser.feed(bytes(JSON_400.substring(0, JSON_400.length() - 1)));

        // VERIFY
        Assertions.assertFalse(done);
        Assertions.assertTrue(parser.feed(bytes("}")));
    }


    @Test
    void feedWhenChunkedWithExtensionsAndTrailerThenCompleteAfterTheTrailer() throws Exception {
        // PREPARE
        HttpResponseParser parser = new HttpResponseParser();
        ByteBuffer in = bytes(CHUNKED + "HTTP/1.1 204 No Content\r\n\r\n");

        // TEST
        boolean done = parser.feed(in);

        // VERIFY
        Assertions.assertTrue(done);
        Assertions.assertEquals(200, parser.status());
        Assertions.assertEquals("hello, world", parser.sample());
        // the next response is left where it was, whole
        Assertions.assertEquals("HTTP/1.1 204 No Content\r\n\r\n", StandardCharsets.US_ASCII.decode(in).toString());
    }


    @Test
    void feedWhenSplitAtEveryByteBoundaryThenSameResult() throws Exception {
        for (String response : List.of(JSON_400, CHUNKED)) {
            byte[] all = response.getBytes(StandardCharsets.US_ASCII);
            for (int cut = 1; cut < all.length; cut++) {
                // PREPARE
                HttpResponseParser parser = new HttpResponseParser();
                parser.reset();

                // TEST
                boolean first = parser.feed(ByteBuffer.wrap(all, 0, cut));
                boolean second = parser.feed(ByteBuffer.wrap(all, cut, all.length - cut));

                // VERIFY
                Assertions.assertFalse(first, "complete after " + cut + " of " + all.length + " bytes");
                Assertions.assertTrue(second, "not complete when cut at " + cut);
                Assertions.assertEquals(response == JSON_400 ? 400 : 200, parser.status());
            }
        }
    }


    @Test
    void feedWhenOneByteAtATimeThenCompleteOnTheLastByteOnly() throws Exception {
        // PREPARE
        HttpResponseParser parser = new HttpResponseParser();
        byte[] all = CHUNKED.getBytes(StandardCharsets.US_ASCII);
        List<Integer> completions = new ArrayList<>();

        // TEST
        for (int i = 0; i < all.length; i++) {
            if (parser.feed(ByteBuffer.wrap(all, i, 1))) {
                completions.add(i);
            }
        }

        // VERIFY
        Assertions.assertEquals(List.of(all.length - 1), completions);
        Assertions.assertEquals("hello, world", parser.sample());
    }


    @Test
    void feedWhenTwoKeptAliveResponsesInOneBufferThenTwoAnswersCounted() throws Exception {
        // PREPARE
        HttpResponseParser parser = new HttpResponseParser();
        ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + JSON_400);
        List<Integer> statuses = new ArrayList<>();

        // TEST
        while (in.hasRemaining()) {
            if (parser.feed(in)) {
                statuses.add(parser.status());
                parser.reset();
            }
        }

        // VERIFY
        Assertions.assertEquals(List.of(200, 400), statuses);
    }


    @Test
    void feedWhenInterimContinueThenFinalResponseIsTheAnswer() throws Exception {
        // PREPARE
        HttpResponseParser parser = new HttpResponseParser();
        ByteBuffer in = bytes("HTTP/1.1 100 Continue\r\n\r\n" + JSON_400);

        // TEST
        boolean done = parser.feed(in);

        // VERIFY: one request, one answer: the interim response is not counted as one
        Assertions.assertTrue(done);
        Assertions.assertEquals(400, parser.status());
        Assertions.assertFalse(in.hasRemaining());
    }


    @Test
    void feedWhenNoContentThenCompleteWithoutBody() throws Exception {
        // PREPARE
        HttpResponseParser parser = new HttpResponseParser();

        // TEST
        boolean done = parser.feed(bytes("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"));

        // VERIFY
        Assertions.assertTrue(done);
        Assertions.assertEquals(204, parser.status());
        Assertions.assertEquals("", parser.sample());
    }


    @Test
    void feedWhenAnswerToHeadThenCompleteWithoutTheAnnouncedBody() throws Exception {
        // PREPARE: a HEAD answer announces the length of the body a GET would get, and sends none
        HttpResponseParser parser = new HttpResponseParser(true);
        ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n" + "HTTP/1.1 404 Not Found\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");

        // TEST
        boolean first = parser.feed(in);
        int firstStatus = parser.status();
        parser.reset();
        boolean second = parser.feed(in);

        // VERIFY
        Assertions.assertTrue(first);
        Assertions.assertEquals(200, firstStatus);
        Assertions.assertTrue(second);
        Assertions.assertEquals(404, parser.status());
        Assertions.assertFalse(in.hasRemaining());
    }


    @Test
    void feedWhenConnectionCloseThenCloseReported() throws Exception {
        // PREPARE
        HttpResponseParser parser = new HttpResponseParser();

        // TEST
        boolean done = parser.feed(bytes("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                + "Content-Length: 0\r\n\r\n"));

        // VERIFY
        Assertions.assertTrue(done);
        Assertions.assertTrue(parser.isClose());
    }


    @Test
    void feedWhenNeitherLengthNorChunkedThenCloseDelimited() throws Exception {
        // PREPARE: a new parser, not reset: it must not take the missing length for 0
        HttpResponseParser parser = new HttpResponseParser();

        // TEST
        boolean done = parser.feed(bytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"));

        // VERIFY: the connection cannot be reused, the caller must reopen it
        Assertions.assertTrue(done);
        Assertions.assertTrue(parser.isClose());
    }


    @Test
    void feedWhenContentLengthHasTrailingSpaceThenAccepted() throws Exception {
        // PREPARE
        HttpResponseParser parser = new HttpResponseParser();

        // TEST
        boolean done = parser.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2 \r\n\r\nok"));

        // VERIFY
        Assertions.assertTrue(done);
        Assertions.assertEquals("ok", parser.sample());
    }


    @Test
    void feedWhenMalformedThenProtocolException() {
        List<String> malformed = List.of(
                "HTTP/1.1 2x0 OK\r\n\r\n",
                "HTTP/1.1 abc Bad\r\n\r\n",
                "HTTP/1.1 2000 OK\r\n\r\n",
                "HTTP/1.1  200 OK\r\n\r\n",
                "SMTP 220 ready\r\n\r\n",
                "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\n" + "X: " + "a".repeat(9000) + "\r\n\r\n");
        for (String response : malformed) {
            // PREPARE
            HttpResponseParser parser = new HttpResponseParser();

            // TEST and VERIFY
            Assertions.assertThrows(HttpProtocolException.class, () -> parser.feed(bytes(response)),
                    () -> "accepted: " + response.substring(0, Math.min(60, response.length())));
        }
    }


    @Test
    void errorCodeWhenNoErrorMemberOrNotAStringThenNull() throws Exception {
        for (String body : List.of("{\"active\":false}", "{\"error\":null,\"x\":\"y\"}", "\"error\" alone, \"later\"")) {
            // PREPARE
            HttpResponseParser parser = new HttpResponseParser();
            parser.feed(bytes("HTTP/1.1 400 Bad Request\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));

            // TEST
            String code = parser.errorCode();

            // VERIFY
            Assertions.assertNull(code, body);
        }
    }


    @Test
    void errorCodeWhenSpacesAroundColonThenCodeRead() throws Exception {
        // PREPARE
        HttpResponseParser parser = new HttpResponseParser();
        String body = "{ \"error\" : \"invalid_client\" }";
        parser.feed(bytes("HTTP/1.1 401 Unauthorized\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));

        // TEST
        String code = parser.errorCode();

        // VERIFY
        Assertions.assertEquals("invalid_client", code);
    }


    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }
}
