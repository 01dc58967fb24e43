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

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Set;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import jakarta.servlet.ServletContext;

/**
 * The issuer of a token service whose administrator did not configure {@code issuer}: derived once, at start, from
 * the server's own configuration, never from a request (whose {@code Host} header a client chooses). The host is
 * the name of the Tomcat {@code <Host>} the webapp runs in; the scheme and port are those of the Tomcat's HTTPS
 * connector (its HTTP connector when it has none), read from Tomcat's JMX registry; then the context path. The
 * result is right only when clients reach the server by that host name and port: the listener says so in a
 * WARNING, asking for {@code issuer}.
 */
public final class ServerIssuer {

    private ServerIssuer() {
    }

    /**
     * @param context the webapp's context
     * @return the issuer URL, e.g. {@code https://localhost:8443/token}
     */
    public static String derive(ServletContext context) {
        String virtual = context.getVirtualServerName();
        int slash = virtual == null ? -1 : virtual.indexOf('/');
        String engine = slash > 0 ? virtual.substring(0, slash) : "Catalina";
        String host = slash > 0 ? virtual.substring(slash + 1) : "localhost";
        String[] connector = connector(engine);
        String scheme = connector == null ? "http" : connector[0];
        int port = connector == null ? -1 : Integer.parseInt(connector[1]);
        boolean defaultPort = port <= 0 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme)
                && port == 443);
        String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return scheme + "://" + hostPart.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port)
                + context.getContextPath();
    }

    /**
     * @return {scheme, port} of the engine's HTTPS connector, else of its first HTTP one, or {@code null}
     */
    private static String[] connector(String engine) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = server.queryNames(new ObjectName(engine + ":type=Connector,*"), null);
            String[] plain = null;
            for (ObjectName name : names) {
                Object protocol = attribute(server, name, "protocol");
                if (protocol != null && protocol.toString().toUpperCase(Locale.ROOT).contains("AJP")) {
                    continue;
                }
                int port = port(server, name);
                if (port <= 0) {
                    continue;
                }
                String scheme = String.valueOf(attribute(server, name, "scheme")).toLowerCase(Locale.ROOT);
                boolean secure = Boolean.TRUE.equals(attribute(server, name, "secure")) || "https".equals(scheme);
                if (secure) {
                    return new String[] { "https", String.valueOf(port) };
                }
                if (plain == null || port < Integer.parseInt(plain[1])) {
                    plain = new String[] { "http", String.valueOf(port) };
                }
            }
            return plain;
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }

    private static int port(MBeanServer server, ObjectName name) {
        for (String attribute : new String[] { "localPort", "portWithOffset", "port" }) {
            Object value = attribute(server, name, attribute);
            if (value instanceof Integer port && port.intValue() > 0) {
                return port.intValue();
            }
        }
        return -1;
    }

    private static Object attribute(MBeanServer server, ObjectName name, String attribute) {
        try {
            return server.getAttribute(name, attribute);
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }
}
