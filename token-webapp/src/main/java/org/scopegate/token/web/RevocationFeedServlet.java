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
package org.scopegate.token.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuth2ParameterNames;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.RevocationEvent;
import org.scopegate.token.store.SettingStore;

/**
 * The revocation feed of protocol.md section 3: {@code GET /revocations?after=<cursor>}, for applications allowed
 * to introspect, authenticated with HTTP Basic.
 */
public final class RevocationFeedServlet extends OAuthEndpointServlet {

    /** Most events per answer. */
    public static final int MAX_EVENTS = 1000;

    private static final long serialVersionUID = 1L;

    @Override
    protected String allowedMethod() {
        return "GET";
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response)
            throws OAuthException, SQLException, IOException {
        String query = request.getQueryString();
        byte[] raw = query == null ? new byte[0] : query.getBytes(StandardCharsets.ISO_8859_1);
        FormParameters parameters = FormParameters.parse(raw, raw.length);
        long after = parseCursor(parameters.get(OAuth2ParameterNames.AFTER));
        Map<String, Object> body = withClient(request, null, (c, client) -> {
            IntrospectionServlet.requireIntrospect(client);
            long purgedThrough = service().settings().getLong(c, SettingStore.REVOCATION_PURGED_THROUGH, 0);
            long current = Math.max(service().events().maxId(c), purgedThrough);
            Map<String, Object> answer = new LinkedHashMap<>();
            List<Map<String, Object>> events = new ArrayList<>();
            long cursor = current;
            boolean reset = false;
            if (after >= 0) {
                if (after < purgedThrough || after > current) {
                    reset = true;
                } else {
                    cursor = after;
                    for (RevocationEvent e : service().events().after(c, after, MAX_EVENTS)) {
                        Map<String, Object> event = new LinkedHashMap<>();
                        event.put("type", e.type());
                        event.put("value", e.value());
                        event.put("at", Long.valueOf(e.createdAt()));
                        events.add(event);
                        cursor = e.id();
                    }
                }
            }
            answer.put("cursor", Long.valueOf(cursor));
            answer.put("reset", Boolean.valueOf(reset));
            answer.put("events", events);
            return answer;
        });
        responses().writeJson(response, HttpServletResponse.SC_OK, body);
    }

    private static long parseCursor(String value) throws OAuthException {
        if (value == null) {
            return -1;
        }
        try {
            long after = Long.parseLong(value);
            if (after < -1) {
                throw OAuthException.invalidRequest("Parameter after must be -1 or a cursor");
            }
            return after;
        } catch (NumberFormatException e) {
            throw OAuthException.invalidRequest("Parameter after must be a number");
        }
    }
}
