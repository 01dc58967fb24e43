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
package org.scopegate.token.client;

import java.sql.Connection;
import java.sql.SQLException;

import org.scopegate.token.crypto.Digests;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.ClientRecord;
import org.scopegate.token.store.ClientStore;

/**
 * Authenticates an application by the SHA-256 digest of its consumer secret, compared in constant time; an unknown
 * consumer key is compared against a dummy digest, so it costs the same as a wrong secret.
 */
public final class ClientAuthenticator {

    private static final String DUMMY_DIGEST = Digests.sha256Hex("no such client");

    private final ClientStore clients;

    /**
     * @param clients the application store
     */
    public ClientAuthenticator(ClientStore clients) {
        this.clients = clients;
    }

    /**
     * @param connection a connection
     * @param credentials what the request presented, or {@code null}
     * @return the enabled application
     * @throws SQLException on a database failure
     * @throws OAuthException {@code invalid_client} when the credentials are missing or wrong, or the application
     *             is disabled
     */
    public ClientRecord authenticate(Connection connection, ClientCredentials credentials)
            throws SQLException, OAuthException {
        if (credentials == null) {
            throw OAuthException.invalidClient("Client authentication is required");
        }
        ClientRecord client = credentials.clientId().length() > 64 ? null
                : clients.find(connection, credentials.clientId());
        return check(credentials, client);
    }

    /**
     * Authenticates against an application the caller read already (in a query that fetched more: introspection).
     *
     * @param credentials what the request presented, or {@code null}
     * @param client the application of that consumer key, or {@code null} when there is none
     * @return the enabled application
     * @throws OAuthException as {@link #authenticate(Connection, ClientCredentials)}
     */
    public ClientRecord authenticate(ClientCredentials credentials, ClientRecord client) throws OAuthException {
        if (credentials == null) {
            throw OAuthException.invalidClient("Client authentication is required");
        }
        return check(credentials, client != null && client.clientId().equals(credentials.clientId()) ? client : null);
    }

    private static ClientRecord check(ClientCredentials credentials, ClientRecord client) throws OAuthException {
        String presented = Digests.sha256Hex(credentials.clientSecret());
        boolean match = Digests.equal(presented, client == null ? DUMMY_DIGEST : client.secretDigest());
        if (client == null || !match || !client.enabled()) {
            OAuthException refusal = OAuthException.invalidClient("Client authentication failed");
            throw client == null ? refusal : refusal.clientKnown();
        }
        return client;
    }
}
