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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.scopegate.token.TokenService;
import org.scopegate.token.crypto.Digests;
import org.scopegate.token.grant.GrantTypes;
import org.scopegate.token.stats.DailyCount;
import org.scopegate.token.stats.UsageStatistics;
import org.scopegate.token.store.ApplicationRecord;
import org.scopegate.token.store.ClientRecord;
import org.scopegate.token.store.RevocationCause;
import org.scopegate.token.store.UserRecord;

/**
 * Applications and their key sets, for the administrator (admin API and page) and for their owners (self-service
 * pages). Every operation takes the acting owner: {@code null} for the administrator, who may touch any
 * application, else the user id of the signed-in user, who may touch only their own; another user's application
 * answers 404, exactly as an unknown one, and nothing is changed. An owner is a user id, never a name: the
 * administrator names an existing user as owner, and a user who is deleted takes its applications along. The
 * secret of a key set is shown only in the answer that creates it; regenerating it, or deleting the application,
 * revokes the tokens of the key set and writes a {@code client} revocation event in the same transaction.
 */
public final class ApplicationAdministration {

    /** Days of per-day statistics in an answer. */
    public static final int STATISTICS_DAYS = 30;

    private static final long DAY_MILLIS = 86_400_000L;

    private final TokenService service;
    private final ClientAdministration clients;
    private final TierAdministration tiers;

    /**
     * @param service the running service
     */
    public ApplicationAdministration(TokenService service) {
        this.service = service;
        this.clients = new ClientAdministration(service);
        this.tiers = new TierAdministration(service);
    }

    /**
     * @param owner the acting owner's user id, or {@code null} for every application
     * @return the applications with their key sets and Registered Users, oldest first
     * @throws SQLException on a database failure
     */
    public List<Map<String, Object>> list(Long owner) throws SQLException {
        return service.database().call(c -> {
            List<Map<String, Object>> result = new ArrayList<>();
            for (ApplicationRecord application : service.applications().list(c, owner)) {
                result.add(view(c, application));
            }
            return result;
        });
    }

    /**
     * @param owner the acting owner, or {@code null} for the administrator
     * @param id application id
     * @return the application
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown or not the owner's
     */
    public Map<String, Object> get(Long owner, String id) throws SQLException, AdminException {
        return service.database().call(c -> view(c, require(c, owner, id)));
    }

    /**
     * @param owner the owner of the new application (the signed-in user's id), or {@code null} for the
     *            administrator, who may name an existing user as owner in the body
     * @param body {@code {"name","grant_types"?}}, and {@code "owner"?} from the administrator
     * @return the new application, without key sets
     * @throws SQLException on a database failure
     * @throws AdminException 400 for an invalid body or an owner who is no user
     */
    public Map<String, Object> create(Long owner, AdminRequestBody body) throws SQLException, AdminException {
        String name = body.requiredText("name", 128);
        String ownerName = owner != null ? null : body.text("owner", 128);
        Set<String> grants = ClientAdministration.grantTypes(body);
        Set<String> allowed = grants != null ? grants
                : new LinkedHashSet<>(List.of(GrantTypes.PASSWORD, GrantTypes.REFRESH_TOKEN));
        long now = service.clock().getAsLong();
        return service.database().call(c -> {
            UserRecord applicationOwner;
            if (owner != null) {
                applicationOwner = service.users().findById(c, owner.longValue());
                if (applicationOwner == null) {
                    throw new AdminException(401, "unauthorized", "Sign in again");
                }
            } else {
                applicationOwner = ownerName == null ? null : requireOwner(service, c, ownerName);
            }
            return view(c, service.applications().insert(c, name, applicationOwner, allowed, now));
        });
    }

    /**
     * @param service the running service
     * @param c a connection
     * @param ownerName the name of an application's owner, from the administrator
     * @return that user
     * @throws SQLException on a database failure
     * @throws AdminException 400 when no user has that name
     */
    static UserRecord requireOwner(TokenService service, Connection c, String ownerName)
            throws SQLException, AdminException {
        UserRecord user = service.users().find(c, ownerName);
        if (user == null) {
            throw AdminException.badRequest("owner: no user is named [" + ownerName + "]; an owner must be an "
                    + "existing user (create it first, or leave owner out for an application of the administrator)");
        }
        return user;
    }

