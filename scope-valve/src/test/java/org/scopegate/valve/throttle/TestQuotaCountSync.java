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
package org.scopegate.valve.throttle;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.common.store.QuotaCount;

/**
 * Two gateways (two throttles on one injected clock) enforcing one quota together through a shared count with the
 * key manager's semantics: what each served reaches the other at the next exchanges, an overshoot is paid from the
 * next window, a restarted gateway learns the window's count, and an outage loses nothing.
 */
public class TestQuotaCountSync {

    private static final Log log = LogFactory.getLog(TestQuotaCountSync.class);

    /** 2026-11-27T10:00:00Z. */
    private static final long MINUTE = 1_795_773_600_000L;

    private final AtomicLong clock = new AtomicLong(MINUTE + 1_000);
    private final SharedCounts keyManager = new SharedCounts();
    private final QuotaPolicy five = QuotaPolicy.of("Trial", 5, 60, 0);


    @Test
    void exchangeWhenOtherGatewayServedThenItsRequestsTakenFromThisGateway() {
        // PREPARE
        Gateway a = new Gateway();
        Gateway b = new Gateway();

        // TEST
        int servedByA = a.serve(3);
        a.sync.exchangeOnce();
        int servedByB = b.serve(1);
        b.sync.exchangeOnce();
        servedByB += b.serve(5);

        // VERIFY
        Assertions.assertEquals(3, servedByA);
        Assertions.assertEquals(2, servedByB, "5 in the window for both gateways together");
        Assertions.assertEquals(1, b.sync.getExchangeCount());
    }


    @Test
    void exchangeWhenBothServedBeforeTheyKnewThenDebtPaidFromTheNextWindow() {
        // PREPARE
        Gateway a = new Gateway();
        Gateway b = new Gateway();

        // TEST: both spend the whole quota before any exchange
        int window1 = a.serve(5) + b.serve(5);
        a.sync.exchangeOnce();
        b.sync.exchangeOnce();
        a.sync.exchangeOnce();
        clock.set(MINUTE + 60_000 + 1_000);
        int window2 = a.serve(5) + b.serve(5);
        clock.set(MINUTE + 120_000 + 1_000);
        int window3 = a.serve(2);
        a.sync.exchangeOnce();
        b.sync.exchangeOnce();
        window3 += b.serve(5);

        // VERIFY
        Assertions.assertEquals(10, window1, "neither knew of the other");
        Assertions.assertEquals(0, window2, "each paid the other's 5 from its next window");
        Assertions.assertEquals(5, window3);
        Assertions.assertEquals(15, window1 + window2 + window3, "three windows of 5 on average");
    }


    @Test
    void exchangeWhenGatewayRestartsMidWindowThenItLearnsTheWindowsCount() {
        // PREPARE
        Gateway a = new Gateway();
        a.serve(4);
        a.sync.exchangeOnce();

        // TEST: a new gateway (or this one restarted) serves its first request, then exchanges
        Gateway restarted = new Gateway();
        int first = restarted.serve(1);
        restarted.sync.exchangeOnce();
        int after = restarted.serve(5);

        // VERIFY
        Assertions.assertEquals(1, first, "before its first exchange a new gateway knows nothing");
        Assertions.assertEquals(0, after, "4 + 1 of 5 served in this window");
    }


    @Test
    void exchangeWhenKeyManagerDownThenCountsKeptAndReportedLater() {
        // PREPARE
        Gateway a = new Gateway();
        Gateway b = new Gateway();
        a.serve(3);
        keyManager.down = true;

        // TEST
        a.sync.exchangeOnce();
        boolean availableWhileDown = a.sync.isAvailable();
        keyManager.down = false;
        a.sync.exchangeOnce();
        int servedByB = b.serve(1);
        b.sync.exchangeOnce();
        servedByB += b.serve(5);

        // VERIFY
        Assertions.assertFalse(availableWhileDown);
        Assertions.assertEquals(1, a.sync.getFailureCount());
        Assertions.assertTrue(a.sync.isAvailable());
        Assertions.assertEquals(2, servedByB, "the 3 requests reported after the outage");
    }


