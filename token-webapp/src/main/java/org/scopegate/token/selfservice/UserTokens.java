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
package org.scopegate.token.selfservice;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.scopegate.token.TokenService;
import org.scopegate.token.admin.AdminException;
import org.scopegate.token.admin.ApplicationAdministration;
import org.scopegate.token.audit.AuditActor;
import org.scopegate.token.crypto.Digests;
import org.scopegate.token.grant.GrantTypes;
import org.scopegate.token.grant.ScopeResolver;
import org.scopegate.token.grant.TokenResponse;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.ClientRecord;
import org.scopegate.token.store.RevocationCause;
import org.scopegate.token.store.TokenRecord;
import org.scopegate.token.store.UserRecord;

/**
 * Tokens from the page: a signed-in user gets an access token for a key set of one of their applications, by the
 * rules of the password grant (the key set must be enabled and allowed the password grant; the scope is what the
 * user's roles allow, else the default scope) through the same code, and counted as a password-grant token of the
 * application: the user proved the password at sign-in. No refresh token is issued to a page. The user lists
 * their live access tokens per application (never the token itself) and revokes one.
 */
public final class UserTokens {

    /** Most tokens listed per key set. */
    public static final int LIST_LIMIT = 50;

    private final TokenService service;
    private final ApplicationAdministration applications;

    /**
     * @param service the running service
     * @param applications the application operations
     */
    public UserTokens(TokenService service, ApplicationAdministration applications) {
        this.service = service;
        this.applications = applications;
    }

    /**
     * @param user the signed-in user, as stored now
     * @param applicationId one of the user's applications
     * @param keyType {@code PRODUCTION} or {@code SANDBOX}
     * @param scope requested scope, space-separated, or {@code null}
     * @return {@code {"access_token","token_type","scope","expires_in","key_type","client_id"}}
     * @throws SQLException on a database failure
     * @throws AdminException 404 for another user's application or a key set without keys, 400 when the key set
     *             may not use the password grant or the scope is malformed, 403 when it is disabled
     */
    public Map<String, Object> issue(UserRecord user, String applicationId, String keyType, String scope)
            throws SQLException, AdminException {
        ClientRecord client = applications.requireKeySet(Long.valueOf(user.id()), applicationId, keyType);
        if (!client.enabled()) {
            throw new AdminException(403, "access_denied", "This key set is disabled");
        }
        if (!client.grantTypes().contains(GrantTypes.PASSWORD)) {
            throw new AdminException(400, "unauthorized_client",
                    "This application may not use the password grant: allow it first");
        }
        Set<String> requested;
        try {
            requested = ScopeResolver.parse(scope);
        } catch (OAuthException e) {
            throw new AdminException(400, e.getErrorCode(), e.getDescription());
        }
        TokenResponse token;
        try {
            token = service.database().call(c -> service.passwordGrant().issueToUser(c, client, user, requested,
                    false));
        } catch (OAuthException e) {
            // The user or the key set changed since this request began.
            throw new AdminException(409, "conflict", "Your account or this key set changed meanwhile: try again");
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("access_token", token.accessToken());
        view.put("token_type", "Bearer");
        view.put("scope", token.scope());
        view.put("expires_in", Long.valueOf(token.expiresIn()));
        view.put("key_type", client.keyType());
        view.put("client_id", client.clientId());
        return view;
    }

    /**
     * @param user the signed-in user
     * @param applicationId one of the user's applications
     * @return the user's live access tokens of the application, newest first
     * @throws SQLException on a database failure
     * @throws AdminException 404 for another user's application
     */
    public List<Map<String, Object>> list(UserRecord user, String applicationId) throws SQLException, AdminException {
        List<ClientRecord> keySets = applications.requireKeySets(Long.valueOf(user.id()), applicationId);
        long now = service.clock().getAsLong();
        return service.database().call(c -> {
            List<Map<String, Object>> result = new ArrayList<>();
            for (ClientRecord client : keySets) {
                for (TokenRecord token : service.tokens().liveAccessTokensOfUser(c, client.clientId(), user.id(), now,
                        LIST_LIMIT)) {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("token_id", token.digest());
                    view.put("digest_prefix", Digests.shortForm(token.digest()));
                    view.put("key_type", client.keyType());
                    view.put("scope", token.scope());
                    view.put("grant_type", token.grantType());
                    view.put("issued_at", Long.valueOf(token.issuedAt()));
                    view.put("expires_at", Long.valueOf(token.expiresAt()));
                    result.add(view);
                }
            }
            return result;
        });
    }

    /**
     * Revokes one of the user's access tokens of an application (with its refresh family, if any), writing the
     * revocation events.
     *
     * @param user the signed-in user
     * @param applicationId one of the user's applications
     * @param tokenId the token's digest, as listed
     * @param actor the user, for the audit log
     * @throws SQLException on a database failure
     * @throws AdminException 404 when the application or the token is not the user's
     */
    public void revoke(UserRecord user, String applicationId, String tokenId, AuditActor actor)
            throws SQLException, AdminException {
        List<ClientRecord> keySets = applications.requireKeySets(Long.valueOf(user.id()), applicationId);
        long now = service.clock().getAsLong();
        service.database().call(c -> {
            TokenRecord token = service.tokens().find(c, tokenId);
            if (token == null || token.kind() != TokenRecord.ACCESS || token.userId() == null
                    || token.userId().longValue() != user.id()
                    || keySets.stream().noneMatch(k -> k.clientId().equals(token.clientId()))) {
                throw AdminException.notFound("No such token");
            }
            int count = 1;
            if (token.familyId() != null) {
                count = service.revoker().revokeFamily(c, token.familyId(), now);
            } else {
                service.revoker().revokeAccessToken(c, token.digest(), now);
            }
            service.revoked(actor, RevocationCause.USER_REQUEST, count, "token", Digests.shortForm(token.digest()));
            return null;
        });
    }
}
