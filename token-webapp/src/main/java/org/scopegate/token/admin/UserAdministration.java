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

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.scopegate.token.TokenService;
import org.scopegate.token.store.UserRecord;

/**
 * The user operations of the admin API (protocol.md section 6). Disabling or deleting a user, or removing one of
 * its roles, revokes its tokens and writes a {@code user} revocation event in the same transaction.
 */
public final class UserAdministration {

    private final TokenService service;

    /**
     * @param service the running service
     */
    public UserAdministration(TokenService service) {
        this.service = service;
    }

    /**
     * @return every user
     * @throws SQLException on a database failure
     */
    public List<Map<String, Object>> list() throws SQLException {
        long now = service.clock().getAsLong();
        List<Map<String, Object>> result = new ArrayList<>();
        for (UserRecord user : service.database().call(c -> service.users().list(c))) {
            result.add(view(user, now));
        }
        return result;
    }

    /**
     * @param username a user name
     * @return the user
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown
     */
    public Map<String, Object> get(String username) throws SQLException, AdminException {
        return view(find(username), service.clock().getAsLong());
    }

    /**
     * @param body {@code {"username","password","roles"}}
     * @return the new user
     * @throws SQLException on a database failure
     * @throws AdminException 400 for an invalid body, 409 when the name is taken
     */
    public Map<String, Object> create(AdminRequestBody body) throws SQLException, AdminException {
        String username = body.requiredText("username", 128);
        if (!username.equals(username.strip())) {
            throw AdminException.badRequest("username must not start or end with spaces");
        }
        String password = body.requiredText("password", 1024);
        Set<String> roles = body.strings("roles", AdminRequestBody.ROLE);
        Set<String> newRoles = roles == null ? Set.of() : roles;
        String hash = service.hasher().hash(password);
        long now = service.clock().getAsLong();
        service.database().call(c -> {
            if (service.users().find(c, username) != null) {
                throw AdminException.conflict("A user with this name exists");
            }
            service.users().insert(c, username, hash, newRoles, now);
            return null;
        });
        return get(username);
    }

    /**
     * @param username a user name
     * @param body any of {@code {"enabled","roles","password"}}
     * @return the changed user
     * @throws SQLException on a database failure
     * @throws AdminException 400 for an invalid body, 404 when unknown
     */
    public Map<String, Object> patch(String username, AdminRequestBody body) throws SQLException, AdminException {
        Boolean enabled = body.bool("enabled");
        Set<String> roles = body.strings("roles", AdminRequestBody.ROLE);
        String password = body.text("password", 1024);
        String hash = password == null ? null : service.hasher().hash(password);
        long now = service.clock().getAsLong();
        String stored = service.database().call(c -> {
            service.revoker().lockEvents(c);
            UserRecord user = service.users().find(c, username);
            if (user == null) {
                throw AdminException.notFound("No such user");
            }
            boolean revoke = false;
            if (enabled != null && enabled.booleanValue() != user.enabled()) {
                service.users().setEnabled(c, user.username(), enabled.booleanValue());
                revoke = !enabled.booleanValue();
            }
            if (roles != null) {
                Set<String> removed = new HashSet<>(user.roles());
                removed.removeAll(roles);
                service.users().replaceRoles(c, user.username(), roles);
                revoke |= !removed.isEmpty();
            }
            if (hash != null) {
                service.users().setPasswordHash(c, user.username(), hash);
            }
            if (revoke) {
                service.revoker().revokeUser(c, user.username(), now);
            }
            return user.username();
        });
        return get(stored);
    }

    /**
     * Deletes a user and revokes its tokens.
     *
     * @param username a user name
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown
     */
    public void delete(String username) throws SQLException, AdminException {
        long now = service.clock().getAsLong();
        service.database().call(c -> {
            service.revoker().lockEvents(c);
            UserRecord user = service.users().find(c, username);
            if (user == null) {
                throw AdminException.notFound("No such user");
            }
            service.users().delete(c, user.username());
            service.revoker().revokeUser(c, user.username(), now);
            return null;
        });
    }

    /**
     * Clears the lock and failure count of a user.
     *
     * @param username a user name
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown
     */
    public void unlock(String username) throws SQLException, AdminException {
        service.database().call(c -> {
            UserRecord user = service.users().find(c, username);
            if (user == null) {
                throw AdminException.notFound("No such user");
            }
            service.users().resetFailures(c, user.username());
            return null;
        });
    }

    private UserRecord find(String username) throws SQLException, AdminException {
        UserRecord user = service.database().call(c -> service.users().find(c, username));
        if (user == null) {
            throw AdminException.notFound("No such user");
        }
        return user;
    }

    private static Map<String, Object> view(UserRecord user, long now) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("username", user.username());
        view.put("roles", new ArrayList<>(user.roles()));
        view.put("enabled", Boolean.valueOf(user.enabled()));
        view.put("locked_until", user.lockedUntil() > now ? Long.valueOf(user.lockedUntil()) : null);
        view.put("lock_count", Integer.valueOf(user.lockCount()));
        return view;
    }
}
