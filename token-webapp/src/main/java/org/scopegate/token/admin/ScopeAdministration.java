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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.scopegate.token.TokenService;
import org.scopegate.token.store.ScopeRecord;

/**
 * The scope operations of the admin API (protocol.md section 6). The configured default scope cannot be deleted.
 */
public final class ScopeAdministration {

    /** A scope name: RFC 6749 scope-token characters, at most 64. */
    public static final Pattern SCOPE_NAME = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}");

    private final TokenService service;

    /**
     * @param service the running service
     */
    public ScopeAdministration(TokenService service) {
        this.service = service;
    }

    /**
     * @return every scope
     * @throws SQLException on a database failure
     */
    public List<Map<String, Object>> list() throws SQLException {
        List<Map<String, Object>> result = new ArrayList<>();
        for (ScopeRecord scope : service.database().call(c -> service.scopes().loadAll(c)).values()) {
            result.add(view(scope));
        }
        return result;
    }

    /**
     * @param body {@code {"name","description"?,"roles":[…]}}
     * @return the new scope
     * @throws SQLException on a database failure
     * @throws AdminException 400 for an invalid body, 409 when it exists
     */
    public Map<String, Object> create(AdminRequestBody body) throws SQLException, AdminException {
        String name = body.requiredText("name", 64);
        if (!SCOPE_NAME.matcher(name).matches()) {
            throw AdminException.badRequest("name must be a scope token (RFC 6749 section 3.3)");
        }
        String description = body.text("description", 256);
        Set<String> roles = body.strings("roles", AdminRequestBody.ROLE);
        ScopeRecord scope = new ScopeRecord(name, description, roles == null ? Set.of() : roles);
        service.database().call(c -> {
            if (service.scopes().exists(c, name)) {
                throw AdminException.conflict("The scope exists");
            }
            service.scopes().insert(c, scope);
            return null;
        });
        service.scopes().invalidate();
        return view(scope);
    }

    /**
     * @param name scope name
     * @param body any of {@code {"roles","description"}}
     * @return the changed scope
     * @throws SQLException on a database failure
     * @throws AdminException 400 for an invalid body, 404 when unknown
     */
    public Map<String, Object> patch(String name, AdminRequestBody body) throws SQLException, AdminException {
        String description = body.text("description", 256);
        Set<String> roles = body.strings("roles", AdminRequestBody.ROLE);
        ScopeRecord changed = service.database().call(c -> {
            if (!service.scopes().exists(c, name)) {
                throw AdminException.notFound("No such scope");
            }
            if (description != null) {
                service.scopes().updateDescription(c, name, description);
            }
            if (roles != null) {
                service.scopes().replaceRoles(c, name, roles);
            }
            return service.scopes().loadAll(c).get(name);
        });
        service.scopes().invalidate();
        return view(changed);
    }

    /**
     * @param name scope name
     * @throws SQLException on a database failure
     * @throws AdminException 404 when unknown, 409 for the default scope
     */
    public void delete(String name) throws SQLException, AdminException {
        if (name.equals(service.scopeResolver().getDefaultScope())) {
            throw AdminException.conflict("The default scope cannot be deleted");
        }
        service.database().call(c -> {
            if (!service.scopes().exists(c, name)) {
                throw AdminException.notFound("No such scope");
            }
            service.scopes().delete(c, name);
            return null;
        });
        service.scopes().invalidate();
    }

    private static Map<String, Object> view(ScopeRecord scope) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", scope.name());
        view.put("description", scope.description());
        view.put("roles", new ArrayList<>(scope.roles()));
        return view;
    }
}
