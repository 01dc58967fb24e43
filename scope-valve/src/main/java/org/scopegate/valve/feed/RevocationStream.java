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
package org.scopegate.valve.feed;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.apache.tomcat.util.res.StringManager;
import org.scopegate.valve.introspect.CacheEvictions;
import org.scopegate.valve.introspect.IntrospectionException;
import org.scopegate.valve.introspect.KeyManager;
import org.scopegate.valve.introspect.RevocationBatch;
import org.scopegate.valve.introspect.ServiceHealth;

/**
 * Follows the revocation feed of one key manager, on a daemon thread of its own: holds its pushed stream
 * (protocol.md section 3a), applies each batch of events to the cache and acknowledges it at once, and keeps the
 * lease that stream gives the cache. When the stream ends or fails, the lease goes at once and the stream is made
 * again, from the valve's newest cursor, after a pause that grows to {@value #MAX_PAUSE_MILLIS} ms while the key
 * manager stays away. A key manager that answers the stream request with the polled feed's JSON (one that predates
 * the pushed feed) is polled instead, and offered the stream again every {@value #STREAM_RETRY_MILLIS} ms.
 * <p>
 * <b>The lease.</b> The thread notes its monotonic time {@code s0} before it sends the stream request. A message
 * carrying {@code t} tells that every event committed before the key manager's instant "{@code t} ms after it
 * registered the stream" has been sent before it; that instant is no earlier than {@code s0 + t}. So once the
 * message is applied, the cache lacks no event committed before {@code s0 + t}, and may be trusted until
 * {@code s0 + t + lease}, where {@code lease} is the smaller of {@code revocationMaxLag} and the key manager's
 * acknowledgement timeout. A revoking call that stops waiting for this valve therefore returns only once this lease
 * has run out; and a valve cut off from the key manager stops trusting its cache within {@code revocationMaxLag}.
 * This compares elapsed times on two servers' monotonic clocks, so it counts {@code t} as a little less (100 ppm)
 * in case the key manager's clock runs faster, and makes each stream again after an hour (losing its lease for a
 * round trip: with one key manager, a few requests are introspected), so that no lease rests on an old anchor.
 */
final class RevocationStream implements Runnable {

    /** The longest pause between two attempts to reach a key manager, in ms. */
    static final long MAX_PAUSE_MILLIS = 2000;
    /** How long a key manager without the pushed feed is polled before the stream is tried again, in ms. */
    static final long STREAM_RETRY_MILLIS = 60_000;
    /** Age after which a stream is made again, so that its lease never rests on an old reading of the clocks. */
    static final long MAX_STREAM_AGE_NANOS = TimeUnit.HOURS.toNanos(1);
    /** How much faster than this server's the key manager's clock is assumed to run at most: 100 ppm. */
    static final long CLOCK_RATE_MARGIN = 10_000;

    private static final Log log = LogFactory.getLog(RevocationStream.class);
    private static final StringManager sm = StringManager.getManager(RevocationStream.class);

    private static final int MAX_BATCHES_PER_POLL = 10;

    private final KeyManager keyManager;
    private final KeyManagerFeeds feeds;
    private final CacheEvictions evictions;
    private final ServiceHealth health;
    private final long maxLagMillis;
    private final long pollIntervalMillis;
    private final int readTimeoutMillis;
    private final LongSupplier nanoClock;
    private final Log containerLog;

    private volatile long cursor = -1;
    private volatile boolean hasLease;
    private volatile long leaseEnd;
    private volatile boolean stopped;
    private volatile HttpURLConnection current;
    /** Whether the key manager answered the current attempt; the thread's own. */
    private boolean answered;
    /** Whether the current stream ended because it was old; the thread's own. */
    private boolean renewing;
    private Thread thread;


