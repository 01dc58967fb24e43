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

import java.net.http.HttpResponse;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.scopegate.testsupport.TestDatabase;
import org.scopegate.token.EmbeddedTokenServer;
import org.scopegate.token.KeyManagers;
import org.scopegate.token.SessionClient;

/**
 * Users across two key managers on one PostgreSQL database: a change made on one ends the sessions held on the
 * other, and a user name and a client id racing for one name on the two servers cannot both win.
 */
@EnabledIfSystemProperty(named = TestDatabase.ENGINE_PROPERTY, matches = TestDatabase.POSTGRES)
public class TestUserAdministrationOnSeveralKeyManagers {

    private static final String PASSWORD = "Granite-Heron-7741";

    private static KeyManagers kms;

    @BeforeAll
    static void start() throws Exception {
        kms = KeyManagers.start(2, "users");
    }

    @AfterAll
    static void stop() {
        if (kms != null) {
            kms.close();
        }
    }

    @Test
    public void patchUserWhenNewPasswordOnOneKeyManagerThenSessionOnTheOtherEnds() {
        // PREPARE
        kms.get(0).createUser("nora", PASSWORD);
        SessionClient onFirst = new SessionClient(kms.get(0)).signedIn("nora", PASSWORD);
        Assertions.assertEquals(200, onFirst.call("GET", "/api/applications", null).statusCode());

        // TEST
        Assertions.assertEquals(200, kms.get(1).admin("PATCH", "/users/nora",
                "{\"password\":\"Ivory-Compass-1862\"}").statusCode());

        // VERIFY
        Assertions.assertEquals(401, onFirst.call("GET", "/api/applications", null).statusCode());
    }

    @Test
    public void createWhenUserAndClientRaceForOneNameOnTwoKeyManagersThenExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                // PREPARE
                String name = "contested-" + round;
                CyclicBarrier together = new CyclicBarrier(2);

                // TEST
                Future<HttpResponse<String>> user = pool.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    return kms.get(0).admin("POST", "/users", "{\"username\":\"" + name + "\",\"password\":\""
                            + PASSWORD + "\"}");
                });
                Future<HttpResponse<String>> client = pool.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    return kms.get(1).admin("POST", "/clients", "{\"name\":\"svc\",\"client_id\":\""
                            + name.toUpperCase(java.util.Locale.ROOT) + "\",\"grant_types\":[\"client_credentials\"]}");
                });

                // VERIFY
                int userStatus = user.get(60, TimeUnit.SECONDS).statusCode();
                int clientStatus = client.get(60, TimeUnit.SECONDS).statusCode();
                Assertions.assertTrue((userStatus == 201 && clientStatus == 409)
                        || (userStatus == 409 && clientStatus == 201),
                        "round " + round + ": user " + userStatus + ", client " + clientStatus);
                Assertions.assertEquals(userStatus == 201 ? 200 : 404,
                        kms.get(1).admin("GET", "/users/" + name, null).statusCode());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void signupWhenSameNameOnTwoKeyManagersAtOnceThenOneAccount() throws Exception {
        // PREPARE
        kms.get(0).setSignup(true);
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // TEST
            Future<HttpResponse<String>> first = pool.submit(() -> {
                together.await(30, TimeUnit.SECONDS);
                return kms.get(0).signup("twin", PASSWORD);
            });
            Future<HttpResponse<String>> second = pool.submit(() -> {
                together.await(30, TimeUnit.SECONDS);
                return kms.get(1).signup("TWIN", PASSWORD);
            });

            // VERIFY
            int a = first.get(60, TimeUnit.SECONDS).statusCode();
            int b = second.get(60, TimeUnit.SECONDS).statusCode();
            Assertions.assertTrue((a == 201 && b == 409) || (a == 409 && b == 201), a + " and " + b);
        } finally {
            pool.shutdownNow();
            kms.get(0).setSignup(false);
        }
        long twins = EmbeddedTokenServer.json(kms.get(0).admin("GET", "/users", null)).findValues("username").stream()
                .filter(n -> n.asText().equalsIgnoreCase("twin")).count();
        Assertions.assertEquals(1, twins);
    }
}
