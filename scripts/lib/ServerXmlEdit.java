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

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Edits a Tomcat {@code server.xml} for {@code scripts/install}, run with the JDK's source
 * launcher ({@code java ServerXmlEdit.java ...}).
 *
 * <p>The file is edited as text, so that the administrator's comments and layout stay as they were:
 * the new element is inserted after the start tag of the first {@code <Host>} (or
 * {@code <GlobalNamingResources>}), between marker comments. The DOM is only used to find out what
 * is there and to check that the result is still well-formed XML before anything is written. An
 * existing element of the same kind is never touched, so running it twice changes nothing. A
 * backup {@code server.xml.scopegate-YYYYMMDD-HHMMSS.bak} is written next to the file. The edited
 * file keeps the permissions (and, when allowed, the owner) of the old one.
 *
 * <pre>
 * java ServerXmlEdit.java http-port SERVER_XML
 * java ServerXmlEdit.java valve     SERVER_XML INTROSPECTION_URL RULES_PATH [--dry-run]
 * java ServerXmlEdit.java jndi      SERVER_XML [--dry-run]
 * java ServerXmlEdit.java postgres  SERVER_XML JDBC_URL JDBC_USER [--dry-run]
 * </pre>
 * Exit status: 0 changed (or would change), 10 already present, 1 error.
 */
public final class ServerXmlEdit {

    private static final String VALVE_CLASS = "org.scopegate.valve.ScopeValve";
    private static final String RESOURCE_NAME = "jdbc/OAuthStore";
    private static final int ALREADY = 10;

    private ServerXmlEdit() {
    }

