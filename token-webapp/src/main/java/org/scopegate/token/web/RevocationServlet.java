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

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.scopegate.token.audit.AuditActor;
import org.scopegate.token.crypto.Digests;
import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuth2ParameterNames;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.RevocationCause;
import org.scopegate.token.store.TokenRecord;

/**
 * Token revocation (RFC 7009). Answers an empty 200 for unknown tokens and for tokens of other applications (which
 * are left untouched); revoking a refresh token revokes its whole family.
 */
public final class RevocationServlet extends OAuthEndpointServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected String allowedMethod() {
        return "POST";
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response)
            throws OAuthException, SQLException, IOException {
        FormParameters parameters = FormRequests.read(request);
        String token = parameters.require(OAuth2ParameterNames.TOKEN);
        parameters.get(OAuth2ParameterNames.TOKEN_TYPE_HINT);
        String digest = Digests.sha256Hex(token);
        withClient(request, parameters, (c, client) -> {
            TokenRecord record = service().tokens().find(c, digest);
            if (record == null) {
                // RFC 7009 section 2.2: an invalid token is answered 200 like a revoked one
                return null;
            }
            if (!record.clientId().equals(client.clientId())) {
                // RFC 7009 section 2.1: a token issued to another client is refused, and left untouched
                throw OAuthException.unauthorizedClient("The token was not issued to this client");
            }
            long now = service().clock().getAsLong();
            int count = 1;
            if (record.kind() == TokenRecord.REFRESH && record.familyId() != null) {
                count = service().revoker().revokeFamily(c, record.familyId(), now);
            } else {
                service().revoker().revokeAccessToken(c, digest, now);
            }
            service().revoked(AuditActor.of(client.clientId(), request), RevocationCause.CLIENT_REQUEST, count,
                    "token", Digests.shortForm(digest));
            return null;
        });
        responses().writeEmpty(response);
    }
}
