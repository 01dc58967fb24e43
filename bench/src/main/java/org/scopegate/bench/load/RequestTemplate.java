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
import java.util.List;

/**
 * The bytes of one kind of request, with the place of a token: in a {@code Authorization: Bearer} header, in the
 * body (where {@code %TOKEN%} stands), or nowhere (the same request every time). The body is sent in UTF-8, and
 * its {@code Content-Length} counts its bytes. Written into a buffer the caller
 * reuses, so that sending a request allocates nothing.
 */
public final class RequestTemplate {

    /** What stands for the token in a body. */
    public static final String TOKEN_MARK = "%TOKEN%";

    private final byte[] head;
    private final boolean headMethod;
    private final byte[] bearerPrefix;
    private final byte[] bodyBefore;
    private final byte[] bodyAfter;
    private final boolean hasBody;
    private final boolean bodyHasToken;


    /**
     * @param method  the method
     * @param target  the request target (path and query)
     * @param host    the {@code Host} header, unless {@code headers} has one
     * @param headers extra headers, {@code Name: value} each
     * @param body    the body ({@code %TOKEN%} replaced by each token), or {@code null} for none
     * @param bearer  whether the token goes into {@code Authorization: Bearer}
     */
    public RequestTemplate(String method, String target, String host, List<String> headers, String body,
            boolean bearer) {
        headMethod = "HEAD".equalsIgnoreCase(method);
        StringBuilder h = new StringBuilder();
        h.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        boolean ownHost = headers.stream().anyMatch(x -> x.regionMatches(true, 0, "Host:", 0, 5));
        if (!ownHost) {
            h.append("Host: ").append(host).append("\r\n");
        }
        boolean ownType = headers.stream().anyMatch(x -> x.regionMatches(true, 0, "Content-Type:", 0, 13));
        for (String x : headers) {
            h.append(x).append("\r\n");
        }
        if (body != null && !ownType) {
            h.append("Content-Type: application/x-www-form-urlencoded\r\n");
        }
        head = ascii(h.toString());
        bearerPrefix = bearer ? ascii("Authorization: Bearer ") : null;
        hasBody = body != null;
        int mark = body == null ? -1 : body.indexOf(TOKEN_MARK);
        bodyHasToken = mark >= 0;
        bodyBefore = body == null ? new byte[0] : utf8(mark < 0 ? body : body.substring(0, mark));
        bodyAfter = mark < 0 ? new byte[0] : utf8(body.substring(mark + TOKEN_MARK.length()));
    }


    /** @return whether the method is HEAD (answers without a body, whatever their Content-Length says) */
    public boolean isHead() {
        return headMethod;
    }


    /** @return whether each request needs a token of its own */
    public boolean needsToken() {
        return bearerPrefix != null || bodyHasToken;
    }


    /**
     * Writes one request.
     *
     * @param token the token's ASCII bytes, or {@code null} when the template has no token
     * @param out   the buffer, cleared and flipped for reading here
     */
    public void write(byte[] token, ByteBuffer out) {
        out.clear();
        out.put(head);
        if (bearerPrefix != null) {
            out.put(bearerPrefix).put(token).put((byte) '\r').put((byte) '\n');
        }
        if (hasBody) {
            int length = bodyBefore.length + bodyAfter.length + (bodyHasToken ? token.length : 0);
            out.put(CONTENT_LENGTH);
            putDecimal(out, length);
            out.put((byte) '\r').put((byte) '\n');
        }
        out.put((byte) '\r').put((byte) '\n');
        if (hasBody) {
            out.put(bodyBefore);
            if (bodyHasToken) {
                out.put(token);
            }
            out.put(bodyAfter);
        }
        out.flip();
    }


    /** @return an upper bound of a request's size with a token of {@code tokenLength} bytes */
    public int maxSize(int tokenLength) {
        return head.length + 64 + 2 * tokenLength + bodyBefore.length + bodyAfter.length + 64;
    }


    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");


    private static void putDecimal(ByteBuffer out, int value) {
        String s = Integer.toString(value);
        for (int i = 0; i < s.length(); i++) {
            out.put((byte) s.charAt(i));
        }
    }


    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }


    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
