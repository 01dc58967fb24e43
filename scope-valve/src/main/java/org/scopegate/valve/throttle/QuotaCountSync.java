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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.juli.logging.Log;
import org.apache.tomcat.util.res.StringManager;
import org.scopegate.common.store.QuotaCount;

/**
 * Makes several gateways enforce one quota together. Every {@code interval} ms it reports, per counter, what this
 * gateway served since its last report (tagged with the current window) and learns what every gateway served in
 * that window; what the others served since the last exchange is taken from the local bucket with
 * {@code consumeIgnoringRateLimits}, Bucket4j's own way of charging consumption observed elsewhere (its distributed
 * "delaying" optimisation does the same), and the others' requests of the next interval are foreseen at the rate
 * just observed (as its "predicting" optimisation does), the foresight corrected at the next exchange. A bucket may
 * so go into debt, which is paid from the next window. The
 * exchange runs on its own thread: a request never waits for it, and a key manager that does not answer leaves
 * each gateway enforcing the whole quota alone until it answers again (what was not reported is reported then).
 * <p>
 * Accuracy: a gateway learns of the others' requests up to two intervals late (their report, then its own); with a
 * steady load the foresight covers that delay, and what is left is the change of the load within two intervals.
 * Over several windows the debt brings the mean back to the quota. The figures measured are in
 * {@code docs/valve.md}.
 */
public final class QuotaCountSync {

    private static final StringManager sm = StringManager.getManager(QuotaCountSync.class);

    private final RequestThrottle throttle;
    private final QuotaCountExchange exchange;
    private final long intervalMillis;
    private final LongSupplier epochMillisClock;
    private final String threadName;
    private final Log log;
    private final Map<String, WindowState> windows = new HashMap<>();
    private final AtomicLong exchanges = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean down;
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> task;


    /**
     * @param throttle         the buckets to keep in agreement
     * @param exchange         where the counts are added up
     * @param intervalMillis   ms between exchanges
     * @param epochMillisClock wall clock in epoch milliseconds
     * @param threadName       name of the exchange thread
     * @param log              where outages are logged
     */
    public QuotaCountSync(RequestThrottle throttle, QuotaCountExchange exchange, long intervalMillis,
            LongSupplier epochMillisClock, String threadName, Log log) {
        this.throttle = throttle;
        this.exchange = exchange;
        this.intervalMillis = intervalMillis;
        this.epochMillisClock = epochMillisClock;
        this.threadName = threadName;
        this.log = log;
        throttle.startCounting();
    }


    /**
     * Starts the exchanges on a daemon thread (nothing is sent while no quota is in use).
     */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        task = executor.scheduleWithFixedDelay(this::runSafely, intervalMillis, intervalMillis,
                TimeUnit.MILLISECONDS);
    }


    /**
     * Stops the exchanges.
     */
    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        executor = null;
        task = null;
    }


    /**
     * One exchange: report, learn, charge. Called by the exchange thread (tests call it directly).
     */
    synchronized void exchangeOnce() {
        List<QuotaBucket> live = throttle.buckets();
        if (live.isEmpty()) {
            windows.clear();
            return;
        }
        long now = epochMillisClock.getAsLong();
        Map<String, Report> reports = new HashMap<>();
        for (QuotaBucket bucket : live) {
            long windowMillis = bucket.policy().windowSeconds() * 1000L;
            long windowStart = Math.floorDiv(now, windowMillis) * windowMillis;
            Report report = reports.computeIfAbsent(bucket.counterKey(), k -> new Report(windowStart));
            long served = bucket.takeUnreported();
            report.served += served;
            report.buckets.add(bucket);
            report.taken.add(Long.valueOf(served));
        }
        List<QuotaCount> sent = new ArrayList<>(reports.size());
        reports.forEach((key, report) -> sent.add(new QuotaCount(key, report.windowStart, report.served)));
        List<QuotaCount> answer;
        try {
            answer = exchange.exchange(sent);
        } catch (IOException | RuntimeException e) {
            reports.values().forEach(Report::restore);
            failures.incrementAndGet();
            if (!down) {
                down = true;
                log.warn(sm.getString("quotaCountSync.down", exchange.describe(), e.toString()));
            }
            return;
        }
        exchanges.incrementAndGet();
        if (down) {
            down = false;
            log.info(sm.getString("quotaCountSync.up", exchange.describe()));
        }
        for (QuotaCount count : answer) {
            Report report = reports.get(count.key());
            if (report != null) {
                charge(count, report, now);
            }
        }
        windows.keySet().retainAll(reports.keySet());
    }


    private void charge(QuotaCount count, Report report, long now) {
        WindowState state = windows.get(count.key());
        boolean known = state != null;
        if (state == null) {
            state = new WindowState(report.windowStart);
            windows.put(count.key(), state);
        } else if (state.windowStart != report.windowStart) {
            state.startWindow(report.windowStart);
        }
        state.ownReported += report.served;
        if (count.windowStart() != report.windowStart) {
            // The clocks of the gateways disagree at a window's edge: the next exchange sets it right
            return;
        }
        long others = count.requests() - state.ownReported;
        long observed = Math.max(0, others - state.othersCharged);
        state.othersCharged = Math.max(state.othersCharged, others);
        // What was foreseen of the others' requests is taken already: take the rest, or give back the excess
        long charge = observed - state.predicted;
        // Foresee the next interval at the rate just observed, as Bucket4j's "predicting" optimisation does, so that
        // the buckets do not wait for the next exchange to learn of a steady load (not on a first exchange, whose
        // observation is the window's whole past)
        long elapsed = now - state.exchangedAt;
        long predicted = known && elapsed > 0 ? observed * intervalMillis / elapsed : 0;
        state.exchangedAt = now;
        state.predicted = predicted;
        for (QuotaBucket bucket : report.buckets) {
            if (charge + predicted > 0) {
                bucket.consumedElsewhere(charge + predicted);
            } else if (charge + predicted < 0) {
                bucket.giveBack(-(charge + predicted));
            }
        }
    }


    private void runSafely() {
        try {
            exchangeOnce();
        } catch (RuntimeException e) {
            log.error(sm.getString("quotaCountSync.failed"), e);
        }
    }


    /**
     * @return exchanges that succeeded
     */
    public long getExchangeCount() {
        return exchanges.get();
    }


    /**
     * @return exchanges that failed
     */
    public long getFailureCount() {
        return failures.get();
    }


    /**
     * @return whether the last exchange succeeded (or none was needed yet)
     */
    public boolean isAvailable() {
        return !down;
    }


    /**
     * What this gateway reports for one counter.
     */
    private static final class Report {

        private final long windowStart;
        private final List<QuotaBucket> buckets = new ArrayList<>(1);
        private final List<Long> taken = new ArrayList<>(1);
        private long served;


        Report(long windowStart) {
            this.windowStart = windowStart;
        }


        void restore() {
            for (int i = 0; i < buckets.size(); i++) {
                buckets.get(i).restoreUnreported(taken.get(i).longValue());
            }
        }
    }


    /**
     * What is known of one counter in the current window: this gateway's reports, the others' requests already
     * taken from its bucket, and those foreseen for the next interval (taken too).
     */
    private static final class WindowState {

        private long windowStart;
        private long ownReported;
        private long othersCharged;
        private long predicted;
        private long exchangedAt;


        WindowState(long windowStart) {
            this.windowStart = windowStart;
        }


        /**
         * A new window: its count starts again; the foreseen requests stay taken, to be matched with the others'
         * reports in it.
         */
        void startWindow(long start) {
            windowStart = start;
            ownReported = 0;
            othersCharged = 0;
        }
    }
}
