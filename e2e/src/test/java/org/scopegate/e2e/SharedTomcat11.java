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
package org.scopegate.e2e;

import java.util.Map;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One demo Tomcat 11 (token service + valve + sample, port offset 11000) shared by the test
 * classes that only read from it, so that a run starts fewer Tomcats. It is started by the first
 * class that needs it and stopped when the whole test run ends (a resource of JUnit's root store),
 * or by {@link DemoServer}'s shutdown hook if the JVM goes away first.
 */
public final class SharedTomcat11 implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SharedTomcat11.class);
    private static volatile DemoServer server;

    /** The shared server; only valid in a class extended with this extension. */
    public static DemoServer server() {
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NS).getOrComputeIfAbsent("tomcat11", k -> {
            try {
                // Every test comes from one address, 127.0.0.1: the token endpoint's limit per client address
                // would count the whole suite as one client (a flood test would spend it for the classes after it)
                server = DemoServer.startAll("t11-shared", DemoServer.tomcat11(), 11000,
                        Map.of("DEMO_TOKEN_PARAMETERS", "grantRateLimitPerAddress=100000"));
            } catch (Exception e) {
                throw new IllegalStateException("could not start the shared Tomcat 11", e);
            }
            // an AutoCloseable value of the root store is closed when the test run ends
            return (AutoCloseable) () -> {
                DemoServer s = server;
                server = null;
                if (s != null) {
                    s.close();
                }
            };
        });
    }
}
