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
 * Client credentials grant (RFC 6749 section 4.4.2):
 * <pre>
 * POST /token HTTP/1.1
 * Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW
 * Content-Type: application/x-www-form-urlencoded
 *
 * grant_type=client_credentials&amp;scope=read
 * </pre>
 *
 * @param scope requested scope, or {@code null}
 */
public record ClientCredentialsGrant(String scope) {

    /**
     * @param parameters the request parameters
     * @return the grant
     * @throws OAuthException {@code invalid_request} when {@code scope} is repeated
     */
    public static ClientCredentialsGrant parse(FormParameters parameters) throws OAuthException {
        return new ClientCredentialsGrant(parameters.get(OAuth2ParameterNames.SCOPE));
    }
}
