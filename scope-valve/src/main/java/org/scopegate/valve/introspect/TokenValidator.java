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

import java.util.function.LongSupplier;

/**
 * Answers "what does this token hold?" from the cache when the cache can be trusted, else from the
 * {@link TokenIntrospector}, and caches the answer when it is safe to (the feed's cursor is known and no eviction
 * was applied while the answer was being fetched).
 */
public final class TokenValidator {

    private final TokenIntrospector introspector;
    private final TokenInfoCache cache;
    private final RevocationFeed poller;
    private final IntrospectionStatistics statistics;
    private final ServiceHealth health;
    private final LongSupplier nanoClock;


    /**
     * @param introspector the source of truth
     * @param cache        the answers kept
     * @param poller       the revocation feed that keeps the cache honest
     * @param statistics   counters for JMX
     * @param health       availability of the token service
     * @param nanoClock    monotonic clock in nanoseconds
     */
    public TokenValidator(TokenIntrospector introspector, TokenInfoCache cache, RevocationFeed poller,
            IntrospectionStatistics statistics, ServiceHealth health, LongSupplier nanoClock) {
        this.introspector = introspector;
        this.cache = cache;
        this.poller = poller;
        this.statistics = statistics;
        this.health = health;
        this.nanoClock = nanoClock;
    }


    /**
     * The hot path of a known token: the cached answer, when the cache can be trusted, with no introspection and no
     * need of the token itself (only of its digest).
     *
     * @param digest the token's SHA-256
     *
     * @return the cached answer, or {@code null} when {@link #validate} must be asked
     */
    public TokenInfo cached(TokenDigest digest) {
        poller.ensureStarted();
        if (poller.isCacheTrusted()) {
            TokenInfo cached = cache.get(digest);
            if (cached != null) {
                statistics.hit();
                return cached;
            }
        }
        return null;
    }


    /**
     * @param token  the token as sent
     * @param digest its SHA-256
     *
     * @return what the token holds; {@link TokenInfo#INACTIVE} for anything inactive
     *
     * @throws IntrospectionException when no trustworthy answer can be had
     */
    public TokenInfo validate(String token, TokenDigest digest) throws IntrospectionException {
        poller.ensureStarted();
        if (poller.isCacheTrusted()) {
            TokenInfo cached = cache.get(digest);
            if (cached != null) {
                statistics.hit();
                return cached;
            }
        }
        statistics.miss();
        long epoch = poller.epoch();
        boolean cacheable = poller.hasCursor();
        long start = nanoClock.getAsLong();
        TokenInfo info;
        try {
            info = introspector.introspect(token, digest);
        } catch (IntrospectionException | RuntimeException e) {
            health.markDown(e);
            throw e;
        }
        statistics.introspected(nanoClock.getAsLong() - start);
        health.markUp();
        if (cacheable && poller.epoch() == epoch) {
            cache.put(digest, info);
            if (poller.epoch() != epoch) {
                // An eviction ran while we were putting: it may have missed this entry
                cache.invalidate(digest);
            }
        }
        return info;
    }
}