    /**
     * Changes the name or the grant types of an application and of its key sets, or (administrator only) its tier.
     *
     * @param owner the acting owner, or {@code null} for the administrator
     * @param id application id
     * @param body any of {@code {"name","grant_types"}}, and {@code "tier"} from the administrator
     * @return the changed application
     * @throws SQLException on a database failure
     * @throws AdminException 400 for an invalid body or an unknown tier, 403 for a tier set by an owner, 404 when
     *             unknown or not the owner's
     */
    public Map<String, Object> patch(Long owner, String id, AdminRequestBody body)
            throws SQLException, AdminException {
        String name = body.text("name", 128);
        Set<String> grants = ClientAdministration.grantTypes(body);
        String tier = body.text("tier", 64);
        if (tier != null && owner != null) {
            throw new AdminException(403, "forbidden", "The tier of an application is set by the administrator");
        }
        return service.database().call(c -> {
            if (tier != null) {
                service.revoker().lockEvents(c);
            }
            ApplicationRecord application = require(c, owner, id);
            if (tier != null) {
                tiers.assign(c, application.id(), tier);
            }
            ApplicationRecord changed = new ApplicationRecord(application.id(),
                    name != null ? name : application.name(), application.ownerId(), application.owner(),
                    grants != null ? grants : application.grantTypes(), application.createdAt());
            service.applications().update(c, changed);
            service.clients().updateApplication(c, changed.id(), changed.name(), changed.grantTypes());
            return view(c, changed);
        });
    }

    /**
     * Generates the consumer key and secret of one key set ("Generate Keys").
     *
     * @param owner the acting owner, or {@code null} for the administrator
     * @param id application id
     * @param keyType {@code PRODUCTION} or {@code SANDBOX}
     * @return {@code {"key_type","client_id","client_secret"}}: the secret is shown this once
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown or not the owner's, 409 when the key set exists
     */
    public Map<String, Object> generateKeys(Long owner, String id, String keyType)
            throws SQLException, AdminException {
        String type = keyType(keyType);
        String clientId = service.secrets().newClientId();
        String secret = service.secrets().newSecret();
        long now = service.clock().getAsLong();
        service.database().call(c -> {
            ApplicationRecord application = require(c, owner, id);
            if (keySet(c, application, type) != null) {
                throw AdminException.conflict("This key set has its keys: regenerate the secret instead");
            }
            service.clients().insert(c, newKeySet(application, type, clientId, Digests.sha256Hex(secret), false,
                    now));
            return null;
        });
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("key_type", type);
        view.put("client_id", clientId);
        view.put("client_secret", secret);
        return view;
    }

    /**
     * Gives a key set a new secret and revokes every token it holds.
     *
     * @param owner the acting owner, or {@code null} for the administrator
     * @param id application id
     * @param keyType {@code PRODUCTION} or {@code SANDBOX}
     * @return {@code {"key_type","client_id","client_secret"}}
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown, not the owner's, or without keys of that type
     */
    public Map<String, Object> regenerateSecret(Long owner, String id, String keyType)
            throws SQLException, AdminException {
        ClientRecord client = requireKeySet(owner, id, keyType);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("key_type", client.keyType());
        view.putAll(clients.regenerateSecret(client.clientId()));
        return view;
    }

    /**
     * @param owner the acting owner, or {@code null} for the administrator
     * @param id application id
     * @param keyType {@code PRODUCTION} or {@code SANDBOX}
     * @return the key set
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown, not the owner's, or without keys of that type
     */
    public ClientRecord requireKeySet(Long owner, String id, String keyType) throws SQLException, AdminException {
        String type = keyType(keyType);
        return service.database().call(c -> {
            ClientRecord client = keySet(c, require(c, owner, id), type);
            if (client == null) {
                throw AdminException.notFound("This key set has no keys yet");
            }
            return client;
        });
    }

    /**
     * @param owner the acting owner, or {@code null} for the administrator
     * @param id application id
     * @return the key sets of the application that have keys
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown or not the owner's
     */
    public List<ClientRecord> requireKeySets(Long owner, String id) throws SQLException, AdminException {
        return service.database().call(c -> service.clients().listOfApplication(c, require(c, owner, id).id()));
    }

    /**
     * Deletes an application: its key sets (their tokens revoked, a {@code client} event each) and its statistics.
     *
     * @param owner the acting owner, or {@code null} for the administrator
     * @param id application id
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown or not the owner's
     */
    public void delete(Long owner, String id) throws SQLException, AdminException {
        long now = service.clock().getAsLong();
        service.database().call(c -> {
            service.revoker().lockEvents(c);
            deleteApplication(service, c, require(c, owner, id), now);
            return null;
        });
    }

    /**
     * Deletes every application of a user who is being deleted, as {@link #delete} does one.
     *
     * @param service the running service
     * @param c a connection holding the revocation event lock
     * @param user the user
     * @param now epoch milliseconds
     * @throws SQLException on a database failure
     */
    static void deleteOwnedBy(TokenService service, Connection c, UserRecord user, long now) throws SQLException {
        for (ApplicationRecord application : service.applications().list(c, Long.valueOf(user.id()))) {
            deleteApplication(service, c, application, now);
        }
    }

