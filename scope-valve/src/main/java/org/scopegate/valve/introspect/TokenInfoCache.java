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
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Introspection answers kept in memory, keyed by the token's SHA-256 (never the raw token). Bounded in entries; an
 * active answer lives at most {@code cacheTtl} and never past the token's own expiry; an inactive answer lives
 * {@code negativeCacheTtl}. Maintenance runs on the calling thread, so the cache starts no thread of its own.
 * <p>
 * Each entry carries its own deadline, checked on read; the cache itself only expires entries a fixed time after
 * they were written (the longer of the two TTLs). A read thus writes nothing to the entry (a variable expiry policy
 * would update it on every read), which keeps the hot path of a cached token cheap when many threads read it.
 */
public final class TokenInfoCache {

    private final Cache<TokenDigest, Entry> cache;
    private final long ttlNanos;
    private final long negativeNanos;
    private final LongSupplier nanoClock;
    private final LongSupplier epochMillisClock;


    /**
     * @param maximumSize         most entries kept
     * @param ttlSeconds          longest life of an active answer, in seconds
     * @param negativeTtlSeconds  life of an inactive answer, in seconds
     * @param nanoClock           monotonic clock in nanoseconds (e.g. {@code System::nanoTime})
     * @param epochMillisClock    wall clock in epoch milliseconds, to compare with a token's expiry
     */
    public TokenInfoCache(long maximumSize, long ttlSeconds, long negativeTtlSeconds, LongSupplier nanoClock,
            LongSupplier epochMillisClock) {
        this.ttlNanos = TimeUnit.SECONDS.toNanos(ttlSeconds);
        this.negativeNanos = TimeUnit.SECONDS.toNanos(negativeTtlSeconds);
        this.nanoClock = nanoClock;
        this.epochMillisClock = epochMillisClock;
        cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterWrite(Math.max(ttlNanos, negativeNanos), TimeUnit.NANOSECONDS)
                .executor(Runnable::run)
                .ticker(nanoClock::getAsLong)
                .build();
    }


    /**
     * @param digest the token's digest
     *
     * @return the cached answer, or {@code null}
     */
    public TokenInfo get(TokenDigest digest) {
        Entry entry = cache.getIfPresent(digest);
        if (entry == null) {
            return null;
        }
        if (nanoClock.getAsLong() - entry.deadline >= 0) {
            cache.asMap().remove(digest, entry);
            return null;
        }
        return entry.info;
    }


    /**
     * @param digest the token's digest
     * @param info   the answer to keep
     */
    public void put(TokenDigest digest, TokenInfo info) {
        long life = lifeOf(info);
        if (life <= 0) {
            // Already expired: never served, and an older answer for the same token must not be either
            cache.invalidate(digest);
            return;
        }
        cache.put(digest, new Entry(info, nanoClock.getAsLong() + life));
    }


    private long lifeOf(TokenInfo info) {
        if (!info.active()) {
            return negativeNanos;
        }
        if (info.expiresAt() == 0) {
            return ttlNanos;
        }
        long untilExpiry = TimeUnit.MILLISECONDS.toNanos(info.expiresAt() * 1000L - epochMillisClock.getAsLong());
        return Math.max(0, Math.min(ttlNanos, untilExpiry));
    }


    /**
     * Drops the answer for one token.
     *
     * @param digest the token's digest
     */
    public void invalidate(TokenDigest digest) {
        cache.invalidate(digest);
    }


    /**
     * Drops every answer for tokens of one application.
     *
     * @param clientId the application
     */
    public void invalidateClient(String clientId) {
        cache.asMap().values().removeIf(entry -> clientId.equals(entry.info.clientId()));
    }


    /**
     * Drops every answer for tokens of one user.
     *
     * @param username the user
     */
    public void invalidateUser(String username) {
        cache.asMap().values().removeIf(entry -> username.equals(entry.info.username()));
    }


    /**
     * Drops everything.
     */
    public void invalidateAll() {
        cache.invalidateAll();
    }


    /**
     * @return the number of entries, after pending maintenance
     */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }


    /**
     * An answer and the monotonic time after which it must not be served.
     */
    private static final class Entry {

        private final TokenInfo info;
        private final long deadline;


        Entry(TokenInfo info, long deadline) {
            this.info = info;
            this.deadline = deadline;
        }
    }
}
