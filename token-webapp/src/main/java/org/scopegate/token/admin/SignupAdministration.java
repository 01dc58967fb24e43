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
import java.util.LinkedHashMap;
import java.util.Map;

import org.scopegate.token.TokenService;
import org.scopegate.token.store.SettingStore;

/**
 * The self sign-up switch, a row of {@code oauth_setting} that the administrator changes at run time (admin API
 * {@code GET/PUT /admin/settings/signup}, {@code scripts/tokenctl signup on|off}, the admin page). Off unless
 * switched on.
 */
public final class SignupAdministration {

    private final TokenService service;

    /**
     * @param service the running service
     */
    public SignupAdministration(TokenService service) {
        this.service = service;
    }

    /**
     * @return whether self sign-up is on
     * @throws SQLException on a database failure
     */
    public boolean isEnabled() throws SQLException {
        return service.database().call(c -> Boolean.valueOf(
                service.settings().getBoolean(c, SettingStore.SIGNUP_ENABLED, false))).booleanValue();
    }

    /**
     * @return {@code {"enabled":bool}}
     * @throws SQLException on a database failure
     */
    public Map<String, Object> get() throws SQLException {
        return view(isEnabled());
    }

    /**
     * @param body {@code {"enabled":bool}}
     * @return the new state
     * @throws SQLException on a database failure
     * @throws AdminException 400 when {@code enabled} is missing or not a boolean
     */
    public Map<String, Object> put(AdminRequestBody body) throws SQLException, AdminException {
        Boolean enabled = body.bool("enabled");
        if (enabled == null) {
            throw AdminException.badRequest("enabled is required");
        }
        service.database().call(c -> {
            service.settings().put(c, SettingStore.SIGNUP_ENABLED, enabled.toString());
            return null;
        });
        return view(enabled.booleanValue());
    }

    private static Map<String, Object> view(boolean enabled) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("enabled", Boolean.valueOf(enabled));
        return view;
    }
}
