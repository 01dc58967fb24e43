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

import java.sql.SQLException;

import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.ClientRecord;

/**
 * Processing of one grant type at the token endpoint, after the client is authenticated and allowed the grant. A
 * handler runs its own short transactions: no pooled connection is held while it waits for anything else (a
 * password hash above all).
 */
public interface GrantHandler {

    /**
     * @return the {@code grant_type} value handled
     */
    String grantType();

    /**
     * Issues tokens, committing them before returning.
     *
     * @param client the authenticated application
     * @param parameters the request parameters
     * @return the tokens
     * @throws SQLException on a database failure
     * @throws OAuthException on a protocol error to send to the client
     */
    TokenResponse handle(ClientRecord client, FormParameters parameters)
            throws SQLException, OAuthException;
}
