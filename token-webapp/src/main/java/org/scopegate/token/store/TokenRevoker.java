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

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/**
 * Every revocation path of protocol.md section 3: marks the affected rows revoked and writes the revocation
 * events in the caller's transaction, after taking the event table lock.
 */
public final class TokenRevoker {

    private final TokenStore tokens;
    private final RevocationEventStore events;

    /**
     * @param tokens token store
     * @param events revocation event store
     */
    public TokenRevoker(TokenStore tokens, RevocationEventStore events) {
        this.tokens = tokens;
        this.events = events;
    }

    /**
     * Revokes one access token (RFC 7009) and writes a {@code token} event.
     *
     * @param connection a connection in a transaction that has not yet changed any token row
     * @param digest access token digest
     * @param now epoch milliseconds
     * @throws SQLException on a database failure
     */
    public void revokeAccessToken(Connection connection, String digest, long now) throws SQLException {
        events.lock(connection);
        if (tokens.revoke(connection, digest)) {
            events.insert(connection, RevocationEvent.TOKEN, Collections.singletonList(digest), now);
        }
    }

    /**
     * Revokes every token of a refresh token family, with a {@code token} event per live access token.
     *
     * @param connection a connection in a transaction that has not yet changed any token row
     * @param familyId family id
     * @param now epoch milliseconds
     * @return the number of rows revoked
     * @throws SQLException on a database failure
     */
    public int revokeFamily(Connection connection, String familyId, long now) throws SQLException {
        events.lock(connection);
        List<String> live = tokens.liveAccessTokensOfFamily(connection, familyId, now);
        int count = tokens.revokeFamily(connection, familyId);
        events.insert(connection, RevocationEvent.TOKEN, live, now);
        return count;
    }

    /**
     * Revokes every token of an application and writes a {@code client} event.
     *
     * @param connection a connection in a transaction
     * @param clientId consumer key
     * @param now epoch milliseconds
     * @return the number of rows revoked
     * @throws SQLException on a database failure
     */
    public int revokeClient(Connection connection, String clientId, long now) throws SQLException {
        events.lock(connection);
        int count = tokens.revokeClient(connection, clientId);
        events.insert(connection, RevocationEvent.CLIENT, Collections.singletonList(clientId), now);
        return count;
    }

    /**
     * Revokes every token of a user and writes a {@code user} event.
     *
     * @param connection a connection in a transaction
     * @param user the user
     * @param now epoch milliseconds
     * @return the number of rows revoked
     * @throws SQLException on a database failure
     */
    public int revokeUser(Connection connection, UserRecord user, long now) throws SQLException {
        events.lock(connection);
        int count = tokens.revokeUser(connection, user.id());
        events.insert(connection, RevocationEvent.USER, Collections.singletonList(user.username()), now);
        return count;
    }

    /**
     * Takes the event table lock, for administrative transactions that revoke after other changes.
     *
     * @param connection a connection in a transaction
     * @throws SQLException on a database failure
     */
    public void lockEvents(Connection connection) throws SQLException {
        events.lock(connection);
    }
}
