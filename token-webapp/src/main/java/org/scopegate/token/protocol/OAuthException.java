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
 * An OAuth 2.0 error to send to the client: error code (RFC 6749 section 5.2), a human-readable description and
 * the HTTP status. Thrown by parsing and by the grant handlers, written by one place in the web layer.
 */
public class OAuthException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String errorCode;
    private final int httpStatus;
    private final boolean basicChallenge;
    private final long retryAfter;
    private boolean clientKnown;

    /**
     * Creates an error.
     *
     * @param errorCode one of {@link OAuth2ErrorCodes}
     * @param description the {@code error_description}, ASCII text safe to show to the client
     * @param httpStatus the HTTP status of the answer
     */
    public OAuthException(String errorCode, String description, int httpStatus) {
        this(errorCode, description, httpStatus, false);
    }

    private OAuthException(String errorCode, String description, int httpStatus, boolean basicChallenge) {
        this(errorCode, description, httpStatus, basicChallenge, 0);
    }

    private OAuthException(String errorCode, String description, int httpStatus, boolean basicChallenge,
            long retryAfter) {
        super(description, null, false, false);
        this.errorCode = errorCode;
        this.httpStatus = httpStatus;
        this.basicChallenge = basicChallenge;
        this.retryAfter = retryAfter;
    }

    /**
     * @param description the error description
     * @return a 400 {@code invalid_request}
     */
    public static OAuthException invalidRequest(String description) {
        return new OAuthException(OAuth2ErrorCodes.INVALID_REQUEST, description, 400);
    }

    /**
     * A failed client authentication. The answer always carries {@code WWW-Authenticate: Basic}: RFC 6749 section
     * 5.2 requires it when the client used Basic, and RFC 9110 section 15.5.2 requires a challenge on every 401, also
     * when the credentials came in the body (Basic is the scheme this server supports).
     *
     * @param description the error description
     * @return a 401 {@code invalid_client}
     */
    public static OAuthException invalidClient(String description) {
        return new OAuthException(OAuth2ErrorCodes.INVALID_CLIENT, description, 401, true);
    }

    /**
     * @param description the error description
     * @return a 400 {@code invalid_grant}
     */
    public static OAuthException invalidGrant(String description) {
        return new OAuthException(OAuth2ErrorCodes.INVALID_GRANT, description, 400);
    }

    /**
     * @param description the error description
     * @return a 400 {@code invalid_scope}
     */
    public static OAuthException invalidScope(String description) {
        return new OAuthException(OAuth2ErrorCodes.INVALID_SCOPE, description, 400);
    }

    /**
     * @param description the error description
     * @return a 400 {@code unauthorized_client}
     */
    public static OAuthException unauthorizedClient(String description) {
        return new OAuthException(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT, description, 400);
    }

    /**
     * @param description the error description
     * @return a 400 {@code unsupported_grant_type}
     */
    public static OAuthException unsupportedGrantType(String description) {
        return new OAuthException(OAuth2ErrorCodes.UNSUPPORTED_GRANT_TYPE, description, 400);
    }

    /**
     * @param description the error description
     * @param retryAfter seconds before a request may succeed, at least 1
     * @return a 429 {@code slow_down} with {@code Retry-After}
     */
    public static OAuthException tooManyRequests(String description, long retryAfter) {
        return new OAuthException(OAuth2ErrorCodes.SLOW_DOWN, description, 429, false, Math.max(1, retryAfter));
    }

    /**
     * @return the OAuth error code
     */
    public String getErrorCode() {
        return errorCode;
    }

    /**
     * @return the error description
     */
    public String getDescription() {
        return getMessage();
    }

    /**
     * @return the HTTP status
     */
    public int getHttpStatus() {
        return httpStatus;
    }

    /**
     * @return seconds for the answer's {@code Retry-After}, or {@code 0} for none
     */
    public long getRetryAfter() {
        return retryAfter;
    }

    /**
     * @return whether the answer must carry a {@code WWW-Authenticate: Basic} challenge
     */
    public boolean isBasicChallenge() {
        return basicChallenge;
    }

    /**
     * Marks a refusal whose client id names an existing application: an {@code invalid_client} for a wrong secret or a
     * disabled application, a {@code slow_down} of an authenticated client. Never shown to the client, which gets the
     * same answer either way; the audit log names only such a client id as it was sent, since an unknown "id" may be
     * anything pasted there, a secret included.
     *
     * @return this exception
     */
    public OAuthException clientKnown() {
        clientKnown = true;
        return this;
    }

    /**
     * @return whether the client id of this refusal names an existing application
     */
    public boolean isClientKnown() {
        return clientKnown;
    }
}
