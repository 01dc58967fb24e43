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
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.scopegate.common.store.QuotaCount;
import org.scopegate.token.protocol.OAuthException;

/**
 * {@code POST /token/quota-counts} (protocol.md section 3b): where scope valves on several gateways add up the
 * requests they served of each quota, so that together they enforce it. Same authentication as the revocation
 * feed: an application allowed to introspect, by HTTP Basic.
 * <pre>
 * → {"counts":[{"key":"12","window_start":1764111600000,"requests":5}]}
 * ← {"counts":[{"key":"12","window_start":1764111600000,"requests":42}]}
 * </pre>
 */
public final class QuotaCountServlet extends OAuthEndpointServlet {

    /** Largest body accepted, in bytes. */
    public static final int MAX_BODY = 1024 * 1024;

    /** Most counters in one report. */
    public static final int MAX_COUNTS = 10_000;

    private static final long serialVersionUID = 1L;
    private static final long MAX_REQUESTS = 1_000_000_000_000L;

    @Override
    protected String allowedMethod() {
        return "POST";
    }

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response)
            throws OAuthException, SQLException, IOException {
        List<QuotaCount> reports = read(request);
        long now = service().clock().getAsLong();
        List<QuotaCount> counts = withClient(request, null, (c, client) -> {
            IntrospectionServlet.requireIntrospect(client);
            return service().throttling().quotaCounts().addAll(c, reports, now);
        });
        List<Map<String, Object>> answer = new ArrayList<>(counts.size());
        for (QuotaCount count : counts) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("key", count.key());
            item.put("window_start", Long.valueOf(count.windowStart()));
            item.put("requests", Long.valueOf(count.requests()));
            answer.add(item);
        }
        responses().writeJson(response, HttpServletResponse.SC_OK, Map.of("counts", answer));
    }

    private List<QuotaCount> read(HttpServletRequest request) throws OAuthException, IOException {
        if (request.getContentLengthLong() > MAX_BODY) {
            throw OAuthException.invalidRequest("The body is too large");
        }
        JsonNode body;
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw OAuthException.invalidRequest("The body is too large");
            }
            body = bytes.length == 0 ? null : service().objectMapper().readTree(bytes);
        } catch (JacksonException e) {
            throw OAuthException.invalidRequest("The body is not valid JSON");
        }
        JsonNode counts = body == null ? null : body.get("counts");
        if (counts == null || !counts.isArray() || counts.size() > MAX_COUNTS) {
            throw OAuthException.invalidRequest("The body must be {\"counts\":[…]} with at most " + MAX_COUNTS
                    + " counts");
        }
        List<QuotaCount> reports = new ArrayList<>(counts.size());
        for (JsonNode count : counts) {
            JsonNode key = count.get("key");
            JsonNode window = count.get("window_start");
            JsonNode requests = count.get("requests");
            if (key == null || !key.isTextual() || !validKey(key.textValue()) || window == null
                    || !window.isIntegralNumber() || !window.canConvertToLong() || window.longValue() < 0
                    || requests == null || !requests.isIntegralNumber() || !requests.canConvertToLong()
                    || requests.longValue() < 0 || requests.longValue() > MAX_REQUESTS) {
                throw OAuthException.invalidRequest("Each count needs a key (1 to 128 printable ASCII characters), "
                        + "a window_start and a number of requests");
            }
            reports.add(new QuotaCount(key.textValue(), window.longValue(), requests.longValue()));
        }
        return reports;
    }

    private static boolean validKey(String key) {
        if (key.isEmpty() || key.length() > 128) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }
}
