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
package org.scopegate.token.admin;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.scopegate.common.secret.PlaceholderSecrets;
import org.scopegate.token.TokenService;
import org.scopegate.token.crypto.Digests;
import org.scopegate.token.grant.GrantTypes;
import org.scopegate.token.store.ApplicationRecord;
import org.scopegate.token.store.ClientRecord;
import org.scopegate.token.store.PrincipalNames;
import org.scopegate.token.store.RevocationCause;
import org.scopegate.token.store.UserRecord;

/**
 * The application operations of the admin API (protocol.md section 6). The consumer secret is shown only in the
 * answer that creates it. Regenerating the secret, disabling or deleting an application revokes its tokens and
 * writes a {@code client} revocation event in the same transaction.
 */
public final class ClientAdministration {

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
    private static final Pattern GRANT_TYPE = Pattern.compile("password|refresh_token|client_credentials");
    private static final int MIN_GIVEN_SECRET = 32;

    private final TokenService service;

    /**
     * @param service the running service
     */
    public ClientAdministration(TokenService service) {
        this.service = service;
    }

    /**
     * @return every application
     * @throws SQLException on a database failure
     */
    public List<Map<String, Object>> list() throws SQLException {
        return service.database().call(c -> {
            Map<Long, String> owners = new HashMap<>();
            for (ApplicationRecord application : service.applications().list(c, null)) {
                owners.put(Long.valueOf(application.id()), application.owner());
            }
            List<Map<String, Object>> result = new ArrayList<>();
            for (ClientRecord client : service.clients().list(c)) {
                result.add(view(client, owners.get(Long.valueOf(client.applicationId()))));
            }
            return result;
        });
    }

    /**
     * @param clientId consumer key
     * @return the application
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown
     */
    public Map<String, Object> get(String clientId) throws SQLException, AdminException {
        return service.database().call(c -> {
            ClientRecord client = service.clients().find(c, clientId);
            if (client == null) {
                throw AdminException.notFound("No such application");
            }
            return view(c, client);
        });
    }

    /**
     * @param body {@code {"name","grant_types","introspect","owner"?,"client_id"?,"client_secret"?}}; the owner must
     *            be an existing user
     * @return the new application with its {@code client_secret}
     * @throws SQLException on a database failure
     * @throws AdminException 400 for an invalid body or an owner who is no user, 409 when the consumer key is taken
     *             by a client or by a user name (in any case)
     */
    public Map<String, Object> create(AdminRequestBody body) throws SQLException, AdminException {
        String name = body.requiredText("name", 128);
        String owner = body.text("owner", 128);
        Set<String> grants = grantTypes(body);
        if (grants == null) {
            grants = new LinkedHashSet<>(List.of(GrantTypes.PASSWORD, GrantTypes.REFRESH_TOKEN));
        }
        Boolean introspect = body.bool("introspect");
        String clientId = body.text("client_id", 64);
        if (clientId != null && !CLIENT_ID.matcher(clientId).matches()) {
            throw AdminException.badRequest("client_id must be 1 to 64 characters of A-Z a-z 0-9 . _ ~ -");
        }
        String secret = body.text("client_secret", 256);
        if (secret != null && (secret.length() < MIN_GIVEN_SECRET || secret.indexOf(' ') >= 0)) {
            throw AdminException.badRequest("client_secret must be at least 32 characters without spaces");
        }
        if (PlaceholderSecrets.isPlaceholder(secret)) {
            throw AdminException.badRequest("client_secret is the documentation's placeholder, not a secret: "
                    + "generate one (conf/catalina.properties.fragment shows how)");
        }
        String id = clientId != null ? clientId : service.secrets().newClientId();
        String clientSecret = secret != null ? secret : service.secrets().newSecret();
        Set<String> allowed = grants;
        long now = service.clock().getAsLong();
        Map<String, Object> view = service.database().call(c -> {
            UserRecord ownerUser = owner == null ? null : ApplicationAdministration.requireOwner(service, c, owner);
            requireFreeClientId(c, id);
            ApplicationRecord application = service.applications().insert(c, name, ownerUser, allowed, now);
            ClientRecord keySet = ApplicationAdministration.newKeySet(application, ClientRecord.PRODUCTION, id,
                    Digests.sha256Hex(clientSecret), introspect != null && introspect.booleanValue(), now);
            service.clients().insert(c, keySet);
            return view(keySet, application.owner());
        });
        view.put("client_secret", clientSecret);
        return view;
    }

