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

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;

/**
 * A flood of sign-ins (password grants and sign-ins of the pages, at the default Argon2id cost) must not stall the
 * connector: the wait for a hash is bounded in time and in length, the surplus gets a fast 503 with
 * {@code Retry-After}, and no pooled database connection is held while a login waits or hashes. Meanwhile another
 * webapp on the same Tomcat, and the token service's own database work, answer at once.
 */
public class TestSignInFlood {

    private static final int SIGN_INS = 500;

    private static EmbeddedTokenServer server;
    private static String basic;

    @BeforeAll
    static void start() throws Exception {
        // The token endpoint's rate limits would refuse most of this flood from one address before it reaches the
        // hash queue (TestTokenEndpointRateLimits): here they are off, this test is about the queue
        server = new EmbeddedTokenServer(Files.createTempDirectory("sign-in-flood"))
                .with("argon2MemoryKiB", "19456").with("argon2Iterations", "2")
                .with("grantRateLimitPerAddress", "0").with("grantRateLimitPerClient", "0")
                .withContext("/public", new PublicPage());
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        String[] client = server.createClient(false, "password", "client_credentials");
        basic = EmbeddedTokenServer.basic(client[0], client[1]);
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    public void signInWhenFiveHundredAtOnceThenOtherPagesAnswerWithinOneSecondAndSurplusGetsFast503()
            throws Exception {
        // PREPARE
        HttpClient flood = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://127.0.0.1:" + server.port();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<long[]> probes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // warm: the probe's keep-alive connection is open before the flood fills the listen backlog
            time(probe, base + "/public/health", null, null);
            time(probe, base + "/token", basic, "grant_type=client_credentials");
        }

        // TEST: the flood, half password grants and half sign-ins of the pages, none of them right
        for (int i = 0; i < SIGN_INS; i++) {
            HttpRequest request = i % 2 == 0
                    ? HttpRequest.newBuilder(URI.create(base + "/token")).timeout(Duration.ofSeconds(120))
                            .header("Authorization", basic)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=flood" + i
                                    + "&password=wrong"))
                            .build()
                    : HttpRequest.newBuilder(URI.create(base + "/token/api/session")).timeout(Duration.ofSeconds(120))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"flood" + i
                                    + "\",\"password\":\"wrong\"}"))
                            .build();
            answers.add(flood.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0]));
        all.whenComplete((v, e) -> flooding.set(false));
        while (flooding.get() && probes.size() < 200) {
            probes.add(new long[] { time(probe, base + "/public/health", null, null),
                    time(probe, base + "/token", basic, "grant_type=client_credentials") });
            Thread.sleep(50);
        }
        all.get(180, TimeUnit.SECONDS);

        // VERIFY: the other webapp answered within 1 s throughout; a grant that needs the store (and no hash) got its
        // pooled connection at once, far within the pool's wait of 10 s (every connection held by a waiting login
        // would make it wait, then fail)
        Assertions.assertFalse(probes.isEmpty(), "the flood ended before the first probe");
        long worstPage = probes.stream().mapToLong(p -> p[0]).max().getAsLong();
        long worstStore = probes.stream().mapToLong(p -> p[1]).max().getAsLong();
        StringBuilder seen = new StringBuilder();
        probes.forEach(p -> seen.append(' ').append(p[0]).append('/').append(p[1]));
        System.out.println("[flood] " + probes.size() + " probes, ms page/store:" + seen);
        Assertions.assertTrue(worstPage < 1000, "another webapp took " + worstPage + " ms during the flood");
        Assertions.assertTrue(worstStore < 5000, "a grant needing the store took " + worstStore + " ms");
        int refused = 0;
        int checked = 0;
        for (CompletableFuture<HttpResponse<String>> f : answers) {
            HttpResponse<String> response = f.get();
            JsonNode body = EmbeddedTokenServer.json(response);
            if (response.statusCode() == 503) {
                refused++;
                Assertions.assertEquals("temporarily_unavailable", body.get("error").asText(), response.body());
                int retryAfter = Integer.parseInt(response.headers().firstValue("Retry-After").orElse("0"));
                Assertions.assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
            } else {
                checked++;
                Assertions.assertTrue(response.statusCode() == 400 || response.statusCode() == 401,
                        response.statusCode() + " " + response.body());
            }
        }
        Assertions.assertTrue(refused > 0, "no sign-in was refused: the queue is not bounded");
        Assertions.assertTrue(checked > 0, "no sign-in was checked");
        JsonNode hashes = EmbeddedTokenServer.json(server.admin("GET", "/password-hash", null));
        Assertions.assertTrue(hashes.get("refused").asLong() >= refused, hashes.toString());
    }

    /**
     * Milliseconds of one request, which must answer 200, less the garbage collection pauses of this JVM meanwhile:
     * the test's client and the server share the JVM, and a pause stops both (on a loaded machine a pause of
     * 100 ms can stretch to a second); it is not the connector's doing.
     */
    private static long time(HttpClient client, String url, String authorization, String form)
            throws IOException, InterruptedException {
        long pausedBefore = gcMillis();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (form != null) {
            builder.header("Authorization", authorization)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
        }
        long start = System.nanoTime();
        HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Assertions.assertEquals(200, response.statusCode(), url + ": " + response.body());
        return Math.max(0, millis - (gcMillis() - pausedBefore));
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    /** The other webapp: a public page that needs nothing but a connector thread. */
    private static final class PublicPage extends HttpServlet {

        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().write("ok");
        }
    }
}
