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
 * Refresh token grant (RFC 6749 section 6):
 * <pre>
 * POST /token HTTP/1.1
 * Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW
 * Content-Type: application/x-www-form-urlencoded
 *
 * grant_type=refresh_token&amp;refresh_token=tGzv3JOkF0XG5Qx2TlKWIA
 * </pre>
 *
 * @param refreshToken the refresh token
 * @param scope narrower scope requested, or {@code null} for the original scope
 */
public record RefreshTokenGrant(String refreshToken, String scope) {

    /**
     * @param parameters the request parameters
     * @return the grant
     * @throws OAuthException {@code invalid_request} when {@code refresh_token} is missing or a parameter repeated
     */
    public static RefreshTokenGrant parse(FormParameters parameters) throws OAuthException {
        return new RefreshTokenGrant(parameters.require(OAuth2ParameterNames.REFRESH_TOKEN),
                parameters.get(OAuth2ParameterNames.SCOPE));
    }

    /**
     * Never shows the token.
     *
     * @return the scope
     */
    @Override
    public String toString() {
        return "RefreshTokenGrant[scope=" + scope + "]";
    }
}
