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
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The request template: the token where {@code %TOKEN%} stands or in the bearer header, and a Content-Length that
 * is the body's length in bytes.
 */
public class TestRequestTemplate {

    private static final byte[] TOKEN = "9f2c1e7a-refresh-token".getBytes(StandardCharsets.US_ASCII);


    @Test
    void writeWhenTokenInBodyThenSubstitutedAndLengthCounted() {
        // PREPARE
        RequestTemplate template = new RequestTemplate("POST", "/token", "127.0.0.1:8280",
                List.of("Authorization: Basic Y2xpZW50OnNlY3JldA=="), "grant_type=refresh_token&refresh_token=%TOKEN%",
                false);

        // TEST
        Request r = write(template, TOKEN);

        // VERIFY
        Assertions.assertTrue(template.needsToken());
        Assertions.assertEquals("POST /token HTTP/1.1", r.lines[0]);
        Assertions.assertEquals("grant_type=refresh_token&refresh_token=9f2c1e7a-refresh-token",
                new String(r.body, StandardCharsets.UTF_8));
        Assertions.assertEquals(List.of("Host: 127.0.0.1:8280", "Authorization: Basic Y2xpZW50OnNlY3JldA==",
                "Content-Type: application/x-www-form-urlencoded", "Content-Length: " + r.body.length),
                List.of(r.lines).subList(1, r.lines.length));
    }


    @Test
    void writeWhenBearerThenTokenInAuthorizationHeaderAndNoBody() {
        // PREPARE
        RequestTemplate template = new RequestTemplate("GET", "/orders/api/orders?x=1", "127.0.0.1:8280",
                List.of(), null, true);

        // TEST
        Request r = write(template, TOKEN);

        // VERIFY
        Assertions.assertTrue(template.needsToken());
        Assertions.assertEquals(List.of("GET /orders/api/orders?x=1 HTTP/1.1", "Host: 127.0.0.1:8280",
                "Authorization: Bearer 9f2c1e7a-refresh-token"), List.of(r.lines));
        Assertions.assertEquals(0, r.body.length);
    }


    @Test
    void writeWhenMultiByteBodyThenUtf8AndContentLengthInBytes() {
        // PREPARE: 'ë' is 2 bytes in UTF-8 and '€' 3, so the body has more bytes than characters
        String body = "username=zoë&note=5€&token=%TOKEN%";
        RequestTemplate template = new RequestTemplate("POST", "/token", "h", List.of(
                "Content-Type: application/x-www-form-urlencoded; charset=UTF-8"), body, false);

        // TEST
        Request r = write(template, TOKEN);

        // VERIFY
        String expected = "username=zoë&note=5€&token=9f2c1e7a-refresh-token";
        Assertions.assertEquals(expected, new String(r.body, StandardCharsets.UTF_8));
        Assertions.assertEquals("Content-Length: " + expected.getBytes(StandardCharsets.UTF_8).length,
                r.lines[r.lines.length - 1]);
        Assertions.assertEquals(1, Arrays.stream(r.lines).filter(l -> l.startsWith("Content-Type:")).count(),
                "the caller's Content-Type only");
    }


    @Test
    void writeWhenNoTokenThenSameRequestEveryTime() {
        // PREPARE
        RequestTemplate template = new RequestTemplate("GET", "/health", "h", List.of("Host: example"), null, false);

        // TEST
        Request first = write(template, null);
        Request second = write(template, null);

        // VERIFY
        Assertions.assertFalse(template.needsToken());
        Assertions.assertEquals(List.of("GET /health HTTP/1.1", "Host: example"), List.of(first.lines));
        Assertions.assertEquals(List.of(first.lines), List.of(second.lines));
    }


    @Test
    void writeWhenBufferReusedWithShorterTokenThenNoBytesOfTheLongerOneLeft() {
        // PREPARE
        RequestTemplate template = new RequestTemplate("POST", "/token", "h", List.of(), "token=%TOKEN%", true);
        ByteBuffer out = ByteBuffer.allocate(template.maxSize(40));

        // TEST
        template.write("a".repeat(40).getBytes(StandardCharsets.US_ASCII), out);
        template.write("b".getBytes(StandardCharsets.US_ASCII), out);

        // VERIFY
        Request r = parse(out);
        Assertions.assertEquals("token=b", new String(r.body, StandardCharsets.UTF_8));
        Assertions.assertTrue(List.of(r.lines).contains("Authorization: Bearer b"));
        Assertions.assertTrue(List.of(r.lines).contains("Content-Length: 7"));
    }


    private static Request write(RequestTemplate template, byte[] token) {
        ByteBuffer out = ByteBuffer.allocate(template.maxSize(token == null ? 0 : token.length));
        template.write(token, out);
        return parse(out);
    }


    private static Request parse(ByteBuffer out) {
        byte[] all = new byte[out.remaining()];
        out.get(all);
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        Assertions.assertTrue(end > 0, "no end of head");
        return new Request(text.substring(0, end).split("\r\n", -1), Arrays.copyOfRange(all, end + 4, all.length));
    }


    private record Request(String[] lines, byte[] body) {
    }
}
