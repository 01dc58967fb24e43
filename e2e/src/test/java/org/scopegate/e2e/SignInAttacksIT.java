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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an attacker tries against the sign-in of the real Tomcat 11 distribution laid out by {@code scripts/demo}
 * (the {@link SharedTomcat11}, default Argon2id cost, default lockout): a burst of guesses for one account, with the
 * right password inside it, and a flood of sign-ins while another webapp of the same Tomcat must keep answering.
 */
@ExtendWith(SharedTomcat11.class)
class SignInAttacksIT {

    private static final String PASSWORD = "Cinder-Walrus-" + ThreadLocalRandom.current().nextInt(100000, 999999);
    private static final int THRESHOLD = 5;

    private static DemoServer server;
    private static Http http;
    private static Grants grants;
    private static String adminBasic;

    @BeforeAll
    static void start() throws Exception {
        server = SharedTomcat11.server();
        http = new Http(server);
        grants = new Grants(server, http);
        adminBasic = Http.basic("admin", Files.readString(Path.of(server.get("ADMIN_SECRET_FILE")),
                StandardCharsets.UTF_8).trim());
    }

    @Test
    void burstWithTheRightPasswordInsideIsRefusedWholeAndLocksOnceUntilTokenctlUnlocks() throws Exception {
        // PREPARE: a new account; nine guesses together, then, once they are answered, 21 more together with the
        // right password at 10 and 20
        String user = "burst" + ThreadLocalRandom.current().nextInt(10000, 99999);
        DemoServer.Result add = server.runWithInput(60, PASSWORD + "\n", "scripts/tokenctl", "user", "add", user,
                "--password", "-", "--roles", "reader");
        assertEquals(0, add.exit(), add.output());
        long verificationsBefore = hashStatistics().path("verifications").asLong();
        long start = System.currentTimeMillis();
        List<String> passwords = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            passwords.add(i == 10 || i == 20 ? PASSWORD : "guess-" + i + "-" + user);
        }

        // TEST
        List<Http.Response> answers = burst(user, passwords, 9);

