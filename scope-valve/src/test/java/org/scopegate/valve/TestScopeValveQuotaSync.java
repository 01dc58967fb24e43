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
package org.scopegate.valve;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways (two embedded Tomcats, each with a valve) enforcing one application's quota together by exchanging
 * their counts through one key manager every 100 ms, measured: the requests served per window against the quota,
 * printed, and held to the documented accuracy.
 */
public class TestScopeValveQuotaSync {

    private static final long QUOTA = 200;
    private static final long WINDOW_MILLIS = 2_000;
    private static final int WINDOWS = 4;
    private static final String TOKEN = "sharedToken-0123456789abcdefghijklmnopqrst";

    @TempDir
    Path base;

    private FakeTokenService keyManager;
    private final List<EmbeddedTomcat> gateways = new ArrayList<>();


    @BeforeEach
    void setUp() throws Exception {
        keyManager = new FakeTokenService();
        keyManager.addToken(TOKEN, "alice", "busy-app", "read", System.currentTimeMillis() / 1000 + 3600,
                "{\"application\":21,\"tier\":\"Shared\",\"quota\":" + QUOTA + ",\"window\":" +
                        WINDOW_MILLIS / 1000 + "}");
        Path rules = base.resolve("scope-rules.conf");
        Files.writeString(rules, "GET /app/** read\n");
        for (int i = 0; i < 2; i++) {
            ScopeValve valve = new ScopeValve();
            valve.setRulesPath(rules.toString());
            valve.setIntrospectionUrl(keyManager.introspectionUrl());
            valve.setClientId(FakeTokenService.CLIENT_ID);
            valve.setClientSecret(FakeTokenService.CLIENT_SECRET);
            valve.setQuotaSyncInterval(100);
            EmbeddedTomcat gateway = new EmbeddedTomcat(base.resolve("gateway" + i));
            gateway.addHostValve(valve);
            gateway.start();
            gateways.add(gateway);
        }
    }


    @AfterEach
    void tearDown() throws Exception {
        for (EmbeddedTomcat gateway : gateways) {
            gateway.close();
        }
        keyManager.close();
    }


    @Test
    void invokeWhenTwoGatewaysShareTheLoadThenTogetherTheyServeTheQuotaPerWindow() throws Exception {
        // PREPARE: each client sends 150 requests a second, so 300 a second reach the two gateways: the quota of a
        // 2 s window is spent in about 0.7 s
        for (EmbeddedTomcat gateway : gateways) {
            Assertions.assertEquals(200, gateway.get("/app/warm-up", "Authorization", "Bearer " + TOKEN)
                    .statusCode());
        }
        long start = (System.currentTimeMillis() / WINDOW_MILLIS + 1) * WINDOW_MILLIS;
        Thread.sleep(start - System.currentTimeMillis());
        ConcurrentLinkedQueue<long[]> answers = new ConcurrentLinkedQueue<>();
        long end = start + WINDOWS * WINDOW_MILLIS;

        // TEST
        List<Thread> clients = new ArrayList<>();
        for (EmbeddedTomcat gateway : gateways) {
            Thread client = new Thread(() -> load(gateway, end, 150, answers));
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }

        // VERIFY
        Map<Long, long[]> perWindow = new TreeMap<>();
        for (long[] answer : answers) {
            long window = (answer[0] - start) / WINDOW_MILLIS;
            if (window >= 0 && window < WINDOWS) {
                long[] counts = perWindow.computeIfAbsent(Long.valueOf(window), w -> new long[2]);
                counts[answer[1] == 200 ? 0 : 1]++;
            }
        }
        long served = 0;
        long most = 0;
        StringBuilder report = new StringBuilder("two gateways, quota " + QUOTA + " per " + WINDOW_MILLIS / 1000 +
                " s, exchange every 100 ms: served/refused per window:");
        for (long[] counts : perWindow.values()) {
            report.append(' ').append(counts[0]).append('/').append(counts[1]);
            served += counts[0];
            most = Math.max(most, counts[0]);
        }
        double mean = (double) served / WINDOWS;
        report.append(String.format(" -> mean %.1f (%.2f of the quota), most %d (%.2f)", Double.valueOf(mean),
                Double.valueOf(mean / QUOTA), Long.valueOf(most), Double.valueOf((double) most / QUOTA)));
        System.out.println(report);
        Assertions.assertEquals(WINDOWS, perWindow.size(), report.toString());
        for (long[] counts : perWindow.values()) {
            Assertions.assertTrue(counts[1] > 0, "the load exceeds the quota in every window: " + report);
        }
        Assertions.assertTrue(mean >= 0.8 * QUOTA && mean <= 1.15 * QUOTA, report.toString());
        Assertions.assertTrue(most <= 1.5 * QUOTA, report.toString());
    }


    private static void load(EmbeddedTomcat gateway, long end, int perSecond, ConcurrentLinkedQueue<long[]> out) {
        long pause = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        try {
            while (System.currentTimeMillis() < end) {
                HttpResponse<String> response = gateway.get("/app/orders", "Authorization", "Bearer " + TOKEN);
                out.add(new long[] { System.currentTimeMillis(), response.statusCode() });
                next += pause;
                LockSupport.parkNanos(next - System.nanoTime());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
