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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.Poll;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Crash safety (Tomcat 11, its own demo directory, port offset 11300): the key manager's JVM is
 * killed with SIGKILL while password grants run concurrently, then started again on the same
 * data. Every token it had answered with is valid: each access token is active at introspection,
 * each refresh token is accepted by a refresh grant.
 */
class CrashRecoveryIT {

    private static final int THREADS = 4;
    private static final int TOKENS_BEFORE_KILL = 24;

    private static DemoServer server;

    @BeforeAll
    static void start() throws Exception {
        server = DemoServer.startAll("crash", DemoServer.tomcat11(), 11300);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void everyAnsweredTokenSurvivesAKill9() throws Exception {
        Http http = new Http(server);
        Grants grants = new Grants(server, http);
        ConcurrentLinkedQueue<String[]> answered = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean killed = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failedAnswers = new ConcurrentLinkedQueue<>();
        AtomicInteger lostBeforeKill = new AtomicInteger();
        AtomicInteger lostAfterKill = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        String[][] users = {{server.get("USERNAME"), server.get("PASSWORD")},
            {server.get("USERNAME2"), server.get("PASSWORD2")}};
        for (int t = 0; t < THREADS; t++) {
            String[] user = users[t % 2];
            pool.execute(() -> {
                while (running.get()) {
                    try {
                        Http.Response r = http.postForm(server.get("TOKEN_URL"), grants.basic(), "grant_type=password"
                                + "&username=" + Http.form(user[0]) + "&password=" + Http.form(user[1])
                                + "&scope=read");
                        if (r.status() == 200) {
                            JsonNode j = r.json();
                            answered.add(new String[] {j.path("access_token").asText(),
                                j.path("refresh_token").asText()});
                        } else {
                            failedAnswers.add(r.toString());
                        }
                    } catch (Exception e) {
                        // no answer: only the kill may cause that (the request in flight, or the server gone)
                        (killed.get() ? lostAfterKill : lostBeforeKill).incrementAndGet();
                        pause();
                    }
                }
            });
        }
        Poll.await(TOKENS_BEFORE_KILL + " grants answered before the kill", Duration.ofSeconds(60),
                () -> Boolean.valueOf(answered.size() >= TOKENS_BEFORE_KILL));
        killed.set(true);
        long pid = server.kill9();
        int atKill = answered.size();
        Thread.sleep(300);
        running.set(false);
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        List<String[]> tokens = new ArrayList<>(answered);
        System.out.printf("[e2e] killed Tomcat (pid %d) with SIGKILL after %d answered grants (%d in all); "
                + "error answers %d, no answer before the kill %d, after it %d%n", Long.valueOf(pid),
                Integer.valueOf(atKill), Integer.valueOf(tokens.size()), Integer.valueOf(failedAnswers.size()),
                Integer.valueOf(lostBeforeKill.get()), Integer.valueOf(lostAfterKill.get()));
        assertTrue(tokens.size() >= TOKENS_BEFORE_KILL, "too few grants before the kill: " + tokens.size());
        // every answer the server gave was a token; the only requests without one are those the kill cut off
        assertEquals(List.of(), new ArrayList<>(failedAnswers), "answers other than 200 under a steady load");
        assertEquals(0, lostBeforeKill.get(), "requests lost before the kill");
        assertTrue(lostAfterKill.get() >= 1, "no request met the killed server: the kill came too late to test");
        assertEquals(3, server.status(), "scripts/demo status must say it does not run");

        long t0 = System.nanoTime();
        server.start();
        System.out.printf("[e2e] restarted after the crash in %d ms%n",
                Long.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
        Http after = new Http(server);
        Grants grants2 = new Grants(server, after);
        int i = 0;
        for (String[] t : tokens) {
            JsonNode access = grants2.introspect(t[0]);
            assertTrue(access.path("active").asBoolean(), "access token #" + i + " lost in the crash: " + access);
            assertEquals("read", access.path("scope").asText());
            i++;
        }
        // the refresh tokens too: each one still works (once: refreshing rotates it)
        i = 0;
        for (String[] t : tokens) {
            Http.Response r = after.postForm(server.get("TOKEN_URL"), grants2.basic(),
                    "grant_type=refresh_token&refresh_token=" + Http.form(t[1]));
            assertEquals(200, r.status(), "refresh token #" + i + " lost in the crash: " + r);
            i++;
        }
        // and the server works normally again
        assertEquals(200, after.get(server.get("PROTECTED_URL"), tokens.get(0)[0]).status());
    }
}
