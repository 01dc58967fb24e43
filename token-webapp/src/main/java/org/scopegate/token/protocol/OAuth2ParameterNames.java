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
 * Names of the form parameters of the token, revocation and introspection endpoints.
 */
public final class OAuth2ParameterNames {

    /**
     * "grant_type: REQUIRED. Value MUST be set to "password"" (RFC 6749 section 4.3.2), "refresh_token"
     * (section 6) or "client_credentials" (section 4.4.2).
     */
    public static final String GRANT_TYPE = "grant_type";

    /**
     * "username: REQUIRED. The resource owner username." (RFC 6749 section 4.3.2)
     */
    public static final String USERNAME = "username";

    /**
     * "password: REQUIRED. The resource owner password." (RFC 6749 section 4.3.2)
     */
    public static final String PASSWORD = "password";

    /**
     * "scope: OPTIONAL. The scope of the access request as described by Section 3.3." (RFC 6749 section 4.3.2)
     */
    public static final String SCOPE = "scope";

    /**
     * "refresh_token: REQUIRED. The refresh token issued to the client." (RFC 6749 section 6)
     */
    public static final String REFRESH_TOKEN = "refresh_token";

    /**
     * "client_id: REQUIRED. The client identifier issued to the client during the registration process"
     * (RFC 6749 section 2.3.1, when the credentials are sent in the request body).
     */
    public static final String CLIENT_ID = "client_id";

    /**
     * "client_secret: REQUIRED. The client secret." (RFC 6749 section 2.3.1)
     */
    public static final String CLIENT_SECRET = "client_secret";

    /**
     * "token: REQUIRED. The token that the client wants to get revoked." (RFC 7009 section 2.1); "The string
     * value of the token." (RFC 7662 section 2.1)
     */
    public static final String TOKEN = "token";

    /**
     * "token_type_hint: OPTIONAL. A hint about the type of the token submitted for revocation." (RFC 7009
     * section 2.1, RFC 7662 section 2.1)
     */
    public static final String TOKEN_TYPE_HINT = "token_type_hint";

    /**
     * Cursor of the revocation feed: the id of the last event the caller has seen (ScopeGate protocol, section 3).
     */
    public static final String AFTER = "after";

    /**
     * The stream an acknowledgement of the pushed revocation feed is about (ScopeGate protocol, section 3a).
     */
    public static final String STREAM = "stream";

    /**
     * The newest revocation event a valve has applied, in an acknowledgement (ScopeGate protocol, section 3a).
     */
    public static final String CURSOR = "cursor";

    private OAuth2ParameterNames() {
    }
}
