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
package org.scopegate.valve.introspect;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.apache.tomcat.util.res.StringManager;
import org.scopegate.valve.metrics.DurationObserver;

/**
 * Follows the revocation feed (protocol.md section 3) and evicts what it names from the {@link TokenInfoCache}.
 * <p>
 * Guarantee: the cache is trusted only while the start of the last good poll is at most {@code maxLag} ms old. A
 * revocation written at time T is therefore either applied by the first poll that starts after T (at most
 * {@code interval} ms later, plus that poll's round trip) or, when polls fail, the cache stops being trusted at
 * most {@code maxLag} ms after T and every request is introspected again. With the defaults (500 ms and 1500 ms) a
 * revoked token is refused within 2 s.
 * <p>
 * Nothing may be cached before the first cursor is known ({@link #hasCursor()}); the {@link #epoch()} changes
 * whenever an eviction is applied, so that an answer fetched before an eviction is not cached after it.
 * The polling thread is a daemon started on first use, never at start-up.
 */
public final class RevocationFeedPoller implements RevocationFeed, Runnable {

    private static final Log log = LogFactory.getLog(RevocationFeedPoller.class);
    private static final StringManager sm = StringManager.getManager(RevocationFeedPoller.class);

    private static final int MAX_BATCHES_PER_POLL = 10;

    private final TokenIntrospector source;
    private final CacheEvictions evictions;
    private final long intervalMillis;
    private final long maxLagNanos;
    private final ServiceHealth health;
    private final String threadName;
    private final LongSupplier nanoClock;
    private final Log containerLog;

    private final AtomicLong polls = new AtomicLong();
    private final Object lifecycleLock = new Object();

    private volatile long cursor = -1;
    private volatile boolean hasGoodPoll;
    private volatile long lastGoodPollStart;
    private volatile boolean stopped;
    private Thread thread;


    /**
     * @param source         where the feed is read
     * @param cache          what is evicted
     * @param intervalMillis time between the starts of two polls, in ms
     * @param maxLagMillis   age of the last good poll after which the cache is not trusted, in ms
     * @param health         availability of the feed
     * @param threadName     name of the polling thread
     * @param nanoClock      monotonic clock in nanoseconds
     * @param containerLog   the Host's log, for changes of state
     */
    public RevocationFeedPoller(TokenIntrospector source, TokenInfoCache cache, long intervalMillis,
            long maxLagMillis, ServiceHealth health, String threadName, LongSupplier nanoClock, Log containerLog) {
        this.source = source;
        this.evictions = new CacheEvictions(cache);
        this.intervalMillis = intervalMillis;
        this.maxLagNanos = TimeUnit.MILLISECONDS.toNanos(maxLagMillis);
        this.health = health;
        this.threadName = threadName;
        this.nanoClock = nanoClock;
        this.containerLog = containerLog;
    }


    /**
     * Starts the polling thread unless it runs already or the poller was stopped.
     */
    @Override
    public void ensureStarted() {
        if (thread != null || stopped) {
            return;
        }
        synchronized (lifecycleLock) {
            if (thread == null && !stopped) {
                Thread t = new Thread(this, threadName);
                t.setDaemon(true);
                // Never pin a webapp's class loader from a thread that outlives requests
                t.setContextClassLoader(RevocationFeedPoller.class.getClassLoader());
                thread = t;
                t.start();
            }
        }
    }


    /**
     * Stops the polling thread and waits briefly for it to end.
     */
    @Override
    public void stop() {
        Thread t;
        synchronized (lifecycleLock) {
            stopped = true;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }


    @Override
    public void run() {
        long next = nanoClock.getAsLong();
        while (!stopped) {
            pollOnce();
            next += TimeUnit.MILLISECONDS.toNanos(intervalMillis);
            long sleepNanos = next - nanoClock.getAsLong();
            if (sleepNanos <= 0) {
                next = nanoClock.getAsLong();
                continue;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(sleepNanos);
            } catch (InterruptedException e) {
                return;
            }
        }
    }


    /**
     * Polls the feed once: obtains the first cursor, or applies the events after the current one.
     *
     * @return whether the poll succeeded
     */
    public boolean pollOnce() {
        long start = nanoClock.getAsLong();
        try {
            if (cursor < 0) {
                RevocationBatch first = source.revocations(-1);
                cursor = first.cursor();
            } else {
                for (int i = 0; i < MAX_BATCHES_PER_POLL; i++) {
                    RevocationBatch batch = source.revocations(cursor);
                    apply(batch);
                    cursor = batch.cursor();
                    if (batch.events().size() < RevocationBatch.MAX_EVENTS) {
                        break;
                    }
                }
            }
            lastGoodPollStart = start;
            hasGoodPoll = true;
            polls.incrementAndGet();
            health.markUp();
            return true;
        } catch (IntrospectionException | RuntimeException e) {
            health.markDown(e);
            if (log.isDebugEnabled()) {
                log.debug("Revocation feed poll failed", e);
            }
            return false;
        }
    }


    /**
     * Applies one answer of the feed to the cache.
     *
     * @param batch the answer
     */
    void apply(RevocationBatch batch) {
        if (batch.reset()) {
            evictions.reset();
            containerLog.warn(sm.getString("revocationFeedPoller.reset", Long.toString(cursor)));
            return;
        }
        evictions.apply(batch.events());
    }


    @Override
    public void observeLagWith(DurationObserver observer) {
        evictions.observeLagWith(observer);
    }


    /**
     * @return whether the feed's cursor is known, which is required before anything may be cached
     */
    @Override
    public boolean hasCursor() {
        return cursor >= 0;
    }


    /**
     * @return whether cached answers may be used: the last good poll started at most {@code maxLag} ago
     */
    @Override
    public boolean isCacheTrusted() {
        return hasGoodPoll && cursor >= 0 && nanoClock.getAsLong() - lastGoodPollStart <= maxLagNanos;
    }


    /**
     * @return a number that changes whenever an eviction is applied
     */
    @Override
    public long epoch() {
        return evictions.epoch();
    }


    /**
     * @return the cursor of the last event applied, or {@code -1} before the first good poll
     */
    @Override
    public long getCursor() {
        return cursor;
    }


    /**
     * @return good polls so far
     */
    public long getPollCount() {
        return polls.get();
    }


    /**
     * @return answers that told the valve to drop its cache
     */
    public long getResetCount() {
        return evictions.getResetCount();
    }
}
