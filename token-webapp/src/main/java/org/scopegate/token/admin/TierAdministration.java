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
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.scopegate.token.TokenService;
import org.scopegate.token.store.RevocationEvent;
import org.scopegate.token.store.TierRecord;
import org.scopegate.token.store.TierStore;

/**
 * The tier operations of the admin API (protocol.md section 6): named request quotas, and the tier of an
 * application. A change that alters what a valve enforces for an application (its tier, or the quota of its tier)
 * writes a {@code client} event per key set to the revocation feed in the same transaction: the valves drop their
 * cached answers for those key sets and learn the new quota at the next request, within the feed's guarantee.
 * No token is revoked by it.
 */
public final class TierAdministration {

    /** A tier name: letters, digits, {@code . _ -}, starting with a letter or digit; safe in a URL and a header. */
    public static final Pattern TIER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** The largest quota and burst accepted. */
    public static final int MAX_QUOTA = 1_000_000_000;

    /** The longest window accepted, in seconds: a year. */
    public static final int MAX_WINDOW = 366 * 86_400;

    private final TokenService service;

    /**
     * @param service the running service
     */
    public TierAdministration(TokenService service) {
        this.service = service;
    }

    /**
     * @return every tier with the number of applications that have it
     * @throws SQLException on a database failure
     */
    public List<Map<String, Object>> list() throws SQLException {
        return service.database().call(c -> {
            List<Map<String, Object>> result = new ArrayList<>();
            for (TierRecord tier : store().list(c)) {
                result.add(view(c, tier));
            }
            return result;
        });
    }

    /**
     * @param name a tier name, in any case
     * @return the tier
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown
     */
    public Map<String, Object> get(String name) throws SQLException, AdminException {
        return service.database().call(c -> view(c, require(c, name)));
    }

    /**
     * @param body {@code {"name","quota","window","burst"?,"description"?}}
     * @return the new tier
     * @throws SQLException on a database failure
     * @throws AdminException 400 for an invalid body, 409 when a tier of that name exists (in any case)
     */
    public Map<String, Object> create(AdminRequestBody body) throws SQLException, AdminException {
        String name = body.requiredText("name", 64);
        if (!TIER_NAME.matcher(name).matches()) {
            throw AdminException.badRequest("name must be 1 to 64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit");
        }
        if (!body.has("quota") || !body.has("window")) {
            throw AdminException.badRequest("quota and window are required: quota requests per window seconds");
        }
        int quota = body.integer("quota", 1, MAX_QUOTA, 0);
        int window = body.integer("window", 1, MAX_WINDOW, 0);
        int burst = burst(body, quota, 0);
        TierRecord tier = new TierRecord(name, quota, window, burst, body.text("description", 256));
        return service.database().call(c -> {
            if (store().find(c, name) != null) {
                throw AdminException.conflict("A tier of this name exists");
            }
            store().insert(c, tier);
            return view(c, tier);
        });
    }

    /**
     * Changes the quota of a tier; every application that has it gets the new quota at every valve.
     *
     * @param name a tier name, in any case
     * @param body any of {@code {"quota","window","burst","description"}}; {@code "burst": 0} removes the burst
     * @return the changed tier
     * @throws SQLException on a database failure
     * @throws AdminException 400 for an invalid body, 404 when unknown, 409 for an unlimited tier
     */
    public Map<String, Object> patch(String name, AdminRequestBody body) throws SQLException, AdminException {
        int quota = body.integer("quota", 1, MAX_QUOTA, 0);
        int window = body.integer("window", 1, MAX_WINDOW, 0);
        String description = body.text("description", 256);
        boolean burstGiven = body.has("burst");
        int burstValue = body.integer("burst", 0, MAX_QUOTA, 0);
        long now = service.clock().getAsLong();
        return service.database().call(c -> {
            service.revoker().lockEvents(c);
            TierRecord tier = require(c, name);
            if (tier.isUnlimited() && (quota != 0 || window != 0 || burstGiven)) {
                throw AdminException.conflict("An unlimited tier has no quota to change");
            }
            long newQuota = quota != 0 ? quota : tier.requests();
            long newBurst = burstGiven ? burstValue : tier.burst();
            if (newBurst > newQuota) {
                throw AdminException.badRequest("burst must not be larger than quota");
            }
            TierRecord changed = new TierRecord(tier.name(), newQuota, window != 0 ? window : tier.windowSeconds(),
                    newBurst, description != null ? description : tier.description());
            store().update(c, changed);
            if (!changed.equals(tier)) {
                service.events().insert(c, RevocationEvent.CLIENT, store().clientsOfTier(c, tier.name()), now);
            }
            return view(c, changed);
        });
    }

