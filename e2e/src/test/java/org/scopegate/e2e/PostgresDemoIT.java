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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code DEMO_STORE=postgres} as README and docs/operations.md show it: the first key manager (offset 11900) starts a
 * PostgreSQL cluster of its own under its demo directory; a second one (offset 11950) joins that store with exactly
 * {@code DEMO_STORE=postgres DEMO_JDBC_URL=$JDBC_URL DEMO_JDBC_USER=$JDBC_USER DEMO_JDBC_PASSWORD=$JDBC_PASSWORD};
 * its demo.env has the same users, applications and secrets, joining changes nothing in the store, a token of one
 * is refreshed and introspected at the other, and {@code scripts/demo stop} of the first stops PostgreSQL too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresDemoIT {

    /** The seeded values a joining key manager must share with the first. */
    private static final List<String> SHARED = List.of("USERNAME", "PASSWORD", "USERNAME2", "PASSWORD2", "CLIENT_ID",
            "CLIENT_SECRET", "CLIENT_BASIC", "CLIENT2_ID", "CLIENT2_SECRET", "INTROSPECT_CLIENT_ID",
            "INTROSPECT_CLIENT_SECRET", "VALVE_CLIENT_ID", "VALVE_CLIENT_SECRET", "JDBC_URL", "JDBC_USER",
            "JDBC_PASSWORD");

    private static DemoServer km1;
    private static DemoServer km2;
    private static String usersBefore;
    private static String clientsBefore;

    @BeforeAll
    static void start() throws Exception {
        km1 = DemoServer.startAll("pg-km1", DemoServer.tomcat11(), 11900, Map.of("DEMO_STORE", "postgres"));
        usersBefore = tokenctl(km1, "user", "list");
        clientsBefore = tokenctl(km1, "client", "list");
        km2 = DemoServer.startAll("pg-km2", DemoServer.tomcat11(), 11950, Map.of("DEMO_STORE", "postgres",
                "DEMO_JDBC_URL", km1.get("JDBC_URL"), "DEMO_JDBC_USER", km1.get("JDBC_USER"),
                "DEMO_JDBC_PASSWORD", km1.get("JDBC_PASSWORD")));
    }

    @AfterAll
    static void stop() {
        if (km2 != null) {
            km2.close();
        }
        if (km1 != null) {
            km1.close();
        }
    }

    private static String tokenctl(DemoServer server, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "scripts/tokenctl";
        System.arraycopy(args, 0, command, 1, args.length);
        DemoServer.Result r = server.run(60, command);
        assertEquals(0, r.exit(), r.output());
        return r.output();
    }

    @Test
    @Order(1)
    void joiningKeyManagerHasTheSameUsersApplicationsAndSecretsAndChangesNothing() throws Exception {
        // VERIFY: demo.env and the admin secret
        for (String key : SHARED) {
            assertEquals(km1.get(key), km2.get(key), key);
        }
        assertEquals("postgres", km2.get("DEMO_STORE"));
        assertFalse(km2.settings().containsKey("PG_DATA"), "the joining key manager runs no PostgreSQL");
        assertFalse(Files.exists(km2.demoDir().resolve("postgres")), "the joining key manager made no cluster");
        assertEquals(Files.readString(Path.of(km1.get("ADMIN_SECRET_FILE"))),
                Files.readString(Path.of(km2.get("ADMIN_SECRET_FILE"))));
        // the store as the first key manager seeded it, seen through either
        assertEquals(usersBefore, tokenctl(km1, "user", "list"), "joining changed the users");
        assertEquals(clientsBefore, tokenctl(km1, "client", "list"), "joining changed the applications");
        assertEquals(usersBefore, tokenctl(km2, "user", "list"));
        assertEquals(clientsBefore, tokenctl(km2, "client", "list"));
    }

    @Test
    @Order(2)
    void tokenOfOneKeyManagerIsRefreshedAndIntrospectedAtTheOther() throws Exception {
        // PREPARE
        Grants at1 = new Grants(km1, new Http(km1));
        Grants at2 = new Grants(km2, new Http(km2));
        JsonNode issued = at1.password("read");

        // TEST
        JsonNode introspected = at2.introspect(issued.path("access_token").asText());
        JsonNode refreshed = at2.refresh(issued.path("refresh_token").asText());

        // VERIFY
        assertTrue(introspected.path("active").asBoolean(), introspected::toString);
        assertEquals(km1.get("USERNAME"), introspected.path("username").asText(), introspected::toString);
        assertFalse(refreshed.path("access_token").asText().isEmpty(), refreshed::toString);
        assertTrue(at1.introspect(refreshed.path("access_token").asText()).path("active").asBoolean());
    }

    @Test
    @Order(2)
    void printedNextStepsNameTheDemoDirectoryAndAFreePortBlock() {
        // a demo outside target/demo prints the commands that reach it, not the default demo's: its "stop" would
        // otherwise stop the first key manager and its PostgreSQL
        String km2Dir = km2.demoDir().toAbsolutePath().toString();
        assertTrue(km2.startOutput().contains("Stop it:    DEMO_DIR=" + km2Dir + " scripts/demo stop"),
                km2.startOutput());
        assertTrue(km2.startOutput().contains("Administer: DEMO_DIR=" + km2Dir + " scripts/tokenctl"),
                km2.startOutput());
        // the joining command it prints takes the next block of ports after the first key manager's (11900)
        assertTrue(km1.startOutput().contains("DEMO_DIR=target/km2 PORT_OFFSET=12000 DEMO_STORE=postgres"),
                km1.startOutput());
    }

    @Test
    @Order(3)
    void stopOfTheFirstKeyManagerStopsItsPostgreSql() throws Exception {
        // PREPARE: last, the other tests need both key managers
        DemoServer.Result status = km1.run(30, "scripts/demo", "status");
        assertTrue(status.output().contains("PostgreSQL running"), status.output());
        int port = Integer.parseInt(km1.get("PG_PORT"));
        assertTrue(listening(port), "PostgreSQL listens on " + port);

        // TEST
        km2.stop();
        km1.stop();

        // VERIFY
        assertFalse(listening(port), "scripts/demo stop stopped PostgreSQL");
        assertFalse(Files.exists(Path.of(km1.get("PG_DATA"), "postmaster.pid")));
        DemoServer.Result after = km1.run(30, "scripts/demo", "status");
        assertEquals(3, after.exit(), after.output());
        assertTrue(after.output().contains("PostgreSQL not running"), after.output());
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
