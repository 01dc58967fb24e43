/*
 * Copyright the ScopeGate authors.
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
package org.scopegate.valve.metrics;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.apache.tomcat.util.res.StringManager;

/**
 * A valve's place in the Prometheus metrics of its Tomcat. When the Prometheus JMX exporter agent runs in this JVM,
 * its Prometheus client is on the system class path, which the valve (in {@code $CATALINA_HOME/lib}) sees through
 * the common class loader; the valve carries no copy of its own. Without the agent every method does nothing, and
 * the valve's JMX attributes still show its counters.
 */
public class ValveMetrics implements AutoCloseable {

    /** Does nothing: no Prometheus agent. */
    public static final ValveMetrics NONE = new ValveMetrics();

    static final String PROMETHEUS_REGISTRY = "io.prometheus.metrics.model.registry.PrometheusRegistry";

    private static final Log log = LogFactory.getLog(ValveMetrics.class);
    private static final StringManager sm = StringManager.getManager(ValveMetrics.class);

    /**
     * Adds a valve to the metrics.
     *
     * @param name the valve's {@code valve} label (its Host, or Host and context path)
     * @param figures its counters
     * @return its registration, {@link #NONE} without the agent
     */
    public static ValveMetrics register(String name, ValveFigures figures) {
        if (!prometheusPresent(ValveMetrics.class.getClassLoader())) {
            log.debug("No Prometheus client in this JVM: valve metrics over JMX only");
            return NONE;
        }
        try {
            return PrometheusValveMetrics.registerValve(name, figures);
        } catch (RuntimeException | LinkageError e) {
            log.warn(sm.getString("valveMetrics.registerFailed", e.toString()));
            return NONE;
        }
    }

    static boolean prometheusPresent(ClassLoader loader) {
        try {
            Class.forName(PROMETHEUS_REGISTRY, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * @return where the latency of each answered introspection goes
     */
    public DurationObserver introspectionLatency() {
        return DurationObserver.NONE;
    }

    /**
     * @return where the lag of each revocation applied from the feed goes
     */
    public DurationObserver revocationFeedLag() {
        return DurationObserver.NONE;
    }

    /**
     * @return the valve's label value, {@code null} when not exported
     */
    public String name() {
        return null;
    }

    /**
     * Removes the valve from the metrics.
     */
    @Override
    public void close() {
    }
}
