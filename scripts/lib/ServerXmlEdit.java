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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * backup {@code server.xml.scopegate-YYYYMMDD-HHMMSS.bak} is written next to the file (or the file named by the
 * environment variable {@code SERVER_XML_BACKUP}, when it does not exist yet). The edited
 * file keeps the permissions (and, when allowed, the owner) of the old one.
 *
 * <p>{@code harden} gives Tomcat itself the settings ScopeGate relies on (docs/operations.md, "Tomcat's own
 * hardening"), each only where it is missing, so that running it again changes nothing:
 * <ul>
 * <li>every {@code <Host>} gets an {@code ErrorReportValve} with {@code showReport="false"} and
 * {@code showServerInfo="false"} (an existing one gets those two attributes): error pages, also those of requests
 * the connector rejects, name no exception, no version and echo nothing of the request;</li>
 * <li>every {@code AccessLogValve} pattern logs {@code %m %U %H} instead of {@code %r} (the aliases {@code common}
 * and {@code combined} are written out) and no {@code %q}: a password or token a client put in a query string never
 * reaches the log;</li>
 * <li>every {@code <SSLHostConfig>} offers TLS 1.2 and 1.3 only ({@code protocols}, rewritten when it allows anything
 * older, Tomcat's default {@code all} included) and, when it names no {@code ciphers}, forward-secret AEAD suites
 * only.</li>
 * </ul>
 *
 * <pre>
 * java ServerXmlEdit.java http-port SERVER_XML
 * java ServerXmlEdit.java valve     SERVER_XML INTROSPECTION_URL RULES_PATH
 *                                   [--allow-cleartext-introspection] [--dry-run]
 * java ServerXmlEdit.java jndi      SERVER_XML [--dry-run]
 * java ServerXmlEdit.java postgres  SERVER_XML JDBC_URL JDBC_USER [--dry-run]
 * java ServerXmlEdit.java harden    SERVER_XML [--dry-run]
 * java ServerXmlEdit.java discovery SERVER_XML [--dry-run]
 * java ServerXmlEdit.java host-dir  SERVER_XML
 * </pre>
 * {@code discovery} puts Tomcat's {@code RewriteValve} first in the first {@code <Host>}, so that the RFC 8414
 * location of the token service's metadata ({@code /.well-known/oauth-authorization-server/token}, outside the
 * WAR's context) can be mapped to the WAR by {@code conf/ENGINE/HOST/rewrite.config}; {@code host-dir} prints
 * that {@code ENGINE/HOST}.
 * Exit status: 0 changed (or would change), 10 already present, 1 error.
 */
public final class ServerXmlEdit {

    private static final String VALVE_CLASS = "org.scopegate.valve.ScopeValve";
    private static final String REWRITE_VALVE = "org.apache.catalina.valves.rewrite.RewriteValve";
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
            System.err.println("usage: ServerXmlEdit http-port|host-dir|valve|discovery|jndi|postgres|harden "
                    + "SERVER_XML ...");
            System.exit(1);
        }
        Path file = Path.of(args[1]);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Document doc = parse(text);
        boolean dryRun = List.of(args).contains("--dry-run");
        boolean allowCleartext = List.of(args).contains("--allow-cleartext-introspection");
        switch (args[0]) {
            case "http-port" -> {
                System.out.println(httpPort(doc));
                return;
            }
            case "host-dir" -> {
                System.out.println(hostDir(doc));
                return;
            }
            case "discovery" -> {
                if (hasElement(doc, "Valve", "className", REWRITE_VALVE)) {
                    System.out.println("server.xml already declares a RewriteValve: left as it is (it must come "
                            + "before the scope valve on the Host)");
                    System.exit(ALREADY);
                }
                // inserted after the Host's start tag: before the scope valve, which then sees the rewritten path
                String block = "\n"
                        + "        <!-- ScopeGate: RFC 8414 section 3, the token service's metadata also at\n"
                        + "             /.well-known/oauth-authorization-server/token (added by scripts/install;\n"
                        + "             the rule is in conf/" + hostDir(doc) + "/rewrite.config). -->\n"
                        + "        <Valve className=\"" + REWRITE_VALVE + "\" />\n";
                write(file, text, insertAfterStartTag(text, "Host", block), block, dryRun);
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
                        + (allowCleartext ? "               allowCleartextIntrospection=\"true\"\n" : "")
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
                        + "              accessToUnderlyingConnectionAllowed=\"true\"\n"
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
                        + "              validationQuery=\"VALUES 1\" testOnBorrow=\"true\"\n"
                        + "              accessToUnderlyingConnectionAllowed=\"true\" />\n"
                        + "    <!-- ScopeGate token store (end) -->\n";
                write(file, text, insertIntoGlobalResources(doc, text, resource), resource, dryRun);
            }
            case "harden" -> {
                List<String> changes = new ArrayList<>();
                String result = harden(text, changes);
                if (changes.isEmpty()) {
                    System.out.println("server.xml already has Tomcat's hardening: left as it is");
                    System.exit(ALREADY);
                }
                if (dryRun) {
                    System.out.println("--- would change " + file + ":");
                    changes.forEach(System.out::println);
                } else {
                    write(file, text, result, "", false);
                    changes.forEach(System.out::println);
                }
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

    // ---------------------------------------------------------------------------------- harden

    /** TLS versions ScopeGate's HTTPS connectors offer. */
    static final String TLS_PROTOCOLS = "TLSv1.2+TLSv1.3";

    /** Forward-secret AEAD suites (Mozilla's "intermediate" list), in JSSE names. */
    static final String TLS_CIPHERS = "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256,"
            + "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
            + "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,"
            + "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";

    private static final String ERROR_REPORT_VALVE = "org.apache.catalina.valves.ErrorReportValve";
    private static final String ACCESS_LOG_VALVE = "org.apache.catalina.valves.AccessLogValve";
    private static final String REQUEST_LINE = "%m %U %H";

    /** A start tag, an end tag, or something to skip (a comment, CDATA); attribute values may hold {@code >}. */
    private static final Pattern TOKEN = Pattern.compile("<!--.*?-->|<!\\[CDATA\\[.*?\\]\\]>"
            + "|<(/?)([A-Za-z][\\w.:-]*)((?:\\s+[\\w.:-]+\\s*=\\s*(?:\"[^\"]*\"|'[^']*'))*)\\s*(/?)>",
            Pattern.DOTALL);

    private static final Pattern ATTRIBUTE = Pattern.compile("([\\w.:-]+)\\s*=\\s*(\"[^\"]*\"|'[^']*')");

    /** One edit of the text: replace [start, end) by text. */
    private record Edit(int start, int end, String text) {
    }

    /**
     * @param text    server.xml
     * @param changes receives one line per change
     * @return the hardened text (the same text when nothing was missing)
     */
    static String harden(String text, List<String> changes) {
        List<Edit> edits = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        int hostStart = -1;
        String hostName = null;
        String hostIndent = "";
        boolean hostHasErrorValve = false;
        while (m.find()) {
            if (m.group(2) == null) {
                continue; // a comment or CDATA
            }
            boolean end = !m.group(1).isEmpty();
            boolean empty = !m.group(4).isEmpty();
            String tag = m.group(2);
            Map<String, String> attrs = attributes(m.group(3));
            if (tag.equals("Host") && !end) {
                hostName = attrs.getOrDefault("name", "?");
                hostIndent = indentOf(text, m.start());
                hostHasErrorValve = false;
                hostStart = m.start();
                if (empty) {
                    // <Host .../>: give it a body holding the valve
                    String open = text.substring(m.start(), m.end()).replaceFirst("\\s*/>$", ">");
                    edits.add(new Edit(m.start(), m.end(), open + "\n" + hostIndent + "  " + errorReportValve()
                            + "\n" + hostIndent + "</Host>"));
                    changes.add("+ Host [" + hostName + "]: " + errorReportValve());
                    hostStart = -1;
                }
            } else if (tag.equals("Host") && end && hostStart >= 0) {
                if (!hostHasErrorValve) {
                    int lineStart = text.lastIndexOf('\n', m.start()) + 1;
                    boolean ownLine = text.substring(lineStart, m.start()).isBlank();
                    String insert = ownLine ? "  " + errorReportValve() + "\n" + hostIndent
                            : "\n" + hostIndent + "  " + errorReportValve() + "\n" + hostIndent;
                    edits.add(new Edit(m.start(), m.start(), insert));
                    changes.add("+ Host [" + hostName + "]: " + errorReportValve());
                }
                hostStart = -1;
            } else if (tag.equals("Valve") && !end) {
                String className = attrs.getOrDefault("className", "");
                if (className.equals(ERROR_REPORT_VALVE)) {
                    hostHasErrorValve = true;
                    String t = text.substring(m.start(), m.end());
                    String u = setAttribute(setAttribute(t, "showReport", "false"), "showServerInfo", "false");
                    if (!u.equals(t)) {
                        edits.add(new Edit(m.start(), m.end(), u));
                        changes.add("~ Host [" + hostName + "]: ErrorReportValve showReport=\"false\" "
                                + "showServerInfo=\"false\"");
                    }
                } else if (className.equals(ACCESS_LOG_VALVE) && attrs.containsKey("pattern")) {
                    String pattern = unescape(attrs.get("pattern"));
                    String safe = safeAccessLogPattern(pattern);
                    if (!safe.equals(pattern)) {
                        String t = text.substring(m.start(), m.end());
                        edits.add(new Edit(m.start(), m.end(), setAttribute(t, "pattern", safe)));
                        changes.add("~ AccessLogValve pattern=\"" + escape(safe) + "\" (was \"" + escape(pattern)
                                + "\")");
                    }
                } else if (className.endsWith("AccessLogValve") && !className.equals(ACCESS_LOG_VALVE)) {
                    changes.add("! " + className + " left as it is: make sure its pattern logs no query string");
                }
            } else if (tag.equals("SSLHostConfig") && !end) {
                String t = text.substring(m.start(), m.end());
                String u = t;
                if (!onlyModernTls(attrs.get("protocols"))) {
                    u = setAttribute(u, "protocols", TLS_PROTOCOLS);
                    changes.add("~ SSLHostConfig protocols=\"" + TLS_PROTOCOLS + "\" (was "
                            + (attrs.containsKey("protocols") ? "\"" + attrs.get("protocols") + "\""
                                    : "Tomcat's default, TLSv1 and TLSv1.1 included") + ")");
                }
                if (!attrs.containsKey("ciphers")) {
                    u = setAttribute(u, "ciphers", TLS_CIPHERS);
                    changes.add("~ SSLHostConfig ciphers: forward-secret AEAD suites only");
                }
                if (!u.equals(t)) {
                    edits.add(new Edit(m.start(), m.end(), u));
                }
            }
        }
        if (changes.stream().allMatch(c -> c.startsWith("!"))) {
            changes.forEach(System.out::println);
            changes.clear();
            return text;
        }
        StringBuilder sb = new StringBuilder(text);
        edits.sort((a, b) -> Integer.compare(b.start(), a.start()));
        for (Edit e : edits) {
            sb.replace(e.start(), e.end(), e.text());
        }
        return sb.toString();
    }

    private static String errorReportValve() {
        return "<Valve className=\"" + ERROR_REPORT_VALVE + "\" showReport=\"false\" showServerInfo=\"false\" />";
    }

    /** The pattern without the request line's query string ({@code %r}, {@code %q}); aliases written out. */
    static String safeAccessLogPattern(String pattern) {
        String p = switch (pattern.strip()) {
            case "common" -> "%h %l %u %t \"%r\" %s %b";
            case "combined" -> "%h %l %u %t \"%r\" %s %b \"%{Referer}i\" \"%{User-Agent}i\"";
            default -> pattern;
        };
        if (!p.contains("%r") && !p.contains("%q")) {
            return pattern;
        }
        return p.replace("%r", REQUEST_LINE).replace("%q", "").replaceAll(" {2,}", " ").strip();
    }

    private static boolean onlyModernTls(String protocols) {
        if (protocols == null || protocols.isBlank()) {
            return false; // Tomcat's default "all" includes TLSv1 and TLSv1.1
        }
        for (String token : protocols.split("[,+\\s]+")) {
            String t = token.strip();
            if (t.isEmpty() || t.startsWith("-")) {
                continue;
            }
            if (!t.equals("TLSv1.2") && !t.equals("TLSv1.3")) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> attributes(String text) {
        Map<String, String> attrs = new LinkedHashMap<>();
        Matcher a = ATTRIBUTE.matcher(text == null ? "" : text);
        while (a.find()) {
            String v = a.group(2);
            attrs.put(a.group(1), v.substring(1, v.length() - 1));
        }
        return attrs;
    }

    /** Sets an attribute in a start tag: its value replaced when present, else added before the tag's end. */
    private static String setAttribute(String tag, String name, String value) {
        Matcher a = ATTRIBUTE.matcher(tag);
        while (a.find()) {
            if (a.group(1).equals(name)) {
                String v = a.group(2);
                if (unescape(v.substring(1, v.length() - 1)).equals(value)) {
                    return tag;
                }
                return tag.substring(0, a.start(2)) + "\"" + escape(value) + "\"" + tag.substring(a.end(2));
            }
        }
        Matcher end = Pattern.compile("\\s*(/?)>$").matcher(tag);
        if (!end.find()) {
            throw new IllegalStateException("not a start tag: " + tag);
        }
        return tag.substring(0, end.start()) + " " + name + "=\"" + escape(value) + "\"" + tag.substring(end.start());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    private static String indentOf(String text, int position) {
        int lineStart = text.lastIndexOf('\n', position) + 1;
        String before = text.substring(lineStart, position);
        return before.isBlank() ? before : "";
    }

    // ---------------------------------------------------------------------------------- common

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

    /** The first Host's configuration directory under {@code conf/}: {@code ENGINE/HOST}. */
    private static String hostDir(Document doc) {
        NodeList hosts = doc.getElementsByTagName("Host");
        if (hosts.getLength() == 0) {
            throw new IllegalStateException("no <Host> element in server.xml");
        }
        Element host = (Element) hosts.item(0);
        Element engine = (Element) host.getParentNode();
        String engineName = engine.getAttribute("name").isEmpty() ? "Catalina" : engine.getAttribute("name");
        // Tomcat lower-cases a Host's name (StandardHost.setName), and so its directory under conf/
        return engineName + "/" + host.getAttribute("name").toLowerCase(java.util.Locale.ENGLISH);
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
        // One backup per install: several edits of one run name the same file (SERVER_XML_BACKUP), the first keeps
        // the administrator's server.xml in it
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String named = System.getenv("SERVER_XML_BACKUP");
        Path backup = named != null && !named.isBlank() ? Path.of(named) :
                file.resolveSibling(file.getFileName() + ".scopegate-" + stamp + ".bak");
        if (!Files.exists(backup)) {
            Files.copy(file, backup, StandardCopyOption.COPY_ATTRIBUTES);
        }
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