    private static void deleteApplication(TokenService service, Connection c, ApplicationRecord application,
            long now) throws SQLException {
        for (ClientRecord client : service.clients().listOfApplication(c, application.id())) {
            service.clients().delete(c, client.clientId());
            int count = service.revoker().revokeClient(c, client.clientId(), now);
            service.revoked(null, RevocationCause.CLIENT_DELETED, count, "client", client.clientId());
        }
        service.statistics().deleteApplication(c, application.id());
        service.applications().delete(c, application.id());
    }

    /**
     * The statistics of the application of a key set (admin API {@code /admin/stats/{client_id}}).
     *
     * @param clientId the consumer key of either key set
     * @return {@code {"application","registered_users","tokens_per_day"}}
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown
     */
    public Map<String, Object> statisticsOfClient(String clientId) throws SQLException, AdminException {
        return service.database().call(c -> {
            ClientRecord client = service.clients().find(c, clientId);
            ApplicationRecord application = client == null ? null
                    : service.applications().find(c, client.applicationId());
            if (application == null) {
                throw AdminException.notFound("No such application");
            }
            return statistics(c, application);
        });
    }

    /**
     * The statistics of an application.
     *
     * @param owner the acting owner, or {@code null} for the administrator
     * @param id application id
     * @return {@code {"application","registered_users","tokens_per_day"}}
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown or not the owner's
     */
    public Map<String, Object> statistics(Long owner, String id) throws SQLException, AdminException {
        return service.database().call(c -> statistics(c, require(c, owner, id)));
    }

    /**
     * A new key set of an application, not yet stored.
     *
     * @param application the application
     * @param keyType {@code PRODUCTION} or {@code SANDBOX}
     * @param clientId consumer key
     * @param secretDigest digest of the consumer secret
     * @param introspect whether it may introspect
     * @param now epoch milliseconds
     * @return the key set
     */
    static ClientRecord newKeySet(ApplicationRecord application, String keyType, String clientId,
            String secretDigest, boolean introspect, long now) {
        return new ClientRecord(clientId, secretDigest, application.name(), application.grantTypes(), introspect,
                true, now, application.id(), keyType);
    }

    private Map<String, Object> statistics(Connection c, ApplicationRecord application) throws SQLException {
        long now = service.clock().getAsLong();
        List<Map<String, Object>> days = new ArrayList<>();
        int since = UsageStatistics.day(now - (STATISTICS_DAYS - 1) * DAY_MILLIS);
        for (DailyCount count : service.statistics().daily(c, application.id(), since)) {
            Map<String, Object> day = new LinkedHashMap<>();
            day.put("day", count.isoDay());
            day.put("grant_type", count.grantType());
            day.put("issued", Long.valueOf(count.issued()));
            days.add(day);
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("application", view(c, application));
        view.put("registered_users", Long.valueOf(service.statistics().registeredUsers(c, application.id())));
        view.put("tokens_per_day", days);
        return view;
    }

    private ApplicationRecord require(Connection c, Long owner, String id) throws SQLException, AdminException {
        long number;
        try {
            number = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw AdminException.notFound("No such application");
        }
        ApplicationRecord application = service.applications().find(c, number);
        if (application == null || (owner != null && !owner.equals(application.ownerId()))) {
            throw AdminException.notFound("No such application");
        }
        return application;
    }

    private ClientRecord keySet(Connection c, ApplicationRecord application, String type) throws SQLException {
        for (ClientRecord client : service.clients().listOfApplication(c, application.id())) {
            if (client.keyType().equals(type)) {
                return client;
            }
        }
        return null;
    }

    private static String keyType(String keyType) throws AdminException {
        if (ClientRecord.PRODUCTION.equalsIgnoreCase(keyType)) {
            return ClientRecord.PRODUCTION;
        }
        if (ClientRecord.SANDBOX.equalsIgnoreCase(keyType)) {
            return ClientRecord.SANDBOX;
        }
        throw AdminException.notFound("No such key set: use PRODUCTION or SANDBOX");
    }

    private Map<String, Object> view(Connection c, ApplicationRecord application) throws SQLException {
        List<Map<String, Object>> keySets = new ArrayList<>();
        for (ClientRecord client : service.clients().listOfApplication(c, application.id())) {
            Map<String, Object> keySet = new LinkedHashMap<>();
            keySet.put("key_type", client.keyType());
            keySet.put("client_id", client.clientId());
            keySet.put("enabled", Boolean.valueOf(client.enabled()));
            keySets.add(keySet);
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", Long.valueOf(application.id()));
        view.put("name", application.name());
        view.put("owner", application.owner());
        view.put("grant_types", new ArrayList<>(application.grantTypes()));
        view.put("created_at", Long.valueOf(application.createdAt()));
        view.put("key_sets", keySets);
        view.put("registered_users", Long.valueOf(service.statistics().registeredUsers(c, application.id())));
        view.put("tier", tiers.tierName(c, application.id()));
        return view;
    }
}
