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
package org.scopegate.token.metrics;

import java.lang.management.ManagementFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * What the token service publishes at start and withdraws at stop: its MBean, and its metrics in the Prometheus
 * agent's registry when the agent's classes are there (as here, on the test class path).
 */
public class TestMetricsExport {

    private static boolean registered(String family) {
        return PrometheusRegistry.defaultRegistry.scrape().stream()
                .anyMatch(snapshot -> snapshot.getMetadata().getName().equals(family));
    }

    @Test
    void startWhenAgentClassesPresentThenMBeanAndMetricsUntilClosed() throws Exception {
        // PREPARE
        TokenServiceMetrics metrics = new TokenServiceMetrics();
        metrics.grant("password", null);
        metrics.grant("password", "invalid_grant");
        metrics.lockout();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("org.scopegate:type=TokenService,context=\"/metrics-test\"");

        // TEST
        MetricsExport export = MetricsExport.start(metrics, "/metrics-test");
        boolean prometheus = export.isPrometheusExported();
        long issued = ((Long) server.getAttribute(name, "GrantsIssued")).longValue();
        long invalidGrant = ((Long) server.getAttribute(name, "GrantsInvalidGrant")).longValue();
        long lockouts = ((Long) server.getAttribute(name, "Lockouts")).longValue();
        boolean familyWhileRunning = registered("scopegate_token_grants");
        export.close();

        // VERIFY
        Assertions.assertTrue(prometheus, "the Prometheus client is on the class path");
        Assertions.assertEquals(1, issued);
        Assertions.assertEquals(1, invalidGrant);
        Assertions.assertEquals(1, lockouts);
        Assertions.assertTrue(familyWhileRunning);
        Assertions.assertFalse(server.isRegistered(name), "the MBean is withdrawn");
        Assertions.assertFalse(registered("scopegate_token_grants"), "the metrics are withdrawn");
    }

    @Test
    void prometheusPresentWhenClassMissingThenFalse() {
        // PREPARE: a class loader that sees only the JDK
        ClassLoader jdkOnly = ClassLoader.getPlatformClassLoader();

        // TEST / VERIFY
        Assertions.assertFalse(MetricsExport.prometheusPresent(jdkOnly));
        Assertions.assertTrue(MetricsExport.prometheusPresent(MetricsExport.class.getClassLoader()));
    }
}
