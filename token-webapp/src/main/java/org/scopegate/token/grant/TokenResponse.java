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

/**
 * A successful access token response (RFC 6749 section 5.1).
 *
 * @param accessToken the access token
 * @param refreshToken the refresh token, or {@code null}
 * @param scope the granted scope
 * @param expiresIn lifetime of the access token in seconds
 */
public record TokenResponse(String accessToken, String refreshToken, String scope, long expiresIn) {

    /**
     * Never shows the tokens.
     *
     * @return the scope and lifetime
     */
    @Override
    public String toString() {
        return "TokenResponse[scope=" + scope + ", expiresIn=" + expiresIn + "]";
    }
}
