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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.scopegate.token.TokenService;
import org.scopegate.token.password.PasswordPolicy;
import org.scopegate.token.password.WeakPasswordException;
import org.scopegate.token.store.PrincipalNames;
import org.scopegate.token.store.RevocationCause;
import org.scopegate.token.store.UserRecord;

/**
 * The user operations of the admin API (protocol.md section 6). Disabling a user, giving it a new password, deleting
 * it or removing one of its roles revokes its tokens and writes a {@code user} revocation event in the same
 * transaction; disabling, a new password and deleting also end its sessions of the pages on every key manager (a
 * session holds the user's id and security version, read again at each request). Deleting a user deletes the
 * applications it owns (their key sets' tokens revoked) and its statistics rows: a new user of the same name
 * inherits nothing. A user name is also refused when a service client has it as id, in any case.
 */
public final class UserAdministration {

    private final TokenService service;
    private final PasswordPolicy passwords;

    /**
     * @param service the running service
     */
    public UserAdministration(TokenService service) {
        this.service = service;
        this.passwords = new PasswordPolicy(service.config().passwordMinLength());
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
        String password = body.requiredText("password", PasswordPolicy.MAX_LENGTH);
        Set<String> roles = body.strings("roles", AdminRequestBody.ROLE);
        // a taken name is a 409 whatever the password, and costs neither the strength check nor a hash (checked
        // again below, in the transaction that inserts)
        service.database().call(c -> {
            requireFreeName(c, username);
            return null;
        });
        checkPassword(username, password);
        Set<String> newRoles = roles == null ? Set.of() : roles;
        String hash = service.hasher().hash(password);
        long now = service.clock().getAsLong();
        service.database().call(c -> {
            requireFreeName(c, username);
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
        String password = body.text("password", PasswordPolicy.MAX_LENGTH);
        if (password != null) {
            // an unknown user is a 404 whatever the password, and costs no hash
            find(username);
            checkPassword(username, password);
        }
        String hash = password == null ? null : service.hasher().hash(password);
        long now = service.clock().getAsLong();
        String stored = service.database().call(c -> {
            service.revoker().lockEvents(c);
            UserRecord user = service.users().find(c, username);
            if (user == null) {
                throw AdminException.notFound("No such user");
            }
            // The user's row is changed before its tokens are revoked: a grant under way either sees the change and
            // issues nothing, or holds the row, and then this waits for it and revokes what it issued.
            boolean revoke = false;
            if (enabled != null && enabled.booleanValue() != user.enabled()) {
                service.users().setEnabled(c, user.id(), enabled.booleanValue());
                revoke = !enabled.booleanValue();
            }
            if (hash != null) {
                service.users().setPasswordHash(c, user.id(), hash);
                revoke = true;
            }
            if (roles != null) {
                Set<String> removed = new HashSet<>(user.roles());
                removed.removeAll(roles);
                if (!removed.isEmpty()) {
                    service.users().lock(c, user.id());
                }
                service.users().replaceRoles(c, user, roles);
                revoke |= !removed.isEmpty();
            }
            if (revoke) {
                int count = service.revoker().revokeUser(c, user, now);
                service.revoked(null, enabled != null && !enabled.booleanValue() ? RevocationCause.USER_DISABLED
                        : hash != null ? RevocationCause.PASSWORD_CHANGED : RevocationCause.ROLES_CHANGED, count, "user",
                        user.username());
            }
            return user.username();
        });
        return get(stored);
    }

    /**
     * Deletes a user: revokes its tokens, deletes the applications it owns (revoking their key sets' tokens), its
     * statistics rows and its name. Its sessions end, since the row is gone.
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
            // First the row (a grant under way then waits for this transaction or has finished), then the tokens.
            service.users().setEnabled(c, user.id(), false);
            int count = service.revoker().revokeUser(c, user, now);
            service.revoked(null, RevocationCause.USER_DELETED, count, "user", user.username());
            ApplicationAdministration.deleteOwnedBy(service, c, user, now);
            service.statistics().deleteUser(c, user.username());
            service.users().delete(c, user);
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
            service.users().resetFailures(c, user.id());
            return null;
        });
    }

    private void checkPassword(String username, String password) throws AdminException {
        try {
            passwords.check(username, password);
        } catch (WeakPasswordException e) {
            throw new AdminException(400, "weak_password", e.getMessage());
        }
    }

    /**
     * @param c a connection
     * @param username a new user's name
     * @throws SQLException on a database failure
     * @throws AdminException 409 when a user or a client has the name, in any case, or it is reserved
     */
    static void requireFreeName(Connection c, String username) throws SQLException, AdminException {
        String holder = PrincipalNames.holder(c, username);
        if (PrincipalNames.USER.equals(holder)) {
            throw AdminException.conflict("A user with this name exists");
        }
        if (PrincipalNames.CLIENT.equals(holder)) {
            throw AdminException.conflict("A client has this name as its client_id: users and clients need distinct "
                    + "names, which the protected webapps see as the remote user");
        }
        if (holder != null) {
            throw AdminException.conflict("This name is reserved");
        }
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
