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

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.valve.metrics.DurationObserver;

/**
 * Applies revocation events to the {@link TokenInfoCache}, and counts the evictions in an epoch that an
 * introspection compares before and after, so that an answer fetched while an eviction ran is not cached. Shared
 * by every feed of a valve: the same event arriving from several key managers is applied twice, harmlessly.
 */
public final class CacheEvictions {

    private static final Log log = LogFactory.getLog(CacheEvictions.class);

    private final TokenInfoCache cache;
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private volatile DurationObserver lagObserver = DurationObserver.NONE;


    /**
     * @param cache the cache evicted from
     */
    public CacheEvictions(TokenInfoCache cache) {
        this.cache = cache;
    }


    /**
     * Evicts what the events name: a token by its digest (remembered as inactive for the negative TTL), every token
     * of a {@code client_id} or of a {@code username}; an event of a type this valve does not know drops everything
     * (the only safe reading).
     *
     * @param events the events, in any order
     */
    public void apply(List<RevocationEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        // Before the evictions: a put that read the epoch earlier sees it change and takes its entry back
        epoch.incrementAndGet();
        long now = System.currentTimeMillis();
        DurationObserver lag = lagObserver;
        for (RevocationEvent event : events) {
            if (event.at() > 0) {
                lag.observeNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(0, now - event.at())));
            }
            String value = event.value();
            TokenDigest digest;
            if (RevocationEvent.TOKEN.equals(event.type()) && (digest = TokenDigest.fromHex(value)) != null) {
                // A revoked token never comes back: the next request is refused from the cache, without asking
                cache.put(digest, TokenInfo.INACTIVE);
            } else if (RevocationEvent.CLIENT.equals(event.type()) && value != null) {
                cache.invalidateClient(value);
            } else if (RevocationEvent.USER.equals(event.type()) && value != null) {
                cache.invalidateUser(value);
            } else {
                cache.invalidateAll();
                if (log.isDebugEnabled()) {
                    log.debug("Unknown revocation event type [" + event.type() + "], cache dropped");
                }
            }
        }
    }


    /**
     * Sends the lag of each further event applied (now less the event's time at the token service) to a histogram.
     *
     * @param observer the histogram, or {@code null} for none
     */
    public void observeLagWith(DurationObserver observer) {
        lagObserver = observer == null ? DurationObserver.NONE : observer;
    }


    /**
     * Drops the whole cache: the feed could not tell what was revoked.
     */
    public void reset() {
        epoch.incrementAndGet();
        cache.invalidateAll();
        resets.incrementAndGet();
    }


    /**
     * @return a number that changes whenever an eviction is applied
     */
    public long epoch() {
        return epoch.get();
    }


    /**
     * @return resets so far
     */
    public long getResetCount() {
        return resets.get();
    }
}
