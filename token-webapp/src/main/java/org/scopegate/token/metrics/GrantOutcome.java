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
package org.scopegate.token.metrics;

/**
 * What the token endpoint answered to a grant: {@code issued}, or the RFC 6749 section 5.2 error code. A closed set,
 * so that the metric's labels stay bounded whatever a client sends.
 */
public enum GrantOutcome {

    /** Tokens issued. */
    ISSUED("issued"),
    /** {@code invalid_request}. */
    INVALID_REQUEST("invalid_request"),
    /** {@code invalid_client}: the application did not authenticate. */
    INVALID_CLIENT("invalid_client"),
    /** {@code invalid_grant}: wrong password, locked account, bad or reused refresh token. */
    INVALID_GRANT("invalid_grant"),
    /** {@code unauthorized_client}: the application may not use this grant type. */
    UNAUTHORIZED_CLIENT("unauthorized_client"),
    /** {@code unsupported_grant_type}. */
    UNSUPPORTED_GRANT_TYPE("unsupported_grant_type"),
    /** {@code invalid_scope}. */
    INVALID_SCOPE("invalid_scope"),
    /** Refused because the caller sent too many requests (HTTP 429). */
    THROTTLED("throttled"),
    /** {@code temporarily_unavailable} (503): too many password checks at once, the hash queue was full. */
    BUSY("busy"),
    /** {@code server_error}: a failure of the service itself. */
    SERVER_ERROR("server_error"),
    /** Any other error code. */
    OTHER("other");

    private final String label;

    GrantOutcome(String label) {
        this.label = label;
    }

    /**
     * @return the label value
     */
    public String label() {
        return label;
    }

    /**
     * @param errorCode an OAuth error code, or {@code null} for a success
     * @return its outcome; {@link #OTHER} for a code not listed
     */
    public static GrantOutcome ofError(String errorCode) {
        if (errorCode == null) {
            return ISSUED;
        }
        switch (errorCode) {
            case "invalid_request":
                return INVALID_REQUEST;
            case "invalid_client":
                return INVALID_CLIENT;
            case "invalid_grant":
                return INVALID_GRANT;
            case "unauthorized_client":
                return UNAUTHORIZED_CLIENT;
            case "unsupported_grant_type":
                return UNSUPPORTED_GRANT_TYPE;
            case "invalid_scope":
                return INVALID_SCOPE;
            case "too_many_requests":
            case "slow_down":
                return THROTTLED;
            case "temporarily_unavailable":
                return BUSY;
            case "server_error":
                return SERVER_ERROR;
            default:
                return OTHER;
        }
    }
}