    /**
     * @param keyManager         the key manager followed
     * @param feeds              the valve's feeds (the shared cursor and trust)
     * @param evictions          where events are applied
     * @param health             logs the state of this feed
     * @param maxLagMillis       {@code revocationMaxLag}
     * @param pollIntervalMillis {@code revocationPollInterval}: the pace of the polled feed, and the first pause
     *                           before a new attempt
     * @param readTimeoutMillis  the longest silence of a stream before it is made again
     * @param nanoClock          monotonic clock
     * @param containerLog       the Host's log
     */
    RevocationStream(KeyManager keyManager, KeyManagerFeeds feeds, CacheEvictions evictions, ServiceHealth health,
            long maxLagMillis, long pollIntervalMillis, int readTimeoutMillis, LongSupplier nanoClock,
            Log containerLog) {
        this.keyManager = keyManager;
        this.feeds = feeds;
        this.evictions = evictions;
        this.health = health;
        this.maxLagMillis = maxLagMillis;
        this.pollIntervalMillis = pollIntervalMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.nanoClock = nanoClock;
        this.containerLog = containerLog;
    }


    // ------------------------------------------------------------------------------------------ lifecycle

    synchronized void start(String threadName) {
        if (thread == null && !stopped) {
            Thread t = new Thread(this, threadName);
            t.setDaemon(true);
            // Never pin a webapp's class loader from a thread that outlives requests
            t.setContextClassLoader(RevocationStream.class.getClassLoader());
            thread = t;
            t.start();
        }
    }


    void stop() {
        Thread t;
        synchronized (this) {
            stopped = true;
            t = thread;
        }
        HttpURLConnection c = current;
        if (c != null) {
            // Unblocks the read
            c.disconnect();
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        dropLease();
    }


    @Override
    public void run() {
        long pause = pollIntervalMillis;
        while (!stopped) {
            answered = false;
            renewing = false;
            try {
                followOnce();
            } catch (IntrospectionException | IOException | RuntimeException e) {
                if (!stopped) {
                    health.markDown(e);
                    if (!answered) {
                        // It did not answer the request: its introspection is not worth trying either
                        keyManager.markDown(e);
                    }
                }
                if (log.isDebugEnabled()) {
                    log.debug("Revocation feed of [" + keyManager.getRevocationFeedUrl() + "] ended", e);
                }
            } finally {
                dropLease();
            }
            if (stopped) {
                return;
            }
            keyManager.setFeedState(answered ? KeyManager.FEED_CONNECTING : KeyManager.FEED_DOWN);
            if (renewing) {
                continue;
            }
            if (answered) {
                // It was there a moment ago (it restarts, or closed a stream it took for out of contact)
                pause = pollIntervalMillis;
                if (!sleep(pollIntervalMillis / 5)) {
                    return;
                }
            } else {
                if (!sleep(pause)) {
                    return;
                }
                pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
            }
        }
    }


    // ------------------------------------------------------------------------------------------ the stream

    /**
     * Holds one stream until it ends; sets {@link #answered} once the key manager answers (a hello, or a polled
     * answer).
     */
    private void followOnce() throws IntrospectionException, IOException {
        long s0 = nanoClock.getAsLong();
        long after = feeds.cursor();
        HttpURLConnection connection = keyManager.client().openRevocationStream(after, readTimeoutMillis);
        current = connection;
        try {
            String type = connection.getContentType();
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
                RevocationBatch first = keyManager.client().readRevocations(connection);
                answered = true;
                polled(first, after, s0);
                keyManager.setFeedState(KeyManager.FEED_POLL);
                pollUntilStreamRetry();
                return;
            }
            EventStreamReader reader = new EventStreamReader(new BufferedInputStream(connection.getInputStream()));
            String stream = null;
            long lease = maxLagMillis;
            EventStreamReader.Event event;
            while (!stopped && (event = reader.next()) != null) {
                FeedMessage m = FeedMessage.parse(event);
                if (m == null) {
                    continue;
                }
                if (FeedMessage.HELLO.equals(m.type())) {
                    stream = m.stream();
                    lease = m.lease() > 0 ? Math.min(maxLagMillis, m.lease()) : maxLagMillis;
                    if (after < 0) {
                        cursor = m.cursor();
                    }
                    answered = true;
                    keyManager.markUp();
                    keyManager.feedConnected();
                    keyManager.setFeedState(KeyManager.FEED_STREAM);
                    keyManager.feedHeard(cursor);
                    health.markUp();
                    if (m.heartbeat() >= lease) {
                        containerLog.warn(sm.getString("revocationStream.heartbeat", keyManager.getRevocationFeedUrl(),
                                Long.toString(m.heartbeat()), Long.toString(lease)));
                    }
                    continue;
                }
                if (stream == null) {
                    throw new IOException("The revocation feed sent [" + m.type() + "] before its hello");
                }
                switch (m.type()) {
                    case FeedMessage.REVOCATIONS -> evictions.apply(m.events());
                    case FeedMessage.RESET -> {
                        evictions.reset();
                        containerLog.warn(sm.getString("revocationStream.reset", keyManager.getRevocationFeedUrl()));
                    }
                    default -> {
                        // a heartbeat
                    }
                }
                if (m.cursor() >= 0) {
                    cursor = m.cursor();
                }
                if (m.t() != null) {
                    extendLease(s0 + vouchedElapsed(m.t().longValue()) + TimeUnit.MILLISECONDS.toNanos(lease));
                }
                keyManager.feedHeard(cursor);
                if (m.cursor() >= 0) {
                    keyManager.client().acknowledge(stream, m.cursor());
                    keyManager.acknowledged(m.cursor());
                }
                if (nanoClock.getAsLong() - s0 > MAX_STREAM_AGE_NANOS) {
                    // Made again now and then, so that the two clocks' rates never part for long (see the class doc)
                    renewing = true;
                    return;
                }
            }
        } finally {
            current = null;
            connection.disconnect();
        }
    }


