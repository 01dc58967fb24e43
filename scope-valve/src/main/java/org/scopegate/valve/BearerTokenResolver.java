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
package org.scopegate.valve;

import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.catalina.connector.Request;
import org.apache.tomcat.util.buf.ByteChunk;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.MimeHeaders;
import org.apache.tomcat.util.res.StringManager;
import org.scopegate.valve.introspect.TokenDigest;

/**
 * Finds the bearer token of a request (RFC 6750 section 2). Only the {@code Authorization} header is accepted
 * (section 2.1). The rules:
 * <ul>
 * <li>no {@code Authorization} header, or one with another scheme: no token ({@code null}), not an error;</li>
 * <li>{@code Bearer} (any case) followed by something that is not a {@code b64token}, or two
 * {@code Authorization} headers: {@code invalid_request};</li>
 * <li>a header token and also an {@code access_token} in the query string or in a form-encoded body: a token in
 * two places, {@code invalid_request} (section 2: "MUST NOT use more than one method"). Checking the body makes
 * Tomcat parse a form body, as {@code getParameter} would;</li>
 * <li>an {@code access_token} in the query or the body alone is ignored: no token.</li>
 * </ul>
 * The header is parsed with plain character tests, no regular expression.
 */
public final class BearerTokenResolver {

    /** The header carrying the token. */
    public static final String AUTHORIZATION = "Authorization";

    /** The query and form parameter of RFC 6750 sections 2.2 and 2.3. */
    public static final String ACCESS_TOKEN = "access_token";

    private static final StringManager sm = StringManager.getManager(BearerTokenResolver.class);

    private static final String SCHEME = "bearer";
    private static final String FORM = "application/x-www-form-urlencoded";


    /**
     * @param request the request
     *
     * @return the token, or {@code null} when the request carries no bearer token
     *
     * @throws BearerTokenException when the request carries a malformed token or a token in two places
     */
    public String resolve(HttpServletRequest request) throws BearerTokenException {
        // Read straight from the bytes Tomcat received: no String of the whole header
        String token = resolveHeader(request);
        if (token == null) {
            return null;
        }
        if (hasQueryToken(request.getQueryString()) || hasBodyToken(request)) {
            throw invalid("bearerTokenResolver.twoPlaces");
        }
        return token;
    }


    /**
     * The SHA-256 of the request's bearer token, with the same rules as {@link #resolve}. For Tomcat's own request the
     * digest is computed from the header's bytes as received: no String of the token is made, which the hot path of a
     * cached token does not need (only an introspection does: {@link #resolve} then).
     *
     * @param request the request
     *
     * @return the token's digest, or {@code null} when the request carries no bearer token
     *
     * @throws BearerTokenException when the request carries a malformed token or a token in two places
     */
    public TokenDigest resolveDigest(HttpServletRequest request) throws BearerTokenException {
        TokenDigest digest;
        MessageBytes header;
        if (request instanceof Request tomcatRequest &&
                (header = authorizationHeader(tomcatRequest)) != null && header.getType() == MessageBytes.T_BYTES) {
            ByteChunk chunk = header.getByteChunk();
            byte[] b = chunk.getBuffer();
            long range = findToken(b, chunk.getStart(), chunk.getEnd());
            if (range < 0) {
                return null;
            }
            int start = (int) (range >>> 32);
            digest = TokenDigest.of(b, start, (int) range - start);
        } else {
            String token = resolveHeader(request);
            if (token == null) {
                return null;
            }
            digest = TokenDigest.of(token);
        }
        if (hasQueryToken(request.getQueryString()) || hasBodyToken(request)) {
            throw invalid("bearerTokenResolver.twoPlaces");
        }
        return digest;
    }


    private static String resolveHeader(HttpServletRequest request) throws BearerTokenException {
        if (request instanceof Request tomcatRequest) {
            MessageBytes header = authorizationHeader(tomcatRequest);
            if (header == null) {
                return null;
            }
            return header.getType() == MessageBytes.T_BYTES ? parseHeader(header.getByteChunk()) :
                    parseHeader(header.toString());
        }
        String header = authorizationHeader(request);
        return header == null ? null : parseHeader(header);
    }


    /**
     * @return the only {@code Authorization} header, or {@code null} when there is none
     * @throws BearerTokenException when there are two or more
     */
    private static String authorizationHeader(HttpServletRequest request) throws BearerTokenException {
        Enumeration<String> headers = request.getHeaders(AUTHORIZATION);
        if (headers == null || !headers.hasMoreElements()) {
            return null;
        }
        String header = headers.nextElement();
        if (headers.hasMoreElements()) {
            throw invalid("bearerTokenResolver.twoHeaders");
        }
        return header;
    }


