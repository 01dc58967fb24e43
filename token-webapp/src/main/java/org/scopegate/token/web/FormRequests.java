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
package org.scopegate.token.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuthException;

/**
 * Reads the form body of a POST to an OAuth endpoint, which must be {@code application/x-www-form-urlencoded}
 * in UTF-8 and at most {@value #MAX_BODY} bytes. The body is parsed here rather than through
 * {@code getParameter}, so that repeated and malformed parameters are seen and the query string is ignored.
 */
public final class FormRequests {

    /** Largest body accepted, in bytes. */
    public static final int MAX_BODY = 16 * 1024;

    private static final String FORM = "application/x-www-form-urlencoded";

    private FormRequests() {
    }

    /**
     * @param request the request
     * @return the body parameters
     * @throws OAuthException {@code invalid_request} for another content type or charset, a body too large or
     *             malformed
     */
    public static FormParameters read(HttpServletRequest request) throws OAuthException {
        checkContentType(RequestHeaders.single(request, RequestHeaders.CONTENT_TYPE));
        byte[] body = new byte[Math.max(0, Math.min(request.getContentLength(), MAX_BODY)) + 1];
        int length = 0;
        try (InputStream in = request.getInputStream()) {
            int n;
            while ((n = in.read(body, length, body.length - length)) > 0) {
                length += n;
                if (length == body.length) {
                    if (length > MAX_BODY) {
                        throw OAuthException.invalidRequest("The request body is too large");
                    }
                    byte[] bigger = new byte[Math.min(body.length * 2, MAX_BODY + 1)];
                    System.arraycopy(body, 0, bigger, 0, length);
                    body = bigger;
                }
            }
        } catch (IOException e) {
            throw OAuthException.invalidRequest("The request body could not be read");
        }
        return FormParameters.parse(body, length);
    }

    /**
     * @param contentType a {@code Content-Type} header
     * @throws OAuthException {@code invalid_request} unless it is a form type in UTF-8 (or without charset)
     */
    static void checkContentType(String contentType) throws OAuthException {
        if (contentType == null) {
            throw OAuthException.invalidRequest("Content-Type must be " + FORM);
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals(FORM)) {
            throw OAuthException.invalidRequest("Content-Type must be " + FORM);
        }
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].trim().toLowerCase(Locale.ROOT);
            if (param.startsWith("charset=")) {
                String charset = param.substring("charset=".length()).replace("\"", "");
                if (!charset.equals("utf-8") && !charset.equals("us-ascii")) {
                    throw OAuthException.invalidRequest("The form body must be UTF-8");
                }
            }
        }
    }
}
