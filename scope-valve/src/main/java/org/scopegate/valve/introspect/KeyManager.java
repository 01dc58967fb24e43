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
import org.apache.tomcat.util.res.StringManager;

/**
 * One key manager (a token service) a valve knows: its HTTP client, whether it is in service, and what the
 * valve's revocation feed knows of it. A key manager that fails (refused, reset, timed out, 5xx, garbage) is taken
 * out of service; it is brought back when it answers again: its revocation stream reconnecting, a poll of its feed,
 * or one request let through to it once every {@code probeInterval} (a half-open circuit breaker, the request
 * failing over to another key manager if the probe fails).
 * <p>
 * The figures are read over JMX (each key manager is an MBean of its own, see {@code mbeans-descriptors.xml}).
 */
public final class KeyManager {

    private static final StringManager sm = StringManager.getManager(KeyManager.class);

    /** The feed of this key manager is not followed (yet). */
    public static final String FEED_IDLE = "idle";
    /** The feed is being (re)connected. */
    public static final String FEED_CONNECTING = "connecting";
    /** The pushed feed (server-sent events) is connected. */
    public static final String FEED_STREAM = "stream";
    /** The key manager offers only the polled feed, which is polled. */
    public static final String FEED_POLL = "poll";
    /** The feed cannot be reached. */
    public static final String FEED_DOWN = "down";

    private final int index;
    private final HttpTokenIntrospector client;
    private final ServiceHealth health;
    private final LongSupplier nanoClock;
    private final long probeIntervalNanos;

    private volatile boolean healthy = true;
    private final AtomicLong nextProbe = new AtomicLong();
    private final AtomicLong introspections = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private volatile String feedState = FEED_IDLE;
    private volatile long lastHeardNanos;
    private volatile boolean heard;
    private volatile long feedCursor = -1;
    private volatile long lastAcknowledged = -1;
    private final AtomicLong feedConnects = new AtomicLong();
    private final AtomicLong acknowledgements = new AtomicLong();


    /**
     * @param index              position in the valve's list, from 0
     * @param client             the HTTP client of this key manager
     * @param probeIntervalMillis time after which a key manager out of service gets one request again, in ms
     * @param nanoClock          monotonic clock in nanoseconds
     * @param log                where changes of state are logged, or {@code null} when the caller logs them (a
     *                           valve with one key manager logs the state of the token service as a whole)
     */
    public KeyManager(int index, HttpTokenIntrospector client, long probeIntervalMillis, LongSupplier nanoClock,
            Log log) {
        this.index = index;
        this.client = client;
        this.nanoClock = nanoClock;
        this.probeIntervalNanos = TimeUnit.MILLISECONDS.toNanos(probeIntervalMillis);
        this.health = log == null ? null : new ServiceHealth(client.describe(), sm.getString("keyManager.down"), log);
    }


    /**
     * Introspects at this key manager and records the outcome.
     *
     * @param token  the token
     * @param digest its digest
     *
     * @return the answer
     *
     * @throws IntrospectionException when this key manager gives no usable answer
     */
    public TokenInfo introspect(String token, TokenDigest digest) throws IntrospectionException {
        try {
            TokenInfo info = client.introspect(token, digest);
            introspections.incrementAndGet();
            markUp();
            return info;
        } catch (IntrospectionException | RuntimeException e) {
            failures.incrementAndGet();
            markDown(e);
            throw e;
        }
    }


    /**
     * Records a good answer: the key manager is (back) in service.
     */
    public void markUp() {
        if (!healthy) {
            healthy = true;
        }
        if (health != null) {
            health.markUp();
        }
    }


    /**
     * Records a failure: the key manager is out of service until it answers again.
     *
     * @param cause why
     */
    public void markDown(Throwable cause) {
        nextProbe.set(nanoClock.getAsLong() + probeIntervalNanos);
        if (healthy) {
            healthy = false;
        }
        if (health != null) {
            health.markDown(cause);
        }
    }


    /**
     * @return whether this key manager is in service
     */
    public boolean isHealthy() {
        return healthy;
    }


    /**
     * Lets one caller through to a key manager out of service once every probe interval.
     *
     * @return whether the caller may try this key manager now
     */
    boolean tryProbe() {
        long due = nextProbe.get();
        long now = nanoClock.getAsLong();
        return now - due >= 0 && nextProbe.compareAndSet(due, now + probeIntervalNanos);
    }


    /**
     * @return the HTTP client of this key manager
     */
    public HttpTokenIntrospector client() {
        return client;
    }


    // ----------------------------------------------------------------------------- Revocation feed state

    /**
     * @param state one of the {@code FEED_} constants
     */
    public void setFeedState(String state) {
        this.feedState = state;
    }


    /**
     * Records that the feed of this key manager was heard from (an event, a heartbeat or a poll).
     *
     * @param cursor the feed's cursor after it
     */
    public void feedHeard(long cursor) {
        this.feedCursor = cursor;
        this.lastHeardNanos = nanoClock.getAsLong();
        this.heard = true;
    }


    /**
     * Records a (re)connection of the pushed feed.
     */
    public void feedConnected() {
        feedConnects.incrementAndGet();
    }


    /**
     * Records an acknowledgement sent to this key manager.
     *
     * @param cursor the event acknowledged
     */
    public void acknowledged(long cursor) {
        lastAcknowledged = cursor;
        acknowledgements.incrementAndGet();
    }


    // ---------------------------------------------------------------------------------------- JMX

    /**
     * @return position in the valve's list, from 0
     */
    public int getIndex() {
        return index;
    }


    /**
     * @return the introspection endpoint
     */
    public String getIntrospectionUrl() {
        return client.introspectionUri().toString();
    }


    /**
     * @return the revocation feed
     */
    public String getRevocationFeedUrl() {
        return client.revocationFeedUri().toString();
    }


    /**
     * @return whether this key manager is in service for introspection
     */
    public boolean isAvailable() {
        return healthy;
    }


    /**
     * @return introspections answered by this key manager
     */
    public long getIntrospectionCount() {
        return introspections.get();
    }


    /**
     * @return introspections this key manager failed to answer
     */
    public long getFailureCount() {
        return failures.get();
    }


    /**
     * @return how the feed of this key manager is followed: {@code stream}, {@code poll}, {@code connecting},
     *         {@code down} or {@code idle}
     */
    public String getFeedState() {
        return feedState;
    }


    /**
     * @return milliseconds since the feed of this key manager was last heard from, {@code -1} before the first time
     */
    public long getFeedLag() {
        return heard ? TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - lastHeardNanos) : -1;
    }


    /**
     * @return the cursor of the last event received from this key manager's feed, {@code -1} before the first
     */
    public long getFeedCursor() {
        return feedCursor;
    }


    /**
     * @return the last event acknowledged to this key manager, {@code -1} before the first acknowledgement
     */
    public long getLastAcknowledgedEvent() {
        return lastAcknowledged;
    }


    /**
     * @return acknowledgements sent to this key manager
     */
    public long getAcknowledgementCount() {
        return acknowledgements.get();
    }


    /**
     * @return connections of the pushed feed made to this key manager
     */
    public long getFeedConnectCount() {
        return feedConnects.get();
    }


    @Override
    public String toString() {
        return getIntrospectionUrl() + " available=" + healthy + " feed=" + feedState + " lag=" + getFeedLag()
                + "ms acknowledged=" + lastAcknowledged;
    }
}