    /**
     * The same for Tomcat's own request, in one pass over its headers (the hot path of every protected request).
     *
     * @return the only {@code Authorization} header, or {@code null} when there is none
     * @throws BearerTokenException when there are two or more
     */
    private static MessageBytes authorizationHeader(Request request) throws BearerTokenException {
        MimeHeaders headers = request.getCoyoteRequest().getMimeHeaders();
        MessageBytes found = null;
        for (int i = 0, n = headers.size(); i < n; i++) {
            if (headers.getName(i).equalsIgnoreCase(AUTHORIZATION)) {
                if (found != null) {
                    throw invalid("bearerTokenResolver.twoHeaders");
                }
                found = headers.getValue(i);
            }
        }
        return found;
    }


    /**
     * @param header the value of the {@code Authorization} header
     *
     * @return the token, or {@code null} when the scheme is not {@code Bearer}
     *
     * @throws BearerTokenException when the scheme is {@code Bearer} but the rest is not {@code 1*SP b64token}
     */
    static String parseHeader(String header) throws BearerTokenException {
        // One grammar, on bytes. Stripped first, so that Unicode white space at the ends goes as before; any
        // other character beyond ISO-8859-1 becomes '?', which, like the character itself, is neither part of
        // "Bearer", nor a space, nor a b64token character.
        byte[] bytes = header.strip().getBytes(StandardCharsets.ISO_8859_1);
        return parseHeader(bytes, 0, bytes.length);
    }


    /**
     * The header's bytes as Tomcat received them (ISO-8859-1, one character per byte): only the token becomes a
     * String on the hot path.
     */
    static String parseHeader(ByteChunk header) throws BearerTokenException {
        return parseHeader(header.getBuffer(), header.getStart(), header.getEnd());
    }


    static String parseHeader(byte[] b, int from, int to) throws BearerTokenException {
        long range = findToken(b, from, to);
        if (range < 0) {
            return null;
        }
        int start = (int) (range >>> 32);
        return new String(b, start, (int) range - start, StandardCharsets.ISO_8859_1);
    }


    /**
     * The grammar itself: {@code "Bearer" 1*SP b64token}, surrounded by white space.
     *
     * @return {@code start << 32 | end} of the token in {@code b}, or {@code -1} when the scheme is not
     *         {@code Bearer}
     *
     * @throws BearerTokenException when the scheme is {@code Bearer} but the rest is not {@code 1*SP b64token}
     */
    static long findToken(byte[] b, int from, int to) throws BearerTokenException {
        int first = from;
        int last = to;
        while (first < last && Character.isWhitespace(latin1(b[first]))) {
            first++;
        }
        while (last > first && Character.isWhitespace(latin1(b[last - 1]))) {
            last--;
        }
        int space = first;
        while (space < last && b[space] != ' ') {
            space++;
        }
        if (space - first != SCHEME.length()) {
            return -1;
        }
        for (int k = 0; k < SCHEME.length(); k++) {
            // ASCII letters only: no other ISO-8859-1 character folds to one of "bearer"
            if ((b[first + k] | 0x20) != SCHEME.charAt(k)) {
                return -1;
            }
        }
        int start = space;
        while (start < last && b[start] == ' ') {
            start++;
        }
        if (start == last) {
            throw invalid("bearerTokenResolver.empty");
        }
        int i = start;
        while (i < last && isB64TokenChar(latin1(b[i]))) {
            i++;
        }
        int end = i;
        while (i < last && b[i] == '=') {
            i++;
        }
        if (end == start || i != last) {
            throw invalid("bearerTokenResolver.malformed");
        }
        return (long) start << 32 | last;
    }


    private static char latin1(byte b) {
        return (char) (b & 0xFF);
    }


    private static boolean isB64TokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' ||
                c == '_' || c == '~' || c == '+' || c == '/';
    }


    static boolean hasQueryToken(String query) {
        if (query == null) {
            return false;
        }
        int from = 0;
        while (from <= query.length()) {
            int amp = query.indexOf('&', from);
            int end = amp < 0 ? query.length() : amp;
            if (end - from >= ACCESS_TOKEN.length() && query.startsWith(ACCESS_TOKEN, from) &&
                    (end - from == ACCESS_TOKEN.length() || query.charAt(from + ACCESS_TOKEN.length()) == '=')) {
                return true;
            }
            if (amp < 0) {
                return false;
            }
            from = amp + 1;
        }
        return false;
    }


    private static boolean hasBodyToken(HttpServletRequest request) {
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            return false;
        }
        return request.getParameterValues(ACCESS_TOKEN) != null;
    }


    private static BearerTokenException invalid(String key) {
        return new BearerTokenException(BearerTokenError.invalidRequest(sm.getString(key)));
    }
}
