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
package org.scopegate.token.store;

/**
 * Why tokens were revoked, for the metrics and the audit log.
 */
public enum RevocationCause {

    /** An application revoked a token at {@code /token/revoke} (RFC 7009). */
    CLIENT_REQUEST("client_request"),
    /** A refresh token was presented a second time: its whole family was revoked (RFC 9700 4.14). */
    REFRESH_TOKEN_REUSE("refresh_token_reuse"),
    /** A user revoked one of their tokens on the developer portal. */
    USER_REQUEST("user_request"),
    /** The administrator disabled a user. */
    USER_DISABLED("user_disabled"),
    /** The administrator deleted a user. */
    USER_DELETED("user_deleted"),
    /** The administrator took roles away from a user. */
    ROLES_CHANGED("roles_changed"),
    /** A user's password was changed. */
    PASSWORD_CHANGED("password_changed"),
    /** An application (key set) was disabled. */
    CLIENT_DISABLED("client_disabled"),
    /** An application (key set) was deleted. */
    CLIENT_DELETED("client_deleted"),
    /** An application's consumer secret was regenerated. */
    SECRET_REGENERATED("secret_regenerated"),
    /** Any other administrative revocation. */
    ADMIN("admin");

    private final String label;

    RevocationCause(String label) {
        this.label = label;
    }

    /**
     * @return the label value
     */
    public String label() {
        return label;
    }
}
