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

import java.util.Enumeration;

import jakarta.servlet.http.HttpServletRequest;

import org.scopegate.token.protocol.OAuthException;

/**
 * Reads the request headers that decide who the caller is and how its body is read. Such a header sent twice is
 * refused rather than one copy picked: a proxy, a web application firewall or a log in front of the token service
 * may read the other one (the valve refuses a second {@code Authorization} header the same way).
 */
public final class RequestHeaders {

    /** The header that carries the client's or the administrator's credentials. */
    public static final String AUTHORIZATION = "Authorization";

    /** The header that names the body's type. */
    public static final String CONTENT_TYPE = "Content-Type";

    private RequestHeaders() {
    }

    /**
     * @param request the request
     * @param name a header name
     * @return the header's only value, or {@code null} when it is absent
     * @throws OAuthException {@code invalid_request} when the header is sent more than once
     */
    public static String single(HttpServletRequest request, String name) throws OAuthException {
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        String value = values.nextElement();
        if (values.hasMoreElements()) {
            throw OAuthException.invalidRequest("More than one " + name + " header");
        }
        return value;
    }

    /**
     * @param request the request
     * @return the only {@code Authorization} header, or {@code null} when there is none
     * @throws OAuthException {@code invalid_request} when there are two or more
     */
    public static String authorization(HttpServletRequest request) throws OAuthException {
        return single(request, AUTHORIZATION);
    }
}