    /**
     * @param clientId consumer key
     * @param body any of {@code {"enabled","grant_types","introspect","name"}}
     * @return the changed application
     * @throws SQLException on a database failure
     * @throws AdminException 400 for an invalid body, 404 when unknown
     */
    public Map<String, Object> patch(String clientId, AdminRequestBody body) throws SQLException, AdminException {
        Boolean enabled = body.bool("enabled");
        Set<String> grants = grantTypes(body);
        Boolean introspect = body.bool("introspect");
        String name = body.text("name", 128);
        long now = service.clock().getAsLong();
        return service.database().call(c -> {
            service.revoker().lockEvents(c);
            ClientRecord client = service.clients().find(c, clientId);
            if (client == null) {
                throw AdminException.notFound("No such application");
            }
            ClientRecord updated = client.with(name != null ? name : client.name(),
                    grants != null ? grants : client.grantTypes(),
                    introspect != null ? introspect.booleanValue() : client.canIntrospect(),
                    enabled != null ? enabled.booleanValue() : client.enabled());
            service.clients().update(c, updated);
            if (client.enabled() && !updated.enabled()) {
                int count = service.revoker().revokeClient(c, clientId, now);
                service.revoked(null, RevocationCause.CLIENT_DISABLED, count, "client", clientId);
            }
            return view(c, updated);
        });
    }

    /**
     * Gives an application a new secret and revokes every token it holds.
     *
     * @param clientId consumer key
     * @return {@code {"client_id","client_secret"}}
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown
     */
    public Map<String, Object> regenerateSecret(String clientId) throws SQLException, AdminException {
        String secret = service.secrets().newSecret();
        long now = service.clock().getAsLong();
        service.database().call(c -> {
            service.revoker().lockEvents(c);
            if (service.clients().find(c, clientId) == null) {
                throw AdminException.notFound("No such application");
            }
            service.clients().updateSecret(c, clientId, Digests.sha256Hex(secret));
            int count = service.revoker().revokeClient(c, clientId, now);
            service.revoked(null, RevocationCause.SECRET_REGENERATED, count, "client", clientId);
            return null;
        });
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("client_id", clientId);
        view.put("client_secret", secret);
        return view;
    }

    /**
     * Deletes a key set and revokes its tokens; the application goes too when this was its last key set.
     *
     * @param clientId consumer key
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown
     */
    public void delete(String clientId) throws SQLException, AdminException {
        long now = service.clock().getAsLong();
        service.database().call(c -> {
            service.revoker().lockEvents(c);
            ClientRecord client = service.clients().find(c, clientId);
            if (client == null) {
                throw AdminException.notFound("No such application");
            }
            service.clients().delete(c, clientId);
            int count = service.revoker().revokeClient(c, clientId, now);
            service.revoked(null, RevocationCause.CLIENT_DELETED, count, "client", clientId);
            if (service.clients().listOfApplication(c, client.applicationId()).isEmpty()) {
                // Its last key set: the application goes with it.
                service.statistics().deleteApplication(c, client.applicationId());
                service.applications().delete(c, client.applicationId());
            }
            return null;
        });
    }

    /**
     * @param c a connection
     * @param clientId a new consumer key
     * @throws SQLException on a database failure
     * @throws AdminException 409 when a client or a user has it (in any case), or it is reserved
     */
    static void requireFreeClientId(Connection c, String clientId) throws SQLException, AdminException {
        String holder = PrincipalNames.holder(c, clientId);
        if (PrincipalNames.CLIENT.equals(holder)) {
            throw AdminException.conflict("An application with this client_id exists");
        }
        if (PrincipalNames.USER.equals(holder)) {
            throw AdminException.conflict("A user has this name: users and clients need distinct names, which the "
                    + "protected webapps see as the remote user");
        }
        if (holder != null) {
            throw AdminException.conflict("This client_id is reserved");
        }
    }

    private Map<String, Object> view(Connection c, ClientRecord client) throws SQLException {
        ApplicationRecord application = service.applications().find(c, client.applicationId());
        return view(client, application == null ? null : application.owner());
    }

    /**
     * @param body a request body
     * @return its {@code grant_types}, or {@code null} when absent
     * @throws AdminException when invalid or empty
     */
    static Set<String> grantTypes(AdminRequestBody body) throws AdminException {
        Set<String> grants = body.strings("grant_types", GRANT_TYPE);
        if (grants != null && grants.isEmpty()) {
            throw AdminException.badRequest("grant_types must name at least one grant type");
        }
        return grants;
    }

    private static Map<String, Object> view(ClientRecord client, String owner) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("client_id", client.clientId());
        view.put("name", client.name());
        view.put("owner", owner);
        view.put("grant_types", new ArrayList<>(client.grantTypes()));
        view.put("introspect", Boolean.valueOf(client.canIntrospect()));
        view.put("enabled", Boolean.valueOf(client.enabled()));
        view.put("application_id", Long.valueOf(client.applicationId()));
        view.put("key_type", client.keyType());
        return view;
    }
}
