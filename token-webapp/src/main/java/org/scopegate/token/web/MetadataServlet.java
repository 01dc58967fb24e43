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
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.scopegate.token.grant.GrantTypes;
import org.scopegate.token.protocol.OAuthException;

/**
 * Authorization server metadata (RFC 8414) at {@code /.well-known/oauth-authorization-server}. The issuer is the
 * configured {@code issuer} parameter, or else the one derived once at start from the server's configuration
 * ({@link ServerIssuer}): never from the request, whose {@code Host} a client chooses.
 */
public final class MetadataServlet extends OAuthEndpointServlet {

    private static final long serialVersionUID = 1L;
    private static final List<String> AUTH_METHODS = Arrays.asList("client_secret_basic", "client_secret_post");

    @Override
    protected String allowedMethod() {
        return "GET, HEAD";
    }

    @Override
    protected boolean isAllowed(String method) {
        // HEAD wherever GET is (RFC 9110 section 9.3.2); Tomcat sends the headers and drops the body
        return "GET".equals(method) || "HEAD".equals(method);
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response)
            throws OAuthException, SQLException, IOException {
        String issuer = service().config().issuer();
        if (issuer.endsWith("/")) {
            issuer = issuer.substring(0, issuer.length() - 1);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("issuer", issuer);
        body.put("token_endpoint", issuer);
        body.put("revocation_endpoint", issuer + "/revoke");
        body.put("introspection_endpoint", issuer + "/introspect");
        body.put("grant_types_supported",
                Arrays.asList(GrantTypes.PASSWORD, GrantTypes.REFRESH_TOKEN, GrantTypes.CLIENT_CREDENTIALS));
        body.put("response_types_supported", Collections.emptyList());
        body.put("token_endpoint_auth_methods_supported", AUTH_METHODS);
        body.put("revocation_endpoint_auth_methods_supported", AUTH_METHODS);
        body.put("introspection_endpoint_auth_methods_supported", AUTH_METHODS);
        responses().writeJson(response, HttpServletResponse.SC_OK, body);
    }
}
