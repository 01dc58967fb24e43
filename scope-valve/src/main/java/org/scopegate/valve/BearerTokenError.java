/*
 * Copyright the ScopeGate authors.
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
package org.scopegate.valve;

/**
 * A refusal of the valve as a value (RFC 6750 section 3): the error code, the HTTP status, a description and, for
 * {@code insufficient_scope}, the scopes that would grant access. Every field is checked against the RFC 6750
 * character set ({@code %x20-21 / %x23-5B / %x5D-7E}) when the error is built, so nothing can break out of the
 * quoted strings of the {@code WWW-Authenticate} header or of the JSON body.
 */
public final class BearerTokenError {

    /** RFC 6750 section 3.1: the request is missing a parameter, has one twice, or is otherwise malformed. */
    public static final String INVALID_REQUEST = "invalid_request";

    /** RFC 6750 section 3.1: the token is expired, revoked, malformed, or invalid for other reasons. */
    public static final String INVALID_TOKEN = "invalid_token";

    /** RFC 6750 section 3.1: the request requires higher privileges than provided by the token. */
    public static final String INSUFFICIENT_SCOPE = "insufficient_scope";

    /** RFC 6749 section 4.1.2.1: the resource owner or authorization server denied the request. */
    public static final String ACCESS_DENIED = "access_denied";

    /** RFC 6749 section 4.1.2.1: the server is temporarily unable to handle the request. */
    public static final String TEMPORARILY_UNAVAILABLE = "temporarily_unavailable";

    private final String code;
    private final int status;
    private final String description;
    private final String scope;
    private final boolean challenge;


    /**
     * @param code        the error code, or {@code null} when no token was sent (RFC 6750 section 3.1: no error
     *                        information then)
     * @param status      the HTTP status
     * @param description a human-readable description, or {@code null}
     * @param scope       the scopes that would grant access, space-separated, or {@code null}
     * @param challenge   whether the answer carries a {@code WWW-Authenticate: Bearer} challenge
     *
     * @throws IllegalArgumentException when a field holds a character RFC 6750 forbids
     */
    public BearerTokenError(String code, int status, String description, String scope, boolean challenge) {
        this.code = checked("code", code);
        this.status = status;
        this.description = checked("description", description);
        this.scope = checked("scope", scope);
        this.challenge = challenge;
    }


    /**
     * @param description what is wrong with the request
     *
     * @return a 400 {@code invalid_request}
     */
    public static BearerTokenError invalidRequest(String description) {
        return new BearerTokenError(INVALID_REQUEST, 400, description, null, true);
    }


    /**
     * @param description why the token is refused
     *
     * @return a 401 {@code invalid_token}
     */
    public static BearerTokenError invalidToken(String description) {
        return new BearerTokenError(INVALID_TOKEN, 401, description, null, true);
    }


    /**
     * @param description why the token is refused
     * @param scope       the scopes any one of which would grant access
     *
     * @return a 403 {@code insufficient_scope}
     */
    public static BearerTokenError insufficientScope(String description, String scope) {
        return new BearerTokenError(INSUFFICIENT_SCOPE, 403, description, scope, true);
    }


    /**
     * @param description what the client should do
     *
     * @return a bare 401 challenge for a request that carries no token
     */
    public static BearerTokenError noToken(String description) {
        return new BearerTokenError(null, 401, description, null, true);
    }


    /**
     * @param description why
     *
     * @return a 403 {@code access_denied} without challenge: no token would help
     */
    public static BearerTokenError accessDenied(String description) {
        return new BearerTokenError(ACCESS_DENIED, 403, description, null, false);
    }


    /**
     * @param description why
     *
     * @return a 503 {@code temporarily_unavailable} without challenge
     */
    public static BearerTokenError unavailable(String description) {
        return new BearerTokenError(TEMPORARILY_UNAVAILABLE, 503, description, null, false);
    }


    /**
     * Builds the {@code WWW-Authenticate} value, parameters in a fixed order: realm, error, error_description,
     * scope. Without an error code (no token sent) only the realm is given.
     *
     * @param realm the protection space, already checked against the RFC 6750 character set
     *
     * @return for example {@code Bearer realm="api", error="invalid_token", error_description="…"}
     */
    public String toChallenge(String realm) {
        StringBuilder sb = new StringBuilder(96).append("Bearer realm=\"").append(realm).append('"');
        if (code == null) {
            // RFC 6750 section 3.1: no error information when the request carried no authentication
            return sb.toString();
        }
        sb.append(", error=\"").append(code).append('"');
        if (description != null) {
            sb.append(", error_description=\"").append(description).append('"');
        }
        if (scope != null) {
            sb.append(", scope=\"").append(scope).append('"');
        }
        return sb.toString();
    }


    /**
     * Builds the JSON body: {@code {"error":…,"error_description":…}}, members that are {@code null} left out. The
     * RFC 6750 character set has neither {@code "} nor {@code \}, so no escaping is needed.
     *
     * @return the body
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder(96).append('{');
        if (code != null) {
            sb.append("\"error\":\"").append(code).append('"');
        }
        if (description != null) {
            sb.append(sb.length() > 1 ? "," : "").append("\"error_description\":\"").append(description).append('"');
        }
        if (scope != null) {
            sb.append(sb.length() > 1 ? "," : "").append("\"scope\":\"").append(scope).append('"');
        }
        return sb.append('}').toString();
    }


    /**
     * @param value text for a header parameter
     *
     * @return whether every character is in the RFC 6750 set {@code %x20-21 / %x23-5B / %x5D-7E}
     */
    public static boolean isValid(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }


    private static String checked(String name, String value) {
        if (value != null && !isValid(value)) {
            throw new IllegalArgumentException(name + " holds a character RFC 6750 does not allow");
        }
        return value;
    }


    /**
     * @return the error code, or {@code null} for a bare challenge
     */
    public String getCode() {
        return code;
    }


    /**
     * @return the HTTP status
     */
    public int getStatus() {
        return status;
    }


    /**
     * @return the description, or {@code null}
     */
    public String getDescription() {
        return description;
    }


    /**
     * @return the scopes that would grant access, or {@code null}
     */
    public String getScope() {
        return scope;
    }


    /**
     * @return whether the answer carries a {@code WWW-Authenticate: Bearer} challenge
     */
    public boolean hasChallenge() {
        return challenge;
    }


    @Override
    public String toString() {
        return status + " " + toJson();
    }
}
