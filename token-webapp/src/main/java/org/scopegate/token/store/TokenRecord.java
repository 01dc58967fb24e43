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
 * A row of {@code oauth_token}.
 *
 * @param digest lowercase hex SHA-256 of the token
 * @param kind {@link #ACCESS} or {@link #REFRESH}
 * @param clientId application the token was issued to
 * @param username resource owner, {@code null} for client credentials
 * @param userId the resource owner's id, {@code null} for client credentials
 * @param scope space-separated granted scope
 * @param grantType grant that issued the token
 * @param familyId digest of the first refresh token of the grant, {@code null} without refresh
 * @param familyStartedAt epoch milliseconds at which the refresh family began, {@code null} without refresh
 * @param issuedAt epoch milliseconds
 * @param expiresAt epoch milliseconds
 * @param revoked whether it was revoked
 * @param used whether this refresh token was already exchanged
 */
public record TokenRecord(String digest, char kind, String clientId, String username, Long userId, String scope,
        String grantType, String familyId, Long familyStartedAt, long issuedAt, long expiresAt, boolean revoked,
        boolean used) {

    /** Kind of an access token. */
    public static final char ACCESS = 'A';

    /** Kind of a refresh token. */
    public static final char REFRESH = 'R';

    /**
     * @param now epoch milliseconds
     * @return whether this is an access token that is neither revoked nor expired
     */
    public boolean isActiveAccessToken(long now) {
        return kind == ACCESS && !revoked && expiresAt > now;
    }
}