    // ------------------------------------------------------------------------------------------ polling

    private void polled(RevocationBatch batch, long after, long start) {
        if (after >= 0) {
            if (batch.reset()) {
                evictions.reset();
                containerLog.warn(sm.getString("revocationStream.reset", keyManager.getRevocationFeedUrl()));
            } else {
                evictions.apply(batch.events());
            }
        }
        cursor = batch.cursor();
        // A polled answer holds every event committed before the request arrived, which was after start
        extendLease(start + TimeUnit.MILLISECONDS.toNanos(maxLagMillis));
        keyManager.markUp();
        keyManager.feedHeard(cursor);
        health.markUp();
    }


    private void pollUntilStreamRetry() throws IntrospectionException {
        long retryAt = nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(STREAM_RETRY_MILLIS);
        long next = nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(pollIntervalMillis);
        while (!stopped && nanoClock.getAsLong() - retryAt < 0) {
            long wait = next - nanoClock.getAsLong();
            if (wait > 0 && !sleep(TimeUnit.NANOSECONDS.toMillis(wait))) {
                return;
            }
            long start = nanoClock.getAsLong();
            next = start + TimeUnit.MILLISECONDS.toNanos(pollIntervalMillis);
            for (int i = 0; i < MAX_BATCHES_PER_POLL; i++) {
                long after = feeds.cursor();
                RevocationBatch batch = keyManager.client().revocations(after);
                polled(batch, after, start);
                if (batch.events().size() < RevocationBatch.MAX_EVENTS) {
                    break;
                }
            }
        }
    }


    // ------------------------------------------------------------------------------------------ lease

    /**
     * The time that certainly passed on this server's clock while {@code t} ms passed on the key manager's: a
     * little less than {@code t}, should the key manager's clock run faster (up to {@link #CLOCK_RATE_MARGIN}).
     *
     * @param t ms on the key manager's clock since it registered the stream
     * @return nanoseconds on this server's clock since the stream request was sent, at least
     */
    static long vouchedElapsed(long t) {
        long nanos = TimeUnit.MILLISECONDS.toNanos(t);
        return nanos - Math.abs(nanos) / CLOCK_RATE_MARGIN;
    }


    private void extendLease(long end) {
        if (!hasLease || end - leaseEnd > 0) {
            leaseEnd = end;
        }
        hasLease = true;
        feeds.leaseChanged();
    }


    private void dropLease() {
        if (hasLease) {
            hasLease = false;
            feeds.leaseChanged();
        }
    }


    /**
     * @return whether this stream gives the cache a lease now
     */
    boolean hasLease() {
        return hasLease;
    }


    /**
     * @return the monotonic time until which this stream's lease runs, when it has one
     */
    long leaseEnd() {
        return leaseEnd;
    }


    /**
     * @return the newest event applied through this stream, {@code -1} before the first
     */
    long cursor() {
        return cursor;
    }


    KeyManager keyManager() {
        return keyManager;
    }


    private boolean sleep(long millis) {
        try {
            Thread.sleep(Math.max(1, millis));
            return !stopped;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
