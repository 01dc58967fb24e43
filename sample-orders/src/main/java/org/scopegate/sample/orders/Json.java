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
package org.scopegate.sample.orders;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Tiny JSON writer and the description of "who is calling" shared by the sample's servlets.
 * The sample knows nothing of OAuth: it only asks the servlet API and reads the request
 * attributes that a gate in front of it may have set.
 */
public final class Json {

    /** Request attribute with the client id, set by the scope valve. */
    public static final String CLIENT_ID_ATTR = "org.scopegate.valve.CLIENT_ID";
    /** Request attribute with the granted scopes (space separated), set by the scope valve. */
    public static final String SCOPES_ATTR = "org.scopegate.valve.SCOPES";
    /** Request attribute with the token's expiry (epoch seconds), set by the scope valve. */
    public static final String EXPIRES_AT_ATTR = "org.scopegate.valve.EXPIRES_AT";

    /** Roles the sample asks {@link HttpServletRequest#isUserInRole(String)} about. */
    static final String[] ROLES = {"read", "update"};

    private Json() {
    }

    /**
     * Describes the caller as the servlet API sees it.
     *
     * @param req the request
     * @return an ordered map, ready for {@link #write(HttpServletResponse, int, Map)}
     */
    public static Map<String, Object> caller(HttpServletRequest req) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", req.getMethod());
        m.put("path", req.getRequestURI());
        m.put("user", req.getRemoteUser());
        m.put("principal", req.getUserPrincipal() == null ? null : req.getUserPrincipal().getName());
        m.put("authType", req.getAuthType());
        Map<String, Object> roles = new LinkedHashMap<>();
        for (String role : ROLES) {
            roles.put(role, Boolean.valueOf(req.getUserPrincipal() != null && req.isUserInRole(role)));
        }
        m.put("roles", roles);
        m.put("clientId", req.getAttribute(CLIENT_ID_ATTR));
        m.put("scopes", req.getAttribute(SCOPES_ATTR));
        m.put("expiresAt", req.getAttribute(EXPIRES_AT_ATTR));
        return m;
    }

    /**
     * Writes a JSON answer.
     *
     * @param resp the response
     * @param status the HTTP status
     * @param body the object to write
     * @throws IOException when the client went away
     */
    public static void write(HttpServletResponse resp, int status, Map<String, Object> body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        PrintWriter w = resp.getWriter();
        w.write(toJson(body));
        w.write('\n');
    }

    /**
     * Serialises maps, lists, strings, numbers, booleans and null.
     *
     * @param value the value
     * @return its JSON text
     */
    public static String toJson(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Object value) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                appendString(sb, String.valueOf(e.getKey()));
                sb.append(':');
                append(sb, e.getValue());
            }
            sb.append('}');
        } else if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                append(sb, list.get(i));
            }
            sb.append(']');
        } else if (value instanceof Number || value instanceof Boolean) {
            sb.append(value);
        } else {
            appendString(sb, value.toString());
        }
    }

    private static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                        sb.append(String.format("\\u%04x", Integer.valueOf(c)));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
