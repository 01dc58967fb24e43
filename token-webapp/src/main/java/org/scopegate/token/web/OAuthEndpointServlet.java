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
import java.sql.Connection;
import java.sql.SQLException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.token.Messages;
import org.scopegate.token.TokenService;
import org.scopegate.token.client.ClientCredentials;
import org.scopegate.token.crypto.PasswordHasherBusyException;
import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuth2ErrorCodes;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.ClientRecord;

/**
 * Base of the OAuth endpoints: accepts one HTTP method (others get 405 with {@code Allow}), marks every answer
 * {@code no-store}, turns an {@link OAuthException} into the RFC 6749 error JSON, a server too busy to hash a
 * password into 503 {@code temporarily_unavailable} with {@code Retry-After}, and anything unexpected into a
 * logged {@code server_error} without detail.
 */
public abstract class OAuthEndpointServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Log log = LogFactory.getLog(OAuthEndpointServlet.class);

    private transient TokenService service;
    private transient OAuthResponses responses;

    @Override
    public void init() throws ServletException {
        service = TokenService.from(getServletContext());
        responses = new OAuthResponses(service.objectMapper());
    }

    /**
     * @return the running service
     */
    protected TokenService service() {
        return service;
    }

    /**
     * @return the JSON writer
     */
    protected OAuthResponses responses() {
        return responses;
    }

    /**
     * @return the method this endpoint answers (or the methods, comma-separated, as in an {@code Allow} header)
     */
    protected abstract String allowedMethod();

    /**
     * @param method the request's method
     * @return whether this endpoint answers it; by default only {@link #allowedMethod()}
     */
    protected boolean isAllowed(String method) {
        return allowedMethod().equals(method);
    }

    /**
     * @param request the request
     * @return whether this endpoint serves the request's path; by default every path it is mapped to. Checked
     *         before the method, so that a path nothing serves is a 404 whatever the method.
     */
    protected boolean servesPath(HttpServletRequest request) {
        return true;
    }

    /**
     * Answers an accepted request.
     *
     * @param request the request
     * @param response the response
     * @throws OAuthException on a protocol error to send to the client
     * @throws SQLException on a database failure
     * @throws IOException when the client went away
     */
    protected abstract void handle(HttpServletRequest request, HttpServletResponse response)
            throws OAuthException, SQLException, IOException;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OAuthResponses.noStore(response);
        if (!servesPath(request)) {
            responses.writeError(response, HttpServletResponse.SC_NOT_FOUND, OAuth2ErrorCodes.INVALID_REQUEST,
                    "No such endpoint");
            return;
        }
        if (!isAllowed(request.getMethod())) {
            responses.writeMethodNotAllowed(response, allowedMethod());
            return;
        }
        try {
            handle(request, response);
        } catch (OAuthException e) {
            if (log.isDebugEnabled()) {
                log.debug("Answered [" + e.getErrorCode() + "] to [" + request.getMethod() + " "
                        + request.getRequestURI() + "]: " + e.getDescription());
            }
            refused(request, e);
            responses.writeError(response, e);
        } catch (PasswordHasherBusyException e) {
            responses.writeBusy(response, e);
        } catch (SQLException | RuntimeException e) {
            responses.writeFailure(response, e, log,
                    Messages.get("oauthEndpoint.serverError", request.getMethod(), request.getRequestURI()));
        }
    }

    /**
     * Records a refusal in the audit log: an application that failed to authenticate. The token endpoint records its
     * answers itself.
     *
     * @param request the request
     * @param refusal what is answered
     */
    protected void refused(HttpServletRequest request, OAuthException refusal) {
        if (OAuth2ErrorCodes.INVALID_CLIENT.equals(refusal.getErrorCode())) {
            service.audit().clientAuthenticationFailed(TokenEndpointEvents.clientId(request, null),
                    refusal.isClientKnown(), request.getServletPath().replace("/", ""), request.getRemoteAddr());
        }
    }

    /**
     * Authenticates the calling application from a Basic header or the body.
     *
     * @param request the request
     * @param parameters the body parameters, or {@code null} for a request without body
     * @param connectionWork what to do with the authenticated application
     * @param <T> the result
     * @return the result
     * @throws OAuthException when authentication fails or the work throws it
     * @throws SQLException on a database failure
     */
    protected <T> T withClient(HttpServletRequest request, FormParameters parameters, ClientWork<T> connectionWork)
            throws OAuthException, SQLException {
        ClientCredentials credentials = ClientCredentials.resolve(RequestHeaders.authorization(request), parameters);
        return service.database().call(c -> {
            ClientRecord client = service.clientAuthenticator().authenticate(c, credentials);
            return connectionWork.apply(c, client);
        });
    }

    /**
     * As {@link #withClient(HttpServletRequest, FormParameters, ClientWork)} for work that only reads: each statement
     * on its own, no transaction ({@link org.scopegate.token.store.Database#read}).
     *
     * @param request the request
     * @param parameters the body parameters, or {@code null} for a request without body
     * @param connectionWork what to read for the authenticated application
     * @param <T> the result
     * @return the result
     * @throws OAuthException when authentication fails or the work throws it
     * @throws SQLException on a database failure
     */
    protected <T> T readWithClient(HttpServletRequest request, FormParameters parameters,
            ClientWork<T> connectionWork) throws OAuthException, SQLException {
        ClientCredentials credentials = ClientCredentials.resolve(RequestHeaders.authorization(request), parameters);
        return service.database().read(c -> {
            ClientRecord client = service.clientAuthenticator().authenticate(c, credentials);
            return connectionWork.apply(c, client);
        });
    }

    /**
     * Work done with a connection for an authenticated application.
     *
     * @param <T> the result
     */
    @FunctionalInterface
    protected interface ClientWork<T> {

        /**
         * @param connection a connection in a transaction
         * @param client the authenticated application
         * @return the result
         * @throws SQLException on a database failure
         * @throws OAuthException on a protocol error
         */
        T apply(Connection connection, ClientRecord client) throws SQLException, OAuthException;
    }
}