        // VERIFY: every answer the same invalid_grant, or (a refused check costs a dummy hash, so that a lock cannot
        // be told from a wrong password by its time) the busy answer of a full hash queue; never a token; at most
        // lockoutThreshold checks reached the stored hash
        for (int i = 0; i < answers.size(); i++) {
            Http.Response answer = answers.get(i);
            if (answer.status() == 503) {
                assertEquals("temporarily_unavailable", answer.json().path("error").asText(), "request " + (i + 1));
                assertNotNull(answer.header("Retry-After"), "request " + (i + 1) + ": " + answer);
                continue;
            }
            assertEquals(400, answer.status(), "request " + (i + 1) + ": " + answer);
            assertEquals("invalid_grant", answer.json().path("error").asText(), "request " + (i + 1));
        }
        long checked = hashStatistics().path("verifications").asLong() - verificationsBefore;
        assertTrue(checked >= 1 && checked <= THRESHOLD, checked + " checks reached the stored hash");
        // one lock, of the first period (300 s), not one per five failures in flight
        JsonNode account = http.request("GET", server.get("ADMIN_URL") + "/users/" + user, "Authorization",
                adminBasic).json();
        long lockedUntil = account.path("locked_until").asLong();
        assertEquals(1, account.path("lock_count").asInt(), account.toString());
        assertTrue(lockedUntil >= start + 300_000 && lockedUntil <= System.currentTimeMillis() + 300_000,
                account.toString());
        // the pages' sign-in shares the lock
        Http.Response signIn = signIn(user, PASSWORD);
        assertEquals(401, signIn.status(), signIn.toString());
        // the administrator lets the user in again
        DemoServer.Result unlock = server.run(60, "scripts/tokenctl", "user", "unlock", user);
        assertEquals(0, unlock.exit(), unlock.output());
        assertEquals("read", grants.password(user, PASSWORD, "read").path("scope").asText());
    }

    @Test
    void floodOfFiveHundredSignInsLeavesAnotherWebappAnsweringWithinOneSecond() throws Exception {
        // PREPARE: the probe's keep-alive connection to /orders/health is open before the flood
        HttpClient probe = HttpClient.newBuilder().sslContext(http.ssl()).connectTimeout(Duration.ofSeconds(10))
                .build();
        for (int i = 0; i < 10; i++) {
            timeHealth(probe);
        }
        HttpClient flood = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60)).build();
        String tokenUrl = server.get("HTTP_BASE") + "/token";
        long refusedBefore = hashStatistics().path("refused").asLong();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<Long> probes = new ArrayList<>();

        // TEST: 500 password grants at once (unknown users: each costs a hash), over the plain-HTTP connector
        for (int i = 0; i < 500; i++) {
            answers.add(flood.sendAsync(HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(Duration.ofSeconds(120))
                    .header("Authorization", grants.basic())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=flood" + i
                            + "&password=guess-" + i))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0]));
        all.whenComplete((v, e) -> flooding.set(false));
        while (flooding.get() && probes.size() < 200) {
            probes.add(Long.valueOf(timeHealth(probe)));
            Thread.sleep(50);
        }
        all.get(180, TimeUnit.SECONDS);

        // VERIFY
        System.out.printf("[e2e] /orders/health during a flood of 500 sign-ins: %d probes, ms %s%n",
                Integer.valueOf(probes.size()), probes);
        assertFalse(probes.isEmpty(), "the flood ended before the first probe");
        long worst = probes.stream().mapToLong(Long::longValue).max().getAsLong();
        assertTrue(worst < 1000, "/orders/health took " + worst + " ms during the flood");
        int busy = 0;
        for (CompletableFuture<HttpResponse<String>> f : answers) {
            HttpResponse<String> answer = f.get();
            if (answer.statusCode() == 503) {
                busy++;
                assertEquals("temporarily_unavailable", Http.json(answer.body()).path("error").asText());
                assertTrue(answer.headers().firstValue("Retry-After").isPresent(), answer.toString());
            } else {
                assertEquals(400, answer.statusCode(), answer.body());
            }
        }
        assertTrue(busy > 0, "no sign-in was refused: the hash queue is not bounded");
        assertTrue(hashStatistics().path("refused").asLong() - refusedBefore >= busy);
    }

    /**
     * The first wave together; once each of its requests is answered (the account is then locked: the guesses that
     * reached the hash have all failed), the second wave together. Ordered by answers, not by a pause, so that a slow
     * machine cannot let the right password overtake the first wave.
     */
    private static List<Http.Response> burst(String user, List<String> passwords, int firstWave) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(passwords.size());
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        List<Future<Http.Response>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < passwords.size(); i++) {
                String body = "grant_type=password&username=" + Http.form(user) + "&password="
                        + Http.form(passwords.get(i));
                CountDownLatch start = i < firstWave ? first : second;
                futures.add(pool.submit(() -> {
                    start.await();
                    return http.postForm(server.get("TOKEN_URL"), grants.basic(), body);
                }));
            }
            first.countDown();
            List<Http.Response> answers = new ArrayList<>();
            for (Future<Http.Response> f : futures.subList(0, firstWave)) {
                answers.add(f.get(120, TimeUnit.SECONDS));
            }
            second.countDown();
            for (Future<Http.Response> f : futures.subList(firstWave, futures.size())) {
                answers.add(f.get(120, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Http.Response signIn(String user, String password) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(http.ssl()).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.get("HTTPS_BASE")
                + "/token/api/session")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + password
                        + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return new Http.Response(r.statusCode(), r, r.body());
    }

    private static JsonNode hashStatistics() throws Exception {
        return http.request("GET", server.get("ADMIN_URL") + "/password-hash", "Authorization", adminBasic).json();
    }

    private static long timeHealth(HttpClient probe) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = probe.send(HttpRequest.newBuilder(URI.create(server.get("HEALTH_URL")))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(200, r.statusCode(), r.body());
        return millis;
    }
}
