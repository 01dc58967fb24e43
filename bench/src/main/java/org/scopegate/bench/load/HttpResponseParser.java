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
import java.util.Locale;

/**
 * An incremental parser of HTTP/1.1 responses, fed with whatever bytes a non-blocking read returned: the status,
 * {@code Content-Length} or chunked bodies, {@code Connection: close}, and the first bytes of the body (kept as a
 * sample for error reports). One parser per connection, reused for every response.
 */
public final class HttpResponseParser {

    private static final int MAX_LINE = 8192;
    private static final int SAMPLE = 300;

    private enum State { STATUS_LINE, HEADER, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER, DONE }

    private final byte[] line = new byte[MAX_LINE];
    private final byte[] sample = new byte[SAMPLE];
    private int lineLength;
    private int sampleLength;
    private State state = State.STATUS_LINE;
    private int status;
    private long remaining;
    private long contentLength;
    private boolean chunked;
    private boolean close;
    private final boolean headRequests;


    /**
     * A parser ready for the first response.
     */
    public HttpResponseParser() {
        this(false);
    }


    /**
     * @param headRequests whether the requests are HEAD requests, whose answers have no body whatever their
     *                     {@code Content-Length} says (RFC 9110, 9.3.2)
     */
    public HttpResponseParser(boolean headRequests) {
        this.headRequests = headRequests;
        reset();
    }


    /**
     * Makes the parser ready for the next response.
     */
    public void reset() {
        state = State.STATUS_LINE;
        lineLength = 0;
        sampleLength = 0;
        status = 0;
        remaining = 0;
        contentLength = -1;
        chunked = false;
        close = false;
    }


