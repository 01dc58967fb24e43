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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.Poll;

/**
 * Issue 9.5 on real servers: two key managers (Tomcat 11, {@code DEMO_STORE=postgres}, the second joining the
 * first's PostgreSQL; port offsets 11600 and 11700) and a gateway Tomcat that knows both (offset 11800). Under load
 * through the gateway, with fresh tokens (every one introspected) as well as cached ones, the first key manager is
 * killed with {@code kill -9}: no request through the gateway fails, every token answered 200 before the kill still
 * works, a revocation at the surviving key manager is refused at the gateway at once; with both key managers gone
 * the gateway answers 503 with {@code Retry-After}, never a pass.
 */
class SeveralKeyManagersIT {

    private static final int WORKERS = 4;
    private static final long LOAD_BEFORE_KILL_MS = 4000;
    private static final long LOAD_AFTER_KILL_MS = 8000;
    private static final int FRESH_TOKENS = 700;

    private static DemoServer km1;
    private static DemoServer km2;
    private static DemoServer gateway;
    private static Http km1Http;
    private static Http km2Http;
    private static Http gwHttp;
    private static Grants grants1;
    private static Grants grants2;

    @BeforeAll
    static void start() throws Exception {
        km1 = DemoServer.startAll("ha-km1", DemoServer.tomcat11(), 11600, Map.of("DEMO_STORE", "postgres"));
        km2 = DemoServer.startAll("ha-km2", DemoServer.tomcat11(), 11700, Map.of("DEMO_STORE", "postgres",
                "DEMO_JDBC_URL", km1.get("JDBC_URL"), "DEMO_JDBC_USER", km1.get("JDBC_USER"),
                "DEMO_JDBC_PASSWORD", km1.get("JDBC_PASSWORD")));
        gateway = DemoServer.startGateway("ha-gateway", DemoServer.tomcat11(), 11800, List.of(km1, km2));
        km1Http = new Http(km1);
        km2Http = new Http(km2);
        gwHttp = new Http(gateway);
        grants1 = new Grants(km1, km1Http);
        grants2 = new Grants(km2, km2Http);
    }

    @AfterAll
    static void stop() {
        for (DemoServer s : new DemoServer[] { gateway, km2, km1 }) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void killOneKeyManagerUnderLoadThenNoRequestFailsAndRevocationStillHolds() throws Exception {
        String url = gateway.get("PROTECTED_URL");
        assertEquals(2, gateway.get("KEY_MANAGER_URL").split(" ").length);

        // PREPARE: tokens from both key managers (the same store); a few used often (cached at the gateway), many
        // used once each (introspected at a key manager every time)
        List<String> cached = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String token = (i % 2 == 0 ? grants1 : grants2).password("read").path("access_token").asText();
            assertEquals(200, gwHttp.get(url, token).status());
            cached.add(token);
        }
        ConcurrentLinkedQueue<String> fresh = new ConcurrentLinkedQueue<>(freshTokens(FRESH_TOKENS));

        // TEST: load, then kill -9 the first key manager, then more load
        AtomicBoolean killed = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger freshAfterKill = new AtomicInteger();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Set<String> admittedBeforeKill = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            workers.add(pool.submit(() -> {
                while (running.get()) {
                    String token = ThreadLocalRandom.current().nextBoolean() ? fresh.poll() : null;
                    boolean isFresh = token != null;
                    if (token == null) {
                        token = cached.get(ThreadLocalRandom.current().nextInt(cached.size()));
                    }
                    boolean afterKill = killed.get();
                    Http.Response r = gwHttp.get(url, token);
                    requests.incrementAndGet();
                    if (r.status() != 200) {
                        failures.add((afterKill ? "after" : "before") + " the kill: " + r.status() + " " + r.body());
                    } else if (!afterKill) {
                        admittedBeforeKill.add(token);
                    } else if (isFresh) {
                        freshAfterKill.incrementAndGet();
                    }
                    Thread.sleep(20);
                }
                return null;
            }));
        }
        Thread.sleep(LOAD_BEFORE_KILL_MS);
        long pid = km1.kill9();
        killed.set(true);
        System.out.printf("[e2e] key manager 1 (pid %d) killed with SIGKILL under load%n", Long.valueOf(pid));
        Thread.sleep(LOAD_AFTER_KILL_MS);
        running.set(false);
        for (Future<?> f : workers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        // VERIFY: the loss of a key manager cost no request, and introspection really went on after it
        System.out.printf("[e2e] %d requests through the gateway, %d failed, %d fresh tokens introspected after the "
                + "kill%n", Integer.valueOf(requests.get()), Integer.valueOf(failures.size()),
                Integer.valueOf(freshAfterKill.get()));
        assertEquals(List.of(), failures, "requests through the gateway that failed");
        assertTrue(freshAfterKill.get() >= 50, "too few fresh tokens after the kill: " + freshAfterKill.get());

        // VERIFY: every token answered 200 before the kill still works
        int stillValid = 0;
        for (String token : admittedBeforeKill) {
            Http.Response r = gwHttp.get(url, token);
            assertEquals(200, r.status(), r::toString);
            stillValid++;
        }
        System.out.printf("[e2e] %d tokens answered 200 before the kill, all still 200%n",
                Integer.valueOf(stillValid));

        // VERIFY: a revocation at the surviving key manager is refused at the gateway at once
        String token = cached.get(0);
        assertEquals(200, gwHttp.get(url, token).status());
        assertEquals(200, grants2.revoke(token).status());
        long t0 = System.nanoTime();
        Http.Response refused = gwHttp.get(url, token);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("[e2e] revocation at the surviving key manager: the gateway's next request %d (%d ms)%n",
                Integer.valueOf(refused.status()), Long.valueOf(ms));
        AbstractValveIT.assertInvalidToken(refused);

        // VERIFY: with no key manager left, 503 with Retry-After, never a pass
        km2.kill9();
        Http.Response r = Poll.within("the gateway refuses once no key manager is left", Duration.ofSeconds(3),
                () -> gwHttp.get(url, cached.get(1)), answer -> answer.status() != 200).value();
        assertEquals(503, r.status(), r::toString);
        assertNotNull(r.header("Retry-After"), r::toString);
        String next = fresh.poll();
        Http.Response uncached = gwHttp.get(url, next != null ? next : cached.get(2));
        assertEquals(503, uncached.status(), uncached::toString);
        assertNotNull(uncached.header("Retry-After"), uncached::toString);
    }

    /** Access tokens, half from each key manager, by refresh grants (no password hash each). */
    private static List<String> freshTokens(int count) throws Exception {
        List<String> tokens = new ArrayList<>();
        String refresh1 = grants1.password("read").path("refresh_token").asText();
        String refresh2 = grants2.password("read").path("refresh_token").asText();
        for (int i = 0; i < count; i++) {
            JsonNode answer;
            if (i % 2 == 0) {
                answer = grants1.refresh(refresh1);
                refresh1 = answer.path("refresh_token").asText();
            } else {
                answer = grants2.refresh(refresh2);
                refresh2 = answer.path("refresh_token").asText();
            }
            tokens.add(answer.path("access_token").asText());
        }
        return tokens;
    }
}
