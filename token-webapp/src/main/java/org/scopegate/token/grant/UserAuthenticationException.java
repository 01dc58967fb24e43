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
package org.scopegate.token.grant;

import org.scopegate.token.protocol.OAuth2ErrorCodes;
import org.scopegate.token.protocol.OAuthException;

/**
 * A refused user name and password: to the client always the same {@code invalid_grant}, while {@link #reason()}
 * tells the audit log why.
 */
public final class UserAuthenticationException extends OAuthException {

    /** No such user. */
    public static final String UNKNOWN_USER = "unknown_user";
    /** The user is disabled. */
    public static final String DISABLED = "disabled";
    /** The account is locked after failed logins. */
    public static final String LOCKED = "locked";
    /** The password is wrong. */
    public static final String BAD_PASSWORD = "bad_password";

    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * @param description what the client is told
     * @param reason why, for the audit log only
     */
    public UserAuthenticationException(String description, String reason) {
        super(OAuth2ErrorCodes.INVALID_GRANT, description, 400);
        this.reason = reason;
    }

    /**
     * @return why the user was refused: {@link #UNKNOWN_USER}, {@link #DISABLED}, {@link #LOCKED} or
     *         {@link #BAD_PASSWORD}
     */
    public String reason() {
        return reason;
    }

    /**
     * @param e a refusal
     * @return what the audit log says of it: the finer reason of a refused user, else the OAuth error code
     */
    public static String reasonOf(OAuthException e) {
        return e instanceof UserAuthenticationException refused ? refused.reason() : e.getErrorCode();
    }
}
