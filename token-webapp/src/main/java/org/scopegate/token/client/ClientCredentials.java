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
package org.scopegate.token.client;

import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuth2ParameterNames;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.protocol.StrictUtf8;

/**
 * The client credentials a request presents (RFC 6749 section 2.3.1): HTTP Basic with the consumer key and secret
 * each form-urlencoded before base64, or {@code client_id} and {@code client_secret} in the body, never both.
 *
 * @param clientId consumer key
 * @param clientSecret consumer secret
 * @param basic whether they came in an {@code Authorization: Basic} header
 */
public record ClientCredentials(String clientId, String clientSecret, boolean basic) {

    private static final String BASIC = "basic ";

    /**
     * Reads the credentials of a request.
     *
     * @param authorization the {@code Authorization} header, or {@code null}
     * @param parameters the form parameters, or {@code null} when the request has no body
     * @return the credentials, or {@code null} when the request presents none
     * @throws OAuthException {@code invalid_request} when both mechanisms are used, {@code invalid_client} when
     *             the Basic header or the body credentials are malformed or incomplete
     */
    public static ClientCredentials resolve(String authorization, FormParameters parameters) throws OAuthException {
        String bodyId = parameters == null ? null : parameters.get(OAuth2ParameterNames.CLIENT_ID);
        String bodySecret = parameters == null ? null : parameters.get(OAuth2ParameterNames.CLIENT_SECRET);
        if (authorization != null && authorization.length() >= BASIC.length()
                && authorization.substring(0, BASIC.length()).toLowerCase(Locale.ROOT).equals(BASIC)) {
            ClientCredentials basic = parseBasic(authorization.substring(BASIC.length()).trim());
            if (bodySecret != null || (bodyId != null && !bodyId.equals(basic.clientId()))) {
                throw OAuthException.invalidRequest(
                        "Client credentials sent both in the Authorization header and in the body");
            }
            return basic;
        }
        if (bodyId == null && bodySecret == null) {
            return null;
        }
        if (bodyId == null || bodySecret == null) {
            throw OAuthException.invalidClient("Both client_id and client_secret are required");
        }
        return new ClientCredentials(bodyId, bodySecret, false);
    }

    /**
     * Parses the value of a Basic header after the scheme.
     *
     * @param token68 base64 of {@code urlencode(id) ":" urlencode(secret)}
     * @return the decoded credentials
     * @throws OAuthException {@code invalid_client} with a Basic challenge when the value is malformed
     */
    public static ClientCredentials parseBasic(String token68) throws OAuthException {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(token68);
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidClient("Malformed Basic credentials");
        }
        String text;
        try {
            text = StrictUtf8.decode(decoded, 0, decoded.length);
        } catch (CharacterCodingException e) {
            throw OAuthException.invalidClient("Malformed Basic credentials");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw OAuthException.invalidClient("Malformed Basic credentials");
        }
        String id;
        String secret;
        try {
            id = formDecoded(text.substring(0, colon));
            secret = formDecoded(text.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidClient("Malformed Basic credentials");
        }
        if (id.isEmpty() || secret.isEmpty()) {
            throw OAuthException.invalidClient("Malformed Basic credentials");
        }
        return new ClientCredentials(id, secret, true);
    }

    private static String formDecoded(String part) {
        // RFC 6749 section 2.3.1: both halves are form-urlencoded; most have nothing to decode
        return part.indexOf('%') < 0 && part.indexOf('+') < 0 ? part : URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    /**
     * Never shows the secret.
     *
     * @return the consumer key and the mechanism
     */
    @Override
    public String toString() {
        return "ClientCredentials[clientId=" + clientId + ", basic=" + basic + "]";
    }
}
