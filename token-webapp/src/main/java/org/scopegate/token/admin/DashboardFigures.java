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

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.scopegate.token.metrics.GrantOutcome;
import org.scopegate.token.metrics.TokenServiceMetrics;

/**
 * The figures of the administration page's live view ({@code GET /token/admin/dashboard}): totals since start, which
 * the page turns into rates by reading them every few seconds. The token service's come from its own counters; the
 * valves' from the scope valves of this same Tomcat, read over the platform MBeanServer (a valve on another Tomcat
 * is not seen here: its figures are on that Tomcat's metrics endpoint).
 */
public final class DashboardFigures {

    /** The scope valves of this JVM, whatever their Engine, Host or context. */
    static final String VALVE_QUERY = "*:type=Valve,name=ScopeValve,*";

    /** The refusal counters of a valve's MBean, and the outcome each one counts. */
    private static final Map<String, String> VALVE_REFUSALS = refusals();

    private final TokenServiceMetrics metrics;
    private final LongSupplier clock;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    /**
     * @param metrics the token service's counters
     * @param clock epoch milliseconds
     */
    public DashboardFigures(TokenServiceMetrics metrics, LongSupplier clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * @return the figures now, as the JSON answer
     */
    public Map<String, Object> current() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("at", Long.valueOf(clock.getAsLong()));
        answer.put("token_service", tokenService());
        answer.put("valves", valves());
        return answer;
    }

    private Map<String, Object> tokenService() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("grants_issued", Long.valueOf(metrics.grants(GrantOutcome.ISSUED)));
        figures.put("grants_refused", Long.valueOf(metrics.refusedGrants()));
        Map<String, Object> byError = new LinkedHashMap<>();
        for (GrantOutcome outcome : GrantOutcome.values()) {
            if (outcome != GrantOutcome.ISSUED) {
                byError.put(outcome.label(), Long.valueOf(metrics.grants(outcome)));
            }
        }
        figures.put("grants_refused_by_error", byError);
        figures.put("sign_in_failures", Long.valueOf(metrics.signIns(false)));
        figures.put("lockouts", Long.valueOf(metrics.lockouts()));
        figures.put("revoked_tokens", Long.valueOf(metrics.revokedTokens()));
        figures.put("live_access_tokens", Long.valueOf(metrics.liveAccessTokens()));
        figures.put("live_refresh_tokens", Long.valueOf(metrics.liveRefreshTokens()));
        return figures;
    }

    private Map<String, Object> valves() {
        Map<String, Object> figures = new LinkedHashMap<>();
        long admitted = 0;
        long refused = 0;
        Map<String, Long> byReason = new LinkedHashMap<>();
        VALVE_REFUSALS.values().forEach(reason -> byReason.put(reason, Long.valueOf(0)));
        int count = 0;
        String[] attributes = attributeNames();
        for (ObjectName name : valveNames()) {
            AttributeList values;
            try {
                values = server.getAttributes(name, attributes);
            } catch (JMException e) {
                // A valve stopping while we read it
                continue;
            }
            count++;
            for (Attribute attribute : values.asList()) {
                long value = attribute.getValue() instanceof Number n ? n.longValue() : 0;
                String reason = VALVE_REFUSALS.get(attribute.getName());
                if (reason == null) {
                    admitted += value;
                } else {
                    refused += value;
                    byReason.merge(reason, Long.valueOf(value), Long::sum);
                }
            }
        }
        figures.put("count", Integer.valueOf(count));
        figures.put("admitted", Long.valueOf(admitted));
        figures.put("refused", Long.valueOf(refused));
        figures.put("refused_by_reason", byReason);
        return figures;
    }

    private Set<ObjectName> valveNames() {
        try {
            return server.queryNames(new ObjectName(VALVE_QUERY), null);
        } catch (JMException e) {
            return Set.of();
        }
    }

    private static String[] attributeNames() {
        String[] names = new String[VALVE_REFUSALS.size() + 1];
        names[0] = "admittedCount";
        int i = 1;
        for (String name : VALVE_REFUSALS.keySet()) {
            names[i++] = name;
        }
        return names;
    }

    private static Map<String, String> refusals() {
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("refusedNoTokenCount", "no_token");
        refusals.put("refusedInvalidTokenCount", "invalid_token");
        refusals.put("refusedInsufficientScopeCount", "insufficient_scope");
        refusals.put("refusedUnmatchedCount", "unmatched");
        refusals.put("refusedInvalidRequestCount", "invalid_request");
        refusals.put("refusedUnavailableCount", "unavailable");
        // A valve without throttling has no such attribute: it is then simply not among the values read
        refusals.put("refusedQuotaCount", "throttled");
        return refusals;
    }
}