    /**
     * @param name a tier name, in any case
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown, 409 for the default tier or a tier in use
     */
    public void delete(String name) throws SQLException, AdminException {
        service.database().call(c -> {
            TierRecord tier = require(c, name);
            if (TierRecord.UNLIMITED.equals(tier.name())) {
                throw AdminException.conflict("The Unlimited tier is every new application's and cannot be deleted");
            }
            long users = store().countApplications(c, tier.name());
            if (users > 0) {
                throw AdminException.conflict("The tier is in use by " + users + " application"
                        + (users == 1 ? "" : "s") + ": give them another tier first");
            }
            store().delete(c, tier.name());
            return null;
        });
    }

    /**
     * Gives an application a tier, in the caller's transaction. The valves learn it through a {@code client} event
     * per key set.
     *
     * @param c a connection in a transaction
     * @param applicationId the application
     * @param name a tier name, in any case
     * @return the tier
     * @throws SQLException on a database failure
     * @throws AdminException 400 when no tier has that name
     */
    TierRecord assign(Connection c, long applicationId, String name) throws SQLException, AdminException {
        TierRecord tier = store().find(c, name);
        if (tier == null) {
            throw AdminException.badRequest("No such tier: " + name + " (see GET /admin/tiers)");
        }
        TierRecord current = store().ofApplication(c, applicationId);
        if (current == null || !current.name().equals(tier.name())) {
            service.revoker().lockEvents(c);
            store().assign(c, applicationId, tier.name());
            List<String> clients = new ArrayList<>();
            service.clients().listOfApplication(c, applicationId).forEach(client -> clients.add(client.clientId()));
            service.events().insert(c, RevocationEvent.CLIENT, clients, service.clock().getAsLong());
        }
        return tier;
    }

    /**
     * @param c a connection
     * @param applicationId an application
     * @return the name of its tier, or {@code null} when it does not exist
     * @throws SQLException on a database failure
     */
    String tierName(Connection c, long applicationId) throws SQLException {
        TierRecord tier = store().ofApplication(c, applicationId);
        return tier == null ? null : tier.name();
    }

    private TierStore store() {
        return service.throttling().tiers();
    }

    private TierRecord require(Connection c, String name) throws SQLException, AdminException {
        TierRecord tier = store().find(c, name);
        if (tier == null) {
            throw AdminException.notFound("No such tier");
        }
        return tier;
    }

    private static int burst(AdminRequestBody body, int quota, int absent) throws AdminException {
        int burst = body.integer("burst", 0, MAX_QUOTA, absent);
        if (burst > quota) {
            throw AdminException.badRequest("burst must not be larger than quota");
        }
        return burst;
    }

    private Map<String, Object> view(Connection c, TierRecord tier) throws SQLException {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", tier.name());
        view.put("quota", tier.isUnlimited() ? null : Long.valueOf(tier.requests()));
        view.put("window", tier.isUnlimited() ? null : Long.valueOf(tier.windowSeconds()));
        view.put("burst", tier.burst() == 0 ? null : Long.valueOf(tier.burst()));
        view.put("description", tier.description());
        view.put("applications", Long.valueOf(store().countApplications(c, tier.name())));
        return view;
    }
}
