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

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.scopegate.token.TokenService;
import org.scopegate.token.protocol.OAuth2ErrorCodes;

/**
 * The error page of the errors Tomcat answers itself, before any servlet of this webapp runs: a {@code TRACE}
 * request (refused by the connector with 405 whatever the path) got Tomcat's HTML page, every other refusal under
 * {@code /token} is an OAuth JSON error. Reached only by the error dispatch ({@code <error-page>} in web.xml); a
 * request for its path answers 404 like any path no endpoint serves.
 */
public final class ContainerErrorServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private transient OAuthResponses responses;

    @Override
    public void init() throws ServletException {
        responses = new OAuthResponses(TokenService.from(getServletContext()).objectMapper());
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OAuthResponses.noStore(response);
        if (request.getDispatcherType() == DispatcherType.ERROR
                && response.getStatus() == HttpServletResponse.SC_METHOD_NOT_ALLOWED) {
            responses.writeError(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, OAuth2ErrorCodes.INVALID_REQUEST,
                    "Method not allowed");
        } else {
            responses.writeError(response, HttpServletResponse.SC_NOT_FOUND, OAuth2ErrorCodes.INVALID_REQUEST,
                    "No such endpoint");
        }
    }
}
