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

import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuth2ParameterNames;
import org.scopegate.token.protocol.OAuthException;

/**
 * Resource owner password credentials grant (RFC 6749 section 4.3.2):
 * <pre>
 * POST /token HTTP/1.1
 * Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW
 * Content-Type: application/x-www-form-urlencoded
 *
 * grant_type=password&amp;username=johndoe&amp;password=A3ddj3w&amp;scope=read%20update
 * </pre>
 *
 * @param username resource owner name
 * @param password resource owner password
 * @param scope requested scope, or {@code null}
 */
public record PasswordGrant(String username, String password, String scope) {

    private static final int MAX_USERNAME = 128;
    private static final int MAX_PASSWORD = 1024;

    /**
     * @param parameters the request parameters
     * @return the grant
     * @throws OAuthException {@code invalid_request} when a parameter is missing, repeated or too long
     */
    public static PasswordGrant parse(FormParameters parameters) throws OAuthException {
        String username = parameters.require(OAuth2ParameterNames.USERNAME);
        String password = parameters.require(OAuth2ParameterNames.PASSWORD);
        String scope = parameters.get(OAuth2ParameterNames.SCOPE);
        if (username.length() > MAX_USERNAME) {
            throw OAuthException.invalidRequest("Parameter username is too long");
        }
        if (password.length() > MAX_PASSWORD) {
            throw OAuthException.invalidRequest("Parameter password is too long");
        }
        return new PasswordGrant(username, password, scope);
    }

    /**
     * Never shows the password.
     *
     * @return the user name and scope
     */
    @Override
    public String toString() {
        return "PasswordGrant[username=" + username + ", scope=" + scope + "]";
    }
}
