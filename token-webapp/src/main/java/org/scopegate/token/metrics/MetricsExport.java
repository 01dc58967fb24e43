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

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.token.Messages;

/**
 * Publishes the token service's counters: always over JMX, and to the Prometheus JMX exporter agent's registry when
 * the agent runs in this JVM (its Prometheus client classes are then on the system class path, which the webapp
 * sees through its parent class loaders; the WAR carries none of its own). Without the agent nothing fails: there is
 * no {@code /metrics} endpoint, JMX and the admin dashboard still show the counters.
 */
public final class MetricsExport implements AutoCloseable {

    /** A class of the Prometheus client that only the agent (or a test class path) provides. */
    static final String PROMETHEUS_REGISTRY = "io.prometheus.metrics.model.registry.PrometheusRegistry";

    private static final Log log = LogFactory.getLog(MetricsExport.class);

    private final ObjectName objectName;
    private final AutoCloseable prometheus;

    private MetricsExport(ObjectName objectName, AutoCloseable prometheus) {
        this.objectName = objectName;
        this.prometheus = prometheus;
    }

    /**
     * Publishes the counters.
     *
     * @param metrics the counters
     * @param contextPath the webapp's context path, naming its MBean
     * @return what withdraws them at the webapp's stop
     */
    public static MetricsExport start(TokenServiceMetrics metrics, String contextPath) {
        return new MetricsExport(registerMBean(metrics, contextPath), registerPrometheus(metrics));
    }

    /**
     * @return whether the counters are in a Prometheus registry
     */
    public boolean isPrometheusExported() {
        return prometheus != null;
    }

    /**
     * Withdraws the MBean and the Prometheus metrics.
     */
    @Override
    public void close() {
        if (prometheus != null) {
            try {
                prometheus.close();
            } catch (Exception e) {
                log.warn(Messages.get("metricsExport.unregisterFailed"), e);
            }
        }
        if (objectName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(objectName);
            } catch (JMException e) {
                log.warn(Messages.get("metricsExport.unregisterFailed"), e);
            }
        }
    }

    /**
     * @param loader the class loader to look in
     * @return whether the Prometheus client can be loaded
     */
    static boolean prometheusPresent(ClassLoader loader) {
        try {
            Class.forName(PROMETHEUS_REGISTRY, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static AutoCloseable registerPrometheus(TokenServiceMetrics metrics) {
        if (!prometheusPresent(MetricsExport.class.getClassLoader())) {
            log.info(Messages.get("metricsExport.noPrometheus"));
            return null;
        }
        try {
            AutoCloseable registration = PrometheusTokenMetrics.registerDefault(metrics);
            log.info(Messages.get("metricsExport.prometheus"));
            return registration;
        } catch (RuntimeException | LinkageError e) {
            // A name taken (a second token service in this JVM) or an agent with an incompatible client
            log.warn(Messages.get("metricsExport.prometheusFailed", e.toString()));
            return null;
        }
    }

    private static ObjectName registerMBean(TokenServiceMetrics metrics, String contextPath) {
        try {
            ObjectName name = new ObjectName("org.scopegate:type=TokenService,context="
                    + ObjectName.quote(contextPath.isEmpty() ? "/" : contextPath));
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(new TokenServiceFigures(metrics), name);
            return name;
        } catch (JMException e) {
            log.warn(Messages.get("metricsExport.mbeanFailed", e.toString()));
            return null;
        }
    }
}
