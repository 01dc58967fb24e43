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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.scopegate.token.client.ClientCredentials;
import org.scopegate.token.crypto.Digests;
import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuth2ErrorCodes;
import org.scopegate.token.protocol.OAuth2ParameterNames;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.ClientRecord;
import org.scopegate.token.store.TierStore.ApplicationTier;
import org.scopegate.token.store.TokenRecord;
import org.scopegate.token.store.IntrospectionLookup;

/**
 * Token introspection (RFC 7662) for applications allowed to introspect. Only a live access token is active;
 * anything else is exactly {@code {"active":false}}. An active answer carries the {@code throttling} member: the
 * quota the scope valves count the token's requests against.
 */
public final class IntrospectionServlet extends OAuthEndpointServlet {

    private static final long serialVersionUID = 1L;
    private static final Map<String, Object> INACTIVE = Collections.singletonMap("active", Boolean.FALSE);
    private static final IntrospectionLookup LOOKUP = new IntrospectionLookup();

    /** The extension member with the quota of the token's application. */
    public static final String THROTTLING = "throttling";

    /**
     * @param client an authenticated application
     * @throws OAuthException 403 {@code unauthorized_client} when it may not introspect
     */
    static void requireIntrospect(ClientRecord client) throws OAuthException {
        if (!client.canIntrospect()) {
            throw new OAuthException(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT, "The client may not introspect tokens",
                    HttpServletResponse.SC_FORBIDDEN);
        }
    }

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
        long now = service().clock().getAsLong();
        ClientCredentials credentials = ClientCredentials.resolve(RequestHeaders.authorization(request), parameters);
        // the caller, the token and its application's tier in one query: one round trip to the store
        IntrospectionLookup.Result lookup = credentials == null || credentials.clientId().length() > 64 ? null
                : service().database().read(c -> LOOKUP.find(c, credentials.clientId(), digest));
        ClientRecord client = service().clientAuthenticator().authenticate(credentials,
                lookup == null ? null : lookup.caller());
        requireIntrospect(client);
        // (authenticated: the lookup found the caller)
        Found found = lookup.token() == null || !lookup.token().isActiveAccessToken(now) ? null
                : new Found(lookup.token(), lookup.tier());
        if (found == null) {
            responses().writeJson(response, HttpServletResponse.SC_OK, INACTIVE);
            return;
        }
        TokenRecord record = found.token();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", Boolean.TRUE);
        body.put("scope", record.scope());
        body.put("client_id", record.clientId());
        if (record.username() != null) {
            body.put("username", record.username());
        }
        body.put("sub", record.username() != null ? record.username() : record.clientId());
        body.put("token_type", "Bearer");
        body.put("exp", Long.valueOf(record.expiresAt() / 1000L));
        body.put("iat", Long.valueOf(record.issuedAt() / 1000L));
        if (found.tier() != null) {
            body.put(THROTTLING, throttling(found.tier()));
        }
        responses().writeJson(response, HttpServletResponse.SC_OK, body);
    }

    /**
     * The extension member that tells a scope valve the quota the token's requests are counted against
     * (protocol.md section 2): the application, its tier and the tier's quota. RFC 7662 section 2.2 allows such
     * members.
     *
     * @param tier the application and its tier
     * @return {@code {"application","tier","quota"?,"window"?,"burst"?}}
     */
    static Map<String, Object> throttling(ApplicationTier tier) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("application", Long.valueOf(tier.applicationId()));
        view.put("tier", tier.tier().name());
        if (!tier.tier().isUnlimited()) {
            view.put("quota", Long.valueOf(tier.tier().requests()));
            view.put("window", Long.valueOf(tier.tier().windowSeconds()));
            if (tier.tier().burst() != 0) {
                view.put("burst", Long.valueOf(tier.tier().burst()));
            }
        }
        return view;
    }

    private record Found(TokenRecord token, ApplicationTier tier) {
    }
}
