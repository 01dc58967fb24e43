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
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.scopegate.token.feed.RevocationHub;
import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuth2ErrorCodes;
import org.scopegate.token.protocol.OAuth2ParameterNames;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.RevocationEvent;
import org.scopegate.token.store.SettingStore;

/**
 * The revocation feed of protocol.md section 3, for applications allowed to introspect, authenticated with HTTP
 * Basic:
 * <ul>
 * <li>{@code GET /revocations?after=<cursor>}: the events after a cursor (polled, the first protocol);</li>
 * <li>the same with {@code Accept: text/event-stream}: a held stream of server-sent events that the key manager
 * writes to the moment an event commits (section 3a, served by the {@link RevocationHub});</li>
 * <li>{@code POST /revocations} with {@code stream} and {@code cursor}: a stream's acknowledgement.</li>
 * </ul>
 */
public final class RevocationFeedServlet extends OAuthEndpointServlet {

    /** Most events per answer. */
    public static final int MAX_EVENTS = 1000;

    /** The media type of the pushed feed. */
    public static final String EVENT_STREAM = "text/event-stream";

    private static final long serialVersionUID = 1L;

    private transient RevocationHub hub;

    @Override
    public void init() throws ServletException {
        super.init();
        hub = (RevocationHub) getServletContext().getAttribute(RevocationHub.ATTRIBUTE);
    }

    @Override
    protected String allowedMethod() {
        return "GET, POST";
    }

    @Override
    protected boolean isAllowed(String method) {
        return "GET".equals(method) || "POST".equals(method);
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response)
            throws OAuthException, SQLException, IOException {
        if ("POST".equals(request.getMethod())) {
            acknowledge(request, response);
        } else if (hub != null && acceptsEventStream(request)) {
            stream(request, response);
        } else {
            poll(request, response);
        }
    }

    private void poll(HttpServletRequest request, HttpServletResponse response)
            throws OAuthException, SQLException, IOException {
        long after = parseCursor(queryParameters(request).get(OAuth2ParameterNames.AFTER));
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

    private void stream(HttpServletRequest request, HttpServletResponse response)
            throws OAuthException, SQLException, IOException {
        String value = queryParameters(request).get(OAuth2ParameterNames.AFTER);
        if (value == null) {
            // An EventSource that reconnects says where it was with the id of the last event it saw
            value = request.getHeader("Last-Event-ID");
        }
        long after = parseCursor(value);
        String clientId = withClient(request, null, (c, client) -> {
            IntrospectionServlet.requireIntrospect(client);
            return client.clientId();
        });
        if (!hub.open(request, response, clientId, RequestHeaders.authorization(request), after)) {
            response.setHeader("Retry-After", "5");
            responses().writeError(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, "This key manager takes no more revocation streams");
        }
    }

    private void acknowledge(HttpServletRequest request, HttpServletResponse response)
            throws OAuthException, IOException {
        String authorization = RequestHeaders.authorization(request);
        if (authorization == null) {
            throw OAuthException.invalidClient("The acknowledgement must carry the credentials of its stream");
        }
        if (hub == null) {
            throw OAuthException.invalidRequest("This key manager has no revocation streams");
        }
        FormParameters parameters = FormRequests.read(request);
        String stream = parameters.require(OAuth2ParameterNames.STREAM);
        long cursor = parseEventId(parameters.require(OAuth2ParameterNames.CURSOR));
        switch (hub.acknowledge(stream, authorization, cursor)) {
            case RECORDED -> response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            case WRONG_CREDENTIALS ->
                throw OAuthException.invalidClient("The acknowledgement must carry the credentials of its stream");
            default -> throw OAuthException.invalidRequest("No open revocation stream has this id");
        }
    }

    private static FormParameters queryParameters(HttpServletRequest request) throws OAuthException {
        String query = request.getQueryString();
        byte[] raw = query == null ? new byte[0] : query.getBytes(StandardCharsets.ISO_8859_1);
        FormParameters parameters = FormParameters.parse(raw, raw.length);
        return parameters;
    }

    static boolean acceptsEventStream(HttpServletRequest request) {
        Enumeration<String> accepts = request.getHeaders("Accept");
        while (accepts != null && accepts.hasMoreElements()) {
            if (accepts.nextElement().toLowerCase(Locale.ROOT).contains(EVENT_STREAM)) {
                return true;
            }
        }
        return false;
    }

    private static long parseEventId(String value) throws OAuthException {
        try {
            long id = Long.parseLong(value.trim());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw OAuthException.invalidRequest("Parameter cursor must be an event id (a number, 0 or more)");
    }

    private static long parseCursor(String value) throws OAuthException {
        if (value == null) {
            return -1;
        }
        try {
            long after = Long.parseLong(value.trim());
            if (after < -1) {
                throw OAuthException.invalidRequest("Parameter after must be -1 or a cursor");
            }
            return after;
        } catch (NumberFormatException e) {
            throw OAuthException.invalidRequest("Parameter after must be a number");
        }
    }
}
