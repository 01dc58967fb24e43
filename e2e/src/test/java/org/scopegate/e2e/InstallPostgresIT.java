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
package org.scopegate.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.PostgresCluster;

/**
 * The README's PostgreSQL install, as an administrator follows it: on a PostgreSQL server (a throwaway cluster on a
 * free port), the role and its database created with the documented SQL; then {@code scripts/install --no-valve
 * --jdbc-url … --jdbc-user … --jdbc-password-file -} into a stock Tomcat 10.1 (ports 11590 and 11515), and
 * {@code catalina.sh start}. Shows: the driver jar in {@code $CATALINA_HOME/lib}, the global DataSource in
 * {@code server.xml} with the password only in {@code catalina.properties} (owner-only), the schema created by the
 * webapp in that database and owned by that role, no Derby database made, and tokens issued, introspected and
 * revoked with their rows in PostgreSQL; the password in no log and no output. The role's password holds what a
 * properties file read as ISO-8859-1 would change (a leading space, a backslash, {@code # : = !}, Latin-1, other
 * Unicode and a character beyond the BMP) and reaches PostgreSQL unchanged; a password with {@code ${} (which Tomcat
 * would replace when it reads server.xml) is refused before anything changes.
 */
class InstallPostgresIT {

    private static final int HTTP_PORT = 11590;
    private static final int SHUTDOWN_PORT = 11515;
    private static final String BASE_URL = "http://127.0.0.1:" + HTTP_PORT;
    private static final String TOKEN_URL = BASE_URL + "/token";
    private static final String METADATA_URL = BASE_URL + "/token/.well-known/oauth-authorization-server";
    private static final String ROLE = "token_service";
    private static final String DATABASE = "scopegate";
    /** In the password only: it must appear in no log and no output. */
    private static final String MARKER = "pw-" + Long.toHexString(System.nanoTime());
    /** Characters a properties file (ISO-8859-1, {@code \\uXXXX}) and an XML attribute treat specially. */
    private static final String PASSWORD = " P\u00e4ssw\u00f6rd-\u20ac-\u5bc6\u7801 \\ #1: x=y! & <" + MARKER
            + "\ud834\udd1e";

    private static PostgresCluster cluster;
    private static InstalledTomcat tomcat;
    private static Path home;

