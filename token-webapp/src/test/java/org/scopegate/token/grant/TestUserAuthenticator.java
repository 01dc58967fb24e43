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
package org.scopegate.token.grant;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;

/**
 * The lockout as an attacker meets it: bursts of concurrent password checks for one user, through the password grant
 * and the sign-in of the pages, which share one count. The hash is slow enough here (Argon2id at 8 MiB, 3 passes)
 * that a burst is still in flight when the next requests arrive, as on a real server.
 */
public class TestUserAuthenticator {

    private static final int THRESHOLD = 5;
    private static final long DURATION_SECONDS = 300;
    private static final String PASSWORD = "Quartz-Lantern-8817";

    private static EmbeddedTokenServer server;
    private static String basic;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("user-authenticator"))
                .with("lockoutThreshold", String.valueOf(THRESHOLD))
                .with("lockoutDuration", String.valueOf(DURATION_SECONDS))
                .with("argon2MemoryKiB", "8192").with("argon2Iterations", "3")
                // This test is about the lockout, not the hash queue: let every check wait its turn.
                .with("passwordHashQueue", "1000").with("passwordHashWait", "120000");
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        String[] client = server.createClient(false, "password");
        basic = EmbeddedTokenServer.basic(client[0], client[1]);
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    public void authenticateWhenBurstOfSixtyWithRightPasswordAtTenAndThirtyThenAllRefusedAndAtMostThresholdHashed()
            throws Exception {
        // PREPARE: nine wrong guesses start together; once answered, the other 51 together, the right password at 10 and 30
        server.createUser("burst60", PASSWORD);
        long verificationsBefore = verifications();
        List<String> passwords = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            passwords.add(i == 10 || i == 30 ? PASSWORD : "wrong guess " + i);
        }

        // TEST
        List<HttpResponse<String>> answers = burst(passwords, 9, "burst60");

        // VERIFY
        for (int i = 0; i < answers.size(); i++) {
            assertInvalidGrant(answers.get(i), "request " + (i + 1));
        }
        long checked = verifications() - verificationsBefore;
        Assertions.assertTrue(checked >= 1 && checked <= THRESHOLD,
                checked + " password checks reached the stored hash; at most " + THRESHOLD + " may");
        assertInvalidGrant(grant("burst60", PASSWORD), "the right password while locked");
    }

    @Test
    public void authenticateWhenBurstOfHundredWrongThenLockedForTheFirstPeriodOnly() throws Exception {
        // PREPARE
        server.createUser("burst100", PASSWORD);
        List<String> passwords = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            passwords.add("wrong guess " + i);
        }
        long before = System.currentTimeMillis();

        // TEST
        burst(passwords, passwords.size(), "burst100");

        // VERIFY: one lock of lockoutDuration, not one lock per five failures in flight, each doubled
        JsonNode user = EmbeddedTokenServer.json(server.admin("GET", "/users/burst100", null));
        Assertions.assertTrue(user.get("locked_until").isNumber(), user.toString());
        long lockedUntil = user.get("locked_until").asLong();
        long after = System.currentTimeMillis();
        Assertions.assertTrue(lockedUntil >= before + DURATION_SECONDS * 1000
                && lockedUntil <= after + DURATION_SECONDS * 1000, "locked for "
                        + (lockedUntil - after) / 1000 + " s after a burst; the first lock lasts " + DURATION_SECONDS);
        Assertions.assertEquals(1, user.get("lock_count").asInt(), user.toString());
    }

    @Test
    public void authenticateWhenLockedByGrantsThenSignInOfThePagesRefusedToo() {
        // PREPARE
        server.createUser("shared1", PASSWORD);
        for (int i = 0; i < THRESHOLD; i++) {
            assertInvalidGrant(grant("shared1", "wrong " + i), "failure " + i);
        }

        // TEST
        HttpResponse<String> signIn = signIn("shared1", PASSWORD);

        // VERIFY
        Assertions.assertEquals(401, signIn.statusCode(), signIn.body());
        Assertions.assertEquals(204, server.admin("POST", "/users/shared1/unlock", null).statusCode());
        Assertions.assertEquals(200, signIn("shared1", PASSWORD).statusCode());
    }

    @Test
    public void authenticateWhenFailuresSplitOverPagesAndGrantsThenOneCount() {
        // PREPARE: three failures at the pages, two at the token endpoint
        server.createUser("shared2", PASSWORD);
        for (int i = 0; i < 3; i++) {
            Assertions.assertEquals(401, signIn("shared2", "wrong " + i).statusCode());
        }
        for (int i = 0; i < 2; i++) {
            assertInvalidGrant(grant("shared2", "wrong grant " + i), "failure " + i);
        }

        // TEST
        HttpResponse<String> right = grant("shared2", PASSWORD);

        // VERIFY
        assertInvalidGrant(right, "the right password after five failures in all");
        Assertions.assertTrue(EmbeddedTokenServer.json(server.admin("GET", "/users/shared2", null))
                .get("locked_until").isNumber());
    }

    @Test
    public void authenticateWhenGoodLoginBeforeThresholdThenCountStartsAgain() {
        // PREPARE
        server.createUser("reset1", PASSWORD);
        for (int i = 0; i < THRESHOLD - 1; i++) {
            assertInvalidGrant(grant("reset1", "wrong " + i), "failure " + i);
        }
        Assertions.assertEquals(200, grant("reset1", PASSWORD).statusCode());

        // TEST
        for (int i = 0; i < THRESHOLD - 1; i++) {
            assertInvalidGrant(grant("reset1", "wrong again " + i), "failure " + i);
        }
        HttpResponse<String> right = grant("reset1", PASSWORD);

        // VERIFY
        Assertions.assertEquals(200, right.statusCode(), right.body());
    }

    private static List<HttpResponse<String>> burst(List<String> passwords, int firstWave, String username)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(passwords.size());
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < passwords.size(); i++) {
                String password = passwords.get(i);
                CountDownLatch start = i < firstWave ? first : second;
                futures.add(pool.submit(() -> {
                    start.await();
                    return grant(username, password);
                }));
            }
            // The second wave starts once the first one is answered: its passwords arrive after the threshold
            // whatever the speed of the machine (a right password arriving before it may rightly succeed).
            first.countDown();
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                if (i == firstWave) {
                    second.countDown();
                }
                answers.add(futures.get(i).get(120, TimeUnit.SECONDS));
            }
            second.countDown();
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static HttpResponse<String> grant(String username, String password) {
        return server.postForm("", basic, "grant_type=password&username=" + username + "&password="
                + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> signIn(String username, String password) {
        return server.send("/api/session", "POST", null, "application/json",
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    }

    private static long verifications() {
        return EmbeddedTokenServer.json(server.admin("GET", "/password-hash", null)).get("verifications").asLong();
    }

    private static void assertInvalidGrant(HttpResponse<String> response, String what) {
        Assertions.assertEquals(400, response.statusCode(), what + ": " + response.body());
        Assertions.assertEquals("invalid_grant", EmbeddedTokenServer.json(response).get("error").asText(), what);
    }
}
