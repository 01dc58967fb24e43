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

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.apache.juli.logging.Log;
import org.apache.tomcat.util.res.StringManager;
import org.scopegate.valve.introspect.CacheEvictions;
import org.scopegate.valve.introspect.KeyManager;
import org.scopegate.valve.introspect.RevocationFeed;
import org.scopegate.valve.introspect.ServiceHealth;
import org.scopegate.valve.introspect.TokenInfoCache;
import org.scopegate.valve.metrics.DurationObserver;

/**
 * The revocation feeds of every key manager a valve knows: one {@link RevocationStream} each (one held connection
 * and one thread per key manager), all applying their events to one cache, idempotently (every key manager serves
 * the same events of the shared store, the same event ids). The cache is trusted while at least one stream holds a
 * lease ({@link RevocationStream}): a valve keeps its cache through the loss of a key manager, and a revocation at
 * any key manager waits for this valve's acknowledgement.
 * <p>
 * The request path reads one volatile field and the clock ({@link #isCacheTrusted()}); the streams' threads keep
 * that field at the latest end of their leases.
 */
public final class KeyManagerFeeds implements RevocationFeed {

    private static final StringManager sm = StringManager.getManager(KeyManagerFeeds.class);

    private final List<RevocationStream> streams = new ArrayList<>();
    private final CacheEvictions evictions;
    private final LongSupplier nanoClock;
    private final String threadName;
    private final Object leaseLock = new Object();

    private volatile long trustedUntil;
    private volatile boolean started;


    /**
     * @param keyManagers        the key managers, each followed
     * @param cache              the valve's cache
     * @param maxLagMillis       {@code revocationMaxLag}
     * @param pollIntervalMillis {@code revocationPollInterval}
     * @param readTimeoutMillis  {@code readTimeout}
     * @param feedDown           the consequence of a feed going down, for its log line
     * @param threadName         prefix of the threads' names
     * @param nanoClock          monotonic clock
     * @param containerLog       the Host's log
     */
    public KeyManagerFeeds(List<KeyManager> keyManagers, TokenInfoCache cache, long maxLagMillis,
            long pollIntervalMillis, int readTimeoutMillis, String feedDown, String threadName, LongSupplier nanoClock,
            Log containerLog) {
        this.evictions = new CacheEvictions(cache);
        this.nanoClock = nanoClock;
        this.threadName = threadName;
        this.trustedUntil = nanoClock.getAsLong();
        // A silent stream is given up and made again once it has been silent twice as long as a lease lasts
        int streamReadTimeout = (int) Math.min(Integer.MAX_VALUE, Math.max(readTimeoutMillis, 2 * maxLagMillis));
        for (KeyManager k : keyManagers) {
            ServiceHealth health = new ServiceHealth(
                    sm.getString("keyManagerFeeds.feed", k.getRevocationFeedUrl()), feedDown,
                    containerLog);
            streams.add(new RevocationStream(k, this, evictions, health, maxLagMillis, pollIntervalMillis,
                    streamReadTimeout, nanoClock, containerLog));
        }
    }


    @Override
    public void ensureStarted() {
        if (started) {
            return;
        }
        synchronized (this) {
            if (!started) {
                for (int i = 0; i < streams.size(); i++) {
                    streams.get(i).start(threadName + "-" + i);
                }
                started = true;
            }
        }
    }


    @Override
    public boolean isCacheTrusted() {
        return trustedUntil - nanoClock.getAsLong() > 0;
    }


    @Override
    public boolean hasCursor() {
        for (RevocationStream s : streams) {
            if (s.cursor() >= 0) {
                return true;
            }
        }
        return false;
    }


    @Override
    public long epoch() {
        return evictions.epoch();
    }


    @Override
    public long getCursor() {
        return cursor();
    }


    @Override
    public void observeLagWith(DurationObserver observer) {
        evictions.observeLagWith(observer);
    }


    @Override
    public void stop() {
        for (RevocationStream s : streams) {
            s.stop();
        }
    }


    /**
     * @return the newest event applied by any stream: a stream that (re)connects starts after it, since every
     *         event up to it has been applied by the stream that received it
     */
    long cursor() {
        long max = -1;
        for (RevocationStream s : streams) {
            max = Math.max(max, s.cursor());
        }
        return max;
    }


    /**
     * A stream's lease changed: the cache is trusted until the latest end of the leases held.
     */
    void leaseChanged() {
        synchronized (leaseLock) {
            boolean any = false;
            long latest = 0;
            for (RevocationStream s : streams) {
                if (s.hasLease()) {
                    long end = s.leaseEnd();
                    if (!any || end - latest > 0) {
                        latest = end;
                    }
                    any = true;
                }
            }
            trustedUntil = any ? latest : nanoClock.getAsLong();
        }
    }


    /**
     * @return streams that hold a lease now
     */
    public int getConnectedCount() {
        long now = nanoClock.getAsLong();
        int n = 0;
        for (RevocationStream s : streams) {
            if (s.hasLease() && s.leaseEnd() - now > 0) {
                n++;
            }
        }
        return n;
    }


    /**
     * @return answers that told the valve to drop its cache
     */
    public long getResetCount() {
        return evictions.getResetCount();
    }
}
