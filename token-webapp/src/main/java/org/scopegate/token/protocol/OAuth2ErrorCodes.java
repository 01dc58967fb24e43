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
package org.scopegate.token.protocol;

/**
 * Error codes of the token endpoint (RFC 6749 section 5.2), of revocation (RFC 7009 section 2.2.1)
 * and of the server itself.
 */
public final class OAuth2ErrorCodes {

    /**
     * "The request is missing a required parameter, includes an unsupported parameter value (other than grant
     * type), repeats a parameter, includes multiple credentials, utilizes more than one mechanism for
     * authenticating the client, or is otherwise malformed." (RFC 6749 section 5.2)
     */
    public static final String INVALID_REQUEST = "invalid_request";

    /**
     * "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported
     * authentication method)." (RFC 6749 section 5.2)
     */
    public static final String INVALID_CLIENT = "invalid_client";

    /**
     * "The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token
     * is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was
     * issued to another client." (RFC 6749 section 5.2)
     */
    public static final String INVALID_GRANT = "invalid_grant";

    /**
     * "The authenticated client is not authorized to use this authorization grant type." (RFC 6749 section 5.2)
     */
    public static final String UNAUTHORIZED_CLIENT = "unauthorized_client";

    /**
     * "The authorization grant type is not supported by the authorization server." (RFC 6749 section 5.2)
     */
    public static final String UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type";

    /**
     * "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner."
     * (RFC 6749 section 5.2)
     */
    public static final String INVALID_SCOPE = "invalid_scope";

    /**
     * "A variant of authorization_pending, the authorization request is still pending and polling should continue,
     * but the interval MUST be increased" (RFC 8628 section 3.5): the one registered token endpoint error that means
     * "you are asking too often". Sent with 429 and {@code Retry-After} when a client or an address exceeds the
     * token endpoint's rate limit (RFC 6749 has no code for it).
     */
    public static final String SLOW_DOWN = "slow_down";

    /**
     * "The authorization server encountered an unexpected condition that prevented it from fulfilling the
     * request." (RFC 6749 section 4.1.2.1)
     */
    public static final String SERVER_ERROR = "server_error";

    /**
     * "The authorization server is currently unable to handle the request due to a temporary overloading or
     * maintenance of the server." (RFC 6749 section 4.1.2.1): answered with 503 and {@code Retry-After} while the
     * token store is unavailable, or while too many password checks wait for a free processor.
     */
    public static final String TEMPORARILY_UNAVAILABLE = "temporarily_unavailable";

    private OAuth2ErrorCodes() {
    }
}
