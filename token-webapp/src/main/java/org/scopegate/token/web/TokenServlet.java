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
import java.sql.SQLException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.scopegate.token.crypto.PasswordHasherBusyException;
import org.scopegate.token.grant.GrantHandler;
import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuth2ParameterNames;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.ClientRecord;
import org.scopegate.token.throttle.GrantRateLimiter;

/**
 * The token endpoint (RFC 6749 section 3.2), mapped to {@code /*} so that {@code POST /token} answers directly
 * (no redirect to {@code /token/}); a path below the context root that no other servlet maps answers 404.
 * Order of checks: content type and form, {@code grant_type} present, the rate limit of the client's address
 * (password and client-credentials grants), client authentication, grant type supported, grant type allowed for the
 * application, the rate limit of the client, then the grant itself (and its password hash).
 */
public final class TokenServlet extends OAuthEndpointServlet {

    private static final long serialVersionUID = 1L;

    private transient TokenEndpointEvents events;

    @Override
    public void init() throws ServletException {
        super.init();
        events = new TokenEndpointEvents(service().metrics(), service().audit());
    }

    @Override
    protected void refused(HttpServletRequest request, OAuthException refusal) {
        // Every answer of the token endpoint is recorded by TokenEndpointEvents
    }

    @Override
    protected String allowedMethod() {
        return "POST";
    }

    /**
     * Only the context root ({@code /token}, {@code /token/}): any other path no servlet maps is a 404, for every
     * method (a client probing {@code /token/.well-known/openid-configuration} learns that nothing is there).
     */
    @Override
    protected boolean servesPath(HttpServletRequest request) {
        String pathInfo = request.getPathInfo();
        return pathInfo == null || pathInfo.equals("/");
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response)
            throws OAuthException, SQLException, IOException {
        FormParameters parameters = null;
        try {
            parameters = FormRequests.read(request);
            String grantType = parameters.require(OAuth2ParameterNames.GRANT_TYPE);
            GrantRateLimiter limiter = service().throttling().grantLimiter();
            boolean limited = GrantRateLimiter.limits(grantType);
            if (limited) {
                limiter.checkAddress(request.getRemoteAddr());
            }
            ClientRecord client = withClient(request, parameters, (c, authenticated) -> authenticated);
            GrantHandler handler = service().grantHandlers().get(grantType);
            if (handler == null) {
                throw OAuthException.unsupportedGrantType("Unsupported grant_type");
            }
            if (!client.grantTypes().contains(grantType)) {
                throw OAuthException.unauthorizedClient("The client may not use grant type " + grantType);
            }
            if (limited) {
                limiter.checkClient(client.clientId());
            }
            // The connection of the client check is back in the pool: a password grant may wait for its hash.
            responses().writeToken(response, handler.handle(client, parameters));
            events.issued(request, parameters);
        } catch (OAuthException e) {
            events.refused(request, parameters, e);
            throw e;
        } catch (PasswordHasherBusyException e) {
            events.busy(request, parameters);
            throw e;
        } catch (SQLException | RuntimeException e) {
            events.failed(request, parameters);
            throw e;
        }
    }
}