    @Test
    void exchangeWhenNewWindowThenCountStartsAgain() {
        // PREPARE
        Gateway a = new Gateway();
        Gateway b = new Gateway();
        a.serve(5);
        a.sync.exchangeOnce();

        // TEST
        clock.set(MINUTE + 60_000 + 500);
        int servedByB = b.serve(5);
        b.sync.exchangeOnce();
        a.sync.exchangeOnce();
        int servedByA = a.serve(5);

        // VERIFY
        Assertions.assertEquals(5, servedByB);
        Assertions.assertEquals(0, servedByA, "b spent the new window");
        Assertions.assertEquals(5, keyManager.count("12"));
    }


    @Test
    void exchangeWhenOtherGatewayServesSteadilyThenItsNextIntervalForeseenAndCorrected() {
        // PREPARE: 100 a minute; a serves 10 per 100 ms interval, b exchanges after each interval
        QuotaPolicy hundred = QuotaPolicy.of("Hundred", 100, 60, 0);
        RequestThrottle a = new RequestThrottle(1, 1000, clock::get);
        QuotaCountSync syncA = new QuotaCountSync(a, keyManager, 100, clock::get, "a", log);
        RequestThrottle b = new RequestThrottle(1, 1000, clock::get);
        QuotaCountSync syncB = new QuotaCountSync(b, keyManager, 100, clock::get, "b", log);
        b.consume("12", "c", hundred, null);
        syncB.exchangeOnce();

        // TEST
        long[] remainingAtB = new long[3];
        for (int interval = 0; interval < 3; interval++) {
            for (int i = 0; i < 10; i++) {
                a.consume("12", "c", hundred, null);
            }
            clock.addAndGet(100);
            syncA.exchangeOnce();
            syncB.exchangeOnce();
            remainingAtB[interval] = b.buckets().get(0).available();
        }
        for (int i = 0; i < 10; i++) {
            a.consume("12", "c", hundred, null);
        }
        clock.addAndGet(100);
        syncA.exchangeOnce();
        syncB.exchangeOnce();
        long afterLoadStopped = b.buckets().get(0).available();
        clock.addAndGet(100);
        syncA.exchangeOnce();
        syncB.exchangeOnce();
        long afterItStopped = b.buckets().get(0).available();

        // VERIFY: b served 1; a 10 per interval, and b takes the next 10 in advance
        Assertions.assertEquals(99 - 10 - 10, remainingAtB[0], "a's first 10 seen, the next 10 foreseen");
        Assertions.assertEquals(99 - 20 - 10, remainingAtB[1]);
        Assertions.assertEquals(99 - 30 - 10, remainingAtB[2]);
        Assertions.assertEquals(99 - 40 - 10, afterLoadStopped);
        Assertions.assertEquals(99 - 40, afterItStopped, "a served nothing more: the foresight given back");
    }


    @Test
    void exchangeWhenNoBucketThenNothingSent() {
        // PREPARE
        Gateway a = new Gateway();

        // TEST
        a.sync.exchangeOnce();

        // VERIFY
        Assertions.assertEquals(0, keyManager.exchanges);
    }


    private final class Gateway {

        private final RequestThrottle throttle = new RequestThrottle(1, 1000, clock::get);
        private final QuotaCountSync sync = new QuotaCountSync(throttle, keyManager, 100, clock::get, "test", log);


        int serve(int requests) {
            int served = 0;
            for (int i = 0; i < requests; i++) {
                served += throttle.consume("12", "client", five, null).allowed() ? 1 : 0;
            }
            return served;
        }
    }


    /**
     * The key manager's count: one window per counter, a newer window starting it again.
     */
    private static final class SharedCounts implements QuotaCountExchange {

        private final Map<String, long[]> counts = new HashMap<>();
        private volatile boolean down;
        private int exchanges;


        @Override
        public synchronized List<QuotaCount> exchange(List<QuotaCount> reports) throws IOException {
            if (down) {
                throw new IOException("key manager down");
            }
            exchanges++;
            List<QuotaCount> answer = new ArrayList<>();
            for (QuotaCount report : reports) {
                long[] count = counts.computeIfAbsent(report.key(), k -> new long[] { report.windowStart(), 0 });
                if (report.windowStart() > count[0]) {
                    count[0] = report.windowStart();
                    count[1] = 0;
                }
                count[1] += report.requests();
                answer.add(new QuotaCount(report.key(), count[0], count[1]));
            }
            return answer;
        }


        synchronized long count(String key) {
            return counts.get(key)[1];
        }


        @Override
        public String describe() {
            return "test key manager";
        }
    }
}