    /**
     * Entry point.
     *
     * @param args see the class description
     * @throws Exception on any failure (exit status 1)
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ServerXmlEdit http-port|valve|jndi|postgres SERVER_XML ...");
            System.exit(1);
        }
        Path file = Path.of(args[1]);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Document doc = parse(text);
        boolean dryRun = args[args.length - 1].equals("--dry-run");
        switch (args[0]) {
            case "http-port" -> {
                System.out.println(httpPort(doc));
                return;
            }
            case "valve" -> {
                if (args.length < 4) {
                    throw new IllegalArgumentException("valve needs SERVER_XML INTROSPECTION_URL RULES_PATH");
                }
                if (hasElement(doc, "Valve", "className", VALVE_CLASS)) {
                    System.out.println("server.xml already declares " + VALVE_CLASS + ": left as it is");
                    System.exit(ALREADY);
                }
                String block = "\n"
                        + "        <!-- ScopeGate scope valve (added by scripts/install) -->\n"
                        + "        <Valve className=\"" + VALVE_CLASS + "\"\n"
                        + "               realm=\"scopegate\"\n"
                        + "               rulesPath=\"" + attr(args[3]) + "\"\n"
                        + "               introspectionUrl=\"" + attr(args[2]) + "\"\n"
                        + "               clientId=\"scope-valve\"\n"
                        + "               clientSecret=\"${scope.valve.clientSecret}\" />\n"
                        + "        <!-- ScopeGate scope valve (end) -->\n";
                write(file, text, insertAfterStartTag(text, "Host", block), block, dryRun);
            }
            case "postgres" -> {
                if (args.length < 4 || args[3].startsWith("--")) {
                    throw new IllegalArgumentException("postgres needs SERVER_XML JDBC_URL JDBC_USER");
                }
                if (hasElement(doc, "Resource", "name", RESOURCE_NAME)) {
                    System.out.println("server.xml already declares the global resource " + RESOURCE_NAME
                            + ": left as it is");
                    System.exit(ALREADY);
                }
                // Tomcat's own DBCP2 (lib/tomcat-dbcp.jar); the PostgreSQL driver in $CATALINA_HOME/lib.
                // A connection is checked before it is lent (a database restart costs no request); no
                // connection is kept open while the key manager is idle; PostgreSQL's default isolation.
                String resource = "\n"
                        + "    <!-- ScopeGate token store on PostgreSQL (added by scripts/install); the driver jar is in\n"
                        + "         $CATALINA_HOME/lib, the password is scopegate.store.password in catalina.properties -->\n"
                        + "    <Resource name=\"" + RESOURCE_NAME + "\" auth=\"Container\""
                        + " type=\"javax.sql.DataSource\"\n"
                        + "              factory=\"org.apache.tomcat.dbcp.dbcp2.BasicDataSourceFactory\"\n"
                        + "              driverClassName=\"org.postgresql.Driver\"\n"
                        + "              url=\"" + attr(args[2]) + "\"\n"
                        + "              username=\"" + attr(args[3]) + "\" password=\"${scopegate.store.password}\"\n"
                        + "              connectionProperties=\"connectTimeout=5;tcpKeepAlive=true;"
                        + "ApplicationName=ScopeGate token service\"\n"
                        + "              maxTotal=\"20\" maxIdle=\"20\" minIdle=\"0\" maxWaitMillis=\"10000\"\n"
                        + "              defaultAutoCommit=\"false\" rollbackOnReturn=\"true\"\n"
                        + "              testOnBorrow=\"true\" validationQueryTimeout=\"5\" testWhileIdle=\"true\"\n"
                        + "              timeBetweenEvictionRunsMillis=\"30000\" />\n"
                        + "    <!-- ScopeGate token store (end) -->\n";
                write(file, text, insertIntoGlobalResources(doc, text, resource), resource, dryRun);
            }
            case "jndi" -> {
                if (hasElement(doc, "Resource", "name", RESOURCE_NAME)) {
                    System.out.println("server.xml already declares the global resource " + RESOURCE_NAME
                            + ": left as it is");
                    System.exit(ALREADY);
                }
                String resource = "\n"
                        + "    <!-- ScopeGate token store (added by scripts/install);"
                        + " Derby jars in $CATALINA_HOME/lib -->\n"
                        + "    <Resource name=\"" + RESOURCE_NAME + "\" auth=\"Container\""
                        + " type=\"javax.sql.DataSource\"\n"
                        + "              driverClassName=\"org.apache.derby.jdbc.EmbeddedDriver\"\n"
                        + "              url=\"jdbc:derby:${catalina.base}/data/oauth;create=true\"\n"
                        + "              username=\"oauth\" password=\"${oauth.store.password}\"\n"
                        + "              maxTotal=\"20\" maxIdle=\"5\" maxWaitMillis=\"5000\"\n"
                        + "              validationQuery=\"VALUES 1\" testOnBorrow=\"true\" />\n"
                        + "    <!-- ScopeGate token store (end) -->\n";
                write(file, text, insertIntoGlobalResources(doc, text, resource), resource, dryRun);
            }
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static String insertIntoGlobalResources(Document doc, String text, String resource) {
        if (doc.getElementsByTagName("GlobalNamingResources").getLength() > 0) {
            return insertAfterStartTag(text, "GlobalNamingResources", resource);
        }
        return insertAfterStartTag(text, "Server",
                "\n  <GlobalNamingResources>" + resource + "  </GlobalNamingResources>\n");
    }

    private static Document parse(String text) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        f.setExpandEntityReferences(false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        DocumentBuilder b = f.newDocumentBuilder();
        b.setErrorHandler(null);
        return b.parse(new InputSource(new StringReader(text)));
    }

    private static boolean hasElement(Document doc, String tag, String attribute, String value) {
        NodeList nodes = doc.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            if (value.equals(((Element) nodes.item(i)).getAttribute(attribute))) {
                return true;
            }
        }
        return false;
    }

    private static String httpPort(Document doc) {
        NodeList nodes = doc.getElementsByTagName("Connector");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element c = (Element) nodes.item(i);
            String protocol = c.getAttribute("protocol");
            boolean ajp = protocol.toUpperCase().contains("AJP");
            if (!ajp && !"true".equalsIgnoreCase(c.getAttribute("SSLEnabled"))) {
                return c.getAttribute("port");
            }
        }
        return "8080";
    }

    private static String attr(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }

    /** Inserts text right after the first start tag of the element outside comments and CDATA. */
    private static String insertAfterStartTag(String text, String tag, String insert) {
        Pattern p = Pattern.compile("<!--.*?-->|<!\\[CDATA\\[.*?\\]\\]>|<" + tag
                + "(\\s[^>]*)?>", Pattern.DOTALL);
        Matcher m = p.matcher(text);
        while (m.find()) {
            String found = m.group();
            if (found.startsWith("<" + tag)) {
                if (found.endsWith("/>")) {
                    throw new IllegalStateException("<" + tag + "/> is empty: add the element by hand");
                }
                return text.substring(0, m.end()) + insert + text.substring(m.end());
            }
        }
        throw new IllegalStateException("no <" + tag + "> element in server.xml");
    }

    private static void write(Path file, String before, String after, String inserted, boolean dryRun)
            throws Exception {
        parse(after); // still well-formed, or nothing is written
        if (dryRun) {
            System.out.println("--- would write " + file + ":");
            System.out.print(diff(inserted));
            return;
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path backup = file.resolveSibling(file.getFileName() + ".scopegate-" + stamp + ".bak");
        Files.copy(file, backup, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        Path tmp = file.resolveSibling(file.getFileName() + ".scopegate.tmp");
        // a copy first, so that the new file keeps the old one's permissions (the distribution's
        // conf/ is owner-only) and, when allowed, its owner; then its content is replaced
        Files.copy(file, tmp, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(tmp, after, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println("updated " + file + " (backup: " + backup.getFileName() + ")");
    }

    private static String diff(String inserted) {
        StringBuilder sb = new StringBuilder();
        for (String line : inserted.replaceFirst("^\n", "").stripTrailing().split("\n")) {
            sb.append("+ ").append(line).append('\n');
        }
        return sb.toString();
    }
}