    /**
     * Consumes bytes until a response is complete or the buffer is empty.
     *
     * @param in bytes received (read mode); what follows a complete response stays in it
     *
     * @return whether a whole response has been read
     *
     * @throws HttpProtocolException when the bytes are not an HTTP/1.1 response
     */
    public boolean feed(ByteBuffer in) throws HttpProtocolException {
        while (in.hasRemaining() && state != State.DONE) {
            switch (state) {
                case STATUS_LINE, HEADER, CHUNK_SIZE, CHUNK_END, TRAILER -> {
                    if (readLine(in)) {
                        onLine();
                    }
                }
                case BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.remaining());
                    keepSample(in, n);
                    in.position(in.position() + n);
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == State.BODY ? State.DONE : State.CHUNK_END;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return state == State.DONE;
    }


    /** @return the status code of the response being read or just read */
    public int status() {
        return status;
    }


    /** @return whether the server said it will close the connection after this response */
    public boolean isClose() {
        return close;
    }


    /** @return the first bytes of the body, printable ASCII only (anything else as '?') */
    public String sample() {
        byte[] b = new byte[sampleLength];
        for (int i = 0; i < sampleLength; i++) {
            b[i] = sample[i] >= 0x20 && sample[i] < 0x7f ? sample[i] : (byte) '?';
        }
        return new String(b, StandardCharsets.US_ASCII);
    }


    /**
     * @return the value of the JSON member {@code "error"} of the body sample when it is a string, or {@code null}
     */
    public String errorCode() {
        String s = sample();
        int k = s.indexOf("\"error\"");
        if (k < 0) {
            return null;
        }
        int i = skipSpace(s, k + 7);
        if (i == s.length() || s.charAt(i) != ':') {
            return null;
        }
        int q1 = skipSpace(s, i + 1);
        if (q1 == s.length() || s.charAt(q1) != '"') {
            return null;
        }
        int q2 = s.indexOf('"', q1 + 1);
        return q2 < 0 ? null : s.substring(q1 + 1, q2);
    }


    private static int skipSpace(String s, int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }


    private boolean readLine(ByteBuffer in) throws HttpProtocolException {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return true;
            }
            if (lineLength == MAX_LINE) {
                throw new HttpProtocolException("a line longer than " + MAX_LINE + " bytes");
            }
            line[lineLength++] = b;
        }
        return false;
    }


    private void onLine() throws HttpProtocolException {
        int n = lineLength;
        lineLength = 0;
        switch (state) {
            case STATUS_LINE -> {
                if (n == 0) {
                    return; // a stray CRLF between responses
                }
                // HTTP/1.x SP 3DIGIT [SP reason]
                if (n < 12 || !startsWith("HTTP/1.", 0) || !isDigit(line[7]) || line[8] != ' '
                        || !isDigit(line[9]) || !isDigit(line[10]) || !isDigit(line[11])
                        || (n > 12 && line[12] != ' ')) {
                    throw new HttpProtocolException("not a status line: " + text(0, Math.min(n, 40)));
                }
                status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
                state = State.HEADER;
            }
            case HEADER -> {
                if (n == 0) {
                    startBody();
                } else {
                    header(n);
                }
            }
            case CHUNK_SIZE -> {
                // 1*HEXDIG [BWS ";" extension]: the extensions are skipped
                long size = 0;
                int i = 0;
                for (; i < n; i++) {
                    int d = Character.digit(line[i], 16);
                    if (d < 0) {
                        break;
                    }
                    if (i == 15) {
                        throw new HttpProtocolException("chunk size too large: " + text(0, Math.min(n, 20)));
                    }
                    size = size * 16 + d;
                }
                int digits = i;
                while (i < n && (line[i] == ' ' || line[i] == '\t')) {
                    i++;
                }
                if (digits == 0 || (i < n && line[i] != ';')) {
                    throw new HttpProtocolException("bad chunk size: " + text(0, Math.min(n, 20)));
                }
                remaining = size;
                state = size == 0 ? State.TRAILER : State.CHUNK_DATA;
            }
            case CHUNK_END -> {
                if (n != 0) {
                    throw new HttpProtocolException("no CRLF after a chunk");
                }
                state = State.CHUNK_SIZE;
            }
            case TRAILER -> {
                if (n == 0) {
                    state = State.DONE;
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }


    private void header(int n) throws HttpProtocolException {
        int colon = 0;
        while (colon < n && line[colon] != ':') {
            colon++;
        }
        if (colon == n) {
            throw new HttpProtocolException("a header without ':'");
        }
        int v = colon + 1;
        while (v < n && (line[v] == ' ' || line[v] == '\t')) {
            v++;
        }
        int end = n;
        while (end > v && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
            end--;
        }
        if (nameIs("content-length", colon)) {
            if (end == v || end - v > 18) {
                throw new HttpProtocolException("bad Content-Length");
            }
            long length = 0;
            for (int i = v; i < end; i++) {
                if (!isDigit(line[i])) {
                    throw new HttpProtocolException("bad Content-Length");
                }
                length = length * 10 + (line[i] - '0');
            }
            contentLength = length;
        } else if (nameIs("transfer-encoding", colon)) {
            chunked = text(v, end).toLowerCase(Locale.ROOT).contains("chunked");
        } else if (nameIs("connection", colon)) {
            close = text(v, end).toLowerCase(Locale.ROOT).contains("close");
        }
    }


    private void startBody() {
        if (status / 100 == 1 && status != 101) {
            // An interim response (100 Continue, 103 Early Hints): the answer to the request is still to come
            reset();
        } else if (status / 100 == 1 || status == 204 || status == 304 || headRequests) {
            state = State.DONE;
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = contentLength == 0 ? State.DONE : State.BODY;
        } else {
            // A body delimited by the end of the connection is not something this server sends
            close = true;
            state = State.DONE;
        }
    }


    private void keepSample(ByteBuffer in, int n) {
        int k = Math.min(n, SAMPLE - sampleLength);
        if (k > 0) {
            in.get(in.position(), sample, sampleLength, k);
            sampleLength += k;
        }
    }


    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }


    private boolean nameIs(String lowerName, int length) {
        if (length != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if ((line[i] | 0x20) != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }


    private boolean startsWith(String prefix, int from) {
        for (int i = 0; i < prefix.length(); i++) {
            if (line[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }


    private String text(int from, int to) {
        return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
