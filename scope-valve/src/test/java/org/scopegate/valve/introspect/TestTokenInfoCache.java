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

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The answer cache: TTL, never past the token expiry, negative TTL, bound, evictions.
 */
public class TestTokenInfoCache {

    private static final long START_MILLIS = 1_764_111_600_000L;

    private final AtomicLong nanos = new AtomicLong(0);
    private final AtomicLong millis = new AtomicLong(START_MILLIS);


    private void advanceSeconds(long seconds) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
        millis.addAndGet(TimeUnit.SECONDS.toMillis(seconds));
    }


    private TokenInfoCache cache(long size, long ttl, long negativeTtl) {
        return new TokenInfoCache(size, ttl, negativeTtl, nanos::get, millis::get);
    }


    private static long nowSeconds(long offset) {
        return START_MILLIS / 1000 + offset;
    }


    @Test
    void getWhenWithinTtlThenCached() {
        // PREPARE
        TokenInfoCache cache = cache(100, 300, 5);
        TokenDigest digest = TokenDigest.of("a");
        cache.put(digest, TokenInfo.active("alice", "app", "read", nowSeconds(3600)));
        advanceSeconds(299);

        // TEST
        TokenInfo info = cache.get(digest);

        // VERIFY
        Assertions.assertNotNull(info);
        Assertions.assertEquals("alice", info.username());
    }


    @Test
    void getWhenTtlPassedThenGone() {
        // PREPARE
        TokenInfoCache cache = cache(100, 300, 5);
        TokenDigest digest = TokenDigest.of("a");
        cache.put(digest, TokenInfo.active("alice", "app", "read", nowSeconds(3600)));
        advanceSeconds(301);

        // TEST
        TokenInfo info = cache.get(digest);

        // VERIFY
        Assertions.assertNull(info);
    }


    @Test
    void getWhenTokenExpiresBeforeTtlThenGoneAtExpiry() {
        // PREPARE
        TokenInfoCache cache = cache(100, 300, 5);
        TokenDigest digest = TokenDigest.of("a");
        cache.put(digest, TokenInfo.active("alice", "app", "read", nowSeconds(60)));

        // TEST
        advanceSeconds(59);
        TokenInfo before = cache.get(digest);
        advanceSeconds(1);
        TokenInfo at = cache.get(digest);

        // VERIFY
        Assertions.assertNotNull(before);
        Assertions.assertNull(at);
    }


    @Test
    void putWhenTokenAlreadyExpiredThenNotServed() {
        // PREPARE
        TokenInfoCache cache = cache(100, 300, 5);
        TokenDigest digest = TokenDigest.of("a");

        // TEST
        cache.put(digest, TokenInfo.active("alice", "app", "read", nowSeconds(-1)));

        // VERIFY
        Assertions.assertNull(cache.get(digest));
    }


    @Test
    void getWhenInactiveThenKeptForNegativeTtlOnly() {
        // PREPARE
        TokenInfoCache cache = cache(100, 300, 5);
        TokenDigest digest = TokenDigest.of("a");
        cache.put(digest, TokenInfo.INACTIVE);

        // TEST
        advanceSeconds(4);
        TokenInfo before = cache.get(digest);
        advanceSeconds(1);
        TokenInfo after = cache.get(digest);

        // VERIFY
        Assertions.assertSame(TokenInfo.INACTIVE, before);
        Assertions.assertNull(after);
    }


    @Test
    void putWhenMoreThanMaximumThenBounded() {
        // PREPARE
        TokenInfoCache cache = cache(10, 300, 5);

        // TEST
        for (int i = 0; i < 100; i++) {
            cache.put(TokenDigest.of("token-" + i), TokenInfo.active("u" + i, "app", "read", nowSeconds(3600)));
        }

        // VERIFY
        Assertions.assertTrue(cache.size() <= 10, Long.toString(cache.size()));
    }


    @Test
    void invalidateClientWhenSeveralClientsThenOnlyThatClientDropped() {
        // PREPARE
        TokenInfoCache cache = cache(100, 300, 5);
        cache.put(TokenDigest.of("a"), TokenInfo.active("alice", "app1", "read", nowSeconds(3600)));
        cache.put(TokenDigest.of("b"), TokenInfo.active("bob", "app2", "read", nowSeconds(3600)));

        // TEST
        cache.invalidateClient("app1");

        // VERIFY
        Assertions.assertNull(cache.get(TokenDigest.of("a")));
        Assertions.assertNotNull(cache.get(TokenDigest.of("b")));
    }


    @Test
    void invalidateUserWhenSeveralUsersThenOnlyThatUserDropped() {
        // PREPARE
        TokenInfoCache cache = cache(100, 300, 5);
        cache.put(TokenDigest.of("a"), TokenInfo.active("alice", "app1", "read", nowSeconds(3600)));
        cache.put(TokenDigest.of("b"), TokenInfo.active("bob", "app1", "read", nowSeconds(3600)));

        // TEST
        cache.invalidateUser("alice");

        // VERIFY
        Assertions.assertNull(cache.get(TokenDigest.of("a")));
        Assertions.assertNotNull(cache.get(TokenDigest.of("b")));
    }
}