    @BeforeAll
    static void prepare() throws Exception {
        tomcat = InstalledTomcat.unpack("install-postgres", HTTP_PORT, SHUTDOWN_PORT);
        home = tomcat.home();
        cluster = PostgresCluster.startNew();
        // docs/operations.md, "The role and the database", as a superuser
        try (Connection c = cluster.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD.replace("'", "''") + "'");
            st.execute("CREATE DATABASE " + DATABASE + " OWNER " + ROLE + " ENCODING 'UTF8'");
        }
    }

    @AfterAll
    static void stop() {
        if (tomcat != null) {
            tomcat.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void installWhenJdbcUrlThenTokenServiceRunsOnThatDatabase() throws Exception {
        // PREPARE
        String url = "jdbc:postgresql://127.0.0.1:" + cluster.port() + "/" + DATABASE;

        // TEST
        DemoServer.Result install = tomcat.install(PASSWORD + "\n", "--no-valve",
                "--jdbc-url", url, "--jdbc-user", ROLE, "--jdbc-password-file", "-", home.toString());

        // VERIFY: what the README says it does
        assertEquals(0, install.exit(), install.output());
        assertFalse(install.output().contains(MARKER), "the password was printed");
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            assertEquals(1, lib.filter(p -> p.getFileName().toString().matches("postgresql-[0-9.]+\\.jar")).count(),
                    "the PostgreSQL driver in $CATALINA_HOME/lib");
        }
        String xml = Files.readString(home.resolve("conf/server.xml"));
        assertTrue(xml.contains("name=\"jdbc/OAuthStore\"") && xml.contains("org.postgresql.Driver")
                && xml.contains("url=\"" + url + "\"") && xml.contains("username=\"" + ROLE + "\"")
                && xml.contains("password=\"${scopegate.store.password}\""), xml);
        Path props = home.resolve("conf/catalina.properties");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(props)));
        Properties catalina = new Properties();
        try (InputStream in = Files.newInputStream(props)) {
            catalina.load(in); // as Tomcat's CatalinaProperties does
        }
        assertEquals(PASSWORD, catalina.getProperty("scopegate.store.password"), "the password as Tomcat reads it");
        String tokenXml = Files.readString(home.resolve("conf/Catalina/localhost/token.xml"));
        assertTrue(tokenXml.contains("global=\"jdbc/OAuthStore\"") && tokenXml.contains("dataSourceName"), tokenXml);

        // TEST: Tomcat started as the README says, then the README's next steps with tokenctl
        tomcat.start(METADATA_URL);
        DemoServer.Result app = tomcat.tokenctl(null, "client", "add", "billing", "--grant-types", "client_credentials",
                "--introspect");
        assertEquals(0, app.exit(), app.output());
        InstalledTomcat.TokenLife life = tomcat.tokenLife(TOKEN_URL, app);
        assertEquals(200, life.grant().status(), life.grant().body());

        // VERIFY: the token service answers from that PostgreSQL database, and nothing went to Derby
        assertTrue(life.active().json().get("active").asBoolean(), life.active().body());
        assertEquals(200, life.revoke().status(), life.revoke().body());
        assertFalse(life.revoked().json().get("active").asBoolean(), life.revoked().body());
        try (Connection c = cluster.connect(DATABASE)) {
            assertEquals(ROLE, single(c, "SELECT tableowner FROM pg_tables WHERE tablename = 'oauth_token'"));
            assertEquals("1", single(c, "SELECT COUNT(*) FROM oauth_client WHERE name = 'billing'"));
            assertEquals("1", single(c, "SELECT COUNT(*) FROM oauth_token"));
            assertEquals("t", single(c, "SELECT bool_and(success) FROM flyway_schema_history"));
        }
        assertFalse(Files.exists(home.resolve("data/scopegate")), "a Derby database was made");
        // the Resource the install wrote lets the token service prepare its statements below Tomcat's pool
        String out = Files.readString(home.resolve("logs/catalina.out"), StandardCharsets.ISO_8859_1);
        assertTrue(out.contains("Token store open"), out);
        assertFalse(out.contains("does not give access to its underlying connections"), out);
        for (Path log : tomcat.logs()) {
            assertFalse(Files.readString(log, StandardCharsets.ISO_8859_1).contains(MARKER), "the password in " + log);
        }
    }

    @Test
    void installWhenPasswordHoldsPropertyReferenceThenRefusedAndNothingChanged() throws Exception {
        // PREPARE: Tomcat 10.1 and 11 replace ${name} in server.xml again after ${scopegate.store.password}
        String url = "jdbc:postgresql://127.0.0.1:" + cluster.port() + "/" + DATABASE;
        byte[] serverXml = Files.readAllBytes(home.resolve("conf/server.xml"));
        byte[] props = Files.readAllBytes(home.resolve("conf/catalina.properties"));

        // TEST
        DemoServer.Result install = tomcat.install("pass-${catalina.base}-" + MARKER + "\n", "--no-valve",
                "--jdbc-url", url, "--jdbc-user", ROLE, "--jdbc-password-file", "-", home.toString());

        // VERIFY
        assertEquals(1, install.exit(), install.output());
        assertTrue(install.output().contains("contains '${', which Tomcat would replace"), install.output());
        assertFalse(install.output().contains(MARKER), "the password was printed");
        assertArrayEquals(serverXml, Files.readAllBytes(home.resolve("conf/server.xml")));
        assertArrayEquals(props, Files.readAllBytes(home.resolve("conf/catalina.properties")));
    }

    private static String single(Connection c, String sql) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
