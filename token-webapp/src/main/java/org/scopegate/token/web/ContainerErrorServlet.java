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
import java.nio.charset.StandardCharsets;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The error page of the errors Tomcat answers itself, before any servlet of this webapp runs: a {@code TRACE}
 * request (refused by the connector with 405 whatever the path) got Tomcat's HTML page, every other refusal under
 * {@code /token} is an OAuth JSON error. Reached only by the error dispatch ({@code <error-page>} in web.xml); a
 * request for its path answers 404 like any path no endpoint serves.
 */
public final class ContainerErrorServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private static final byte[] METHOD_NOT_ALLOWED = ("{\"error\":\"invalid_request\","
            + "\"error_description\":\"Method not allowed\"}").getBytes(StandardCharsets.UTF_8);

    private static final byte[] NOT_FOUND = ("{\"error\":\"invalid_request\","
            + "\"error_description\":\"No such endpoint\"}").getBytes(StandardCharsets.UTF_8);

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OAuthResponses.noStore(response);
        boolean methodRefused = request.getDispatcherType() == DispatcherType.ERROR
                && response.getStatus() == HttpServletResponse.SC_METHOD_NOT_ALLOWED;
        byte[] body = methodRefused ? METHOD_NOT_ALLOWED : NOT_FOUND;
        response.setStatus(methodRefused ? HttpServletResponse.SC_METHOD_NOT_ALLOWED
                : HttpServletResponse.SC_NOT_FOUND);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(body);
        }
    }
}
