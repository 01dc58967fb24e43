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

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.scopegate.testsupport.TestDatabase;
import org.scopegate.token.EmbeddedTokenServer;
import org.scopegate.token.KeyManagers;

/**
 * The lockout across two key managers on one PostgreSQL database: a burst split between them gets no more checks
 * than one server would allow, and locks the account once.
 */
@EnabledIfSystemProperty(named = TestDatabase.ENGINE_PROPERTY, matches = TestDatabase.POSTGRES)
public class TestLockoutOnSeveralKeyManagers {

    private static final int THRESHOLD = 5;
    private static final long DURATION_SECONDS = 300;
    private static final String PASSWORD = "Quartz-Lantern-8817";

    private static KeyManagers kms;
    private static String basic;

    @BeforeAll
    static void start() throws Exception {
        kms = KeyManagers.start(2, "lockout", server -> server
                .with("lockoutThreshold", String.valueOf(THRESHOLD))
                .with("lockoutDuration", String.valueOf(DURATION_SECONDS))
                .with("argon2MemoryKiB", "8192").with("argon2Iterations", "3")
                .with("passwordHashQueue", "1000").with("passwordHashWait", "120000"));
        String[] client = kms.get(0).createClient(false, "password");
        basic = EmbeddedTokenServer.basic(client[0], client[1]);
    }

    @AfterAll
    static void stop() {
        if (kms != null) {
            kms.close();
        }
    }

    @Test
    public void authenticateWhenBurstSplitOverTwoKeyManagersThenAtMostThresholdHashedAndRightPasswordRefused()
            throws Exception {
        // PREPARE
        kms.get(0).createUser("split60", PASSWORD);
        long before = verifications();
        List<String> passwords = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            passwords.add(i == 10 || i == 30 ? PASSWORD : "wrong guess " + i);
        }

        // TEST
        List<HttpResponse<String>> answers = burst(passwords, 9, "split60");

        // VERIFY
        for (int i = 0; i < answers.size(); i++) {
            Assertions.assertEquals(400, answers.get(i).statusCode(), "request " + (i + 1) + ": "
                    + answers.get(i).body());
        }
        long checked = verifications() - before;
        Assertions.assertTrue(checked >= 1 && checked <= THRESHOLD,
                checked + " checks reached the stored hash on two key managers; at most " + THRESHOLD + " may");
    }

    @Test
    public void authenticateWhenBurstOfHundredOverTwoKeyManagersThenLockedOnceForTheFirstPeriod()
            throws Exception {
        // PREPARE
        kms.get(0).createUser("split100", PASSWORD);
        List<String> passwords = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            passwords.add("wrong guess " + i);
        }
        long before = System.currentTimeMillis();

        // TEST
        burst(passwords, passwords.size(), "split100");

        // VERIFY
        JsonNode user = EmbeddedTokenServer.json(kms.get(1).admin("GET", "/users/split100", null));
        long after = System.currentTimeMillis();
        long lockedUntil = user.get("locked_until").asLong();
        Assertions.assertTrue(lockedUntil >= before + DURATION_SECONDS * 1000
                && lockedUntil <= after + DURATION_SECONDS * 1000, user.toString());
        Assertions.assertEquals(1, user.get("lock_count").asInt(), user.toString());
    }

    /** Odd requests to the first key manager, even ones to the second. */
    private static List<HttpResponse<String>> burst(List<String> passwords, int firstWave, String username)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(passwords.size());
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < passwords.size(); i++) {
                EmbeddedTokenServer server = kms.get(i % 2);
                String body = "grant_type=password&username=" + username + "&password="
                        + URLEncoder.encode(passwords.get(i), StandardCharsets.UTF_8);
                CountDownLatch start = i < firstWave ? first : second;
                futures.add(pool.submit(() -> {
                    start.await();
                    return server.postForm("", basic, body);
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

    private static long verifications() {
        long total = 0;
        for (int i = 0; i < kms.size(); i++) {
            total += EmbeddedTokenServer.json(kms.get(i).admin("GET", "/password-hash", null)).get("verifications")
                    .asLong();
        }
        return total;
    }
}
