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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Cache or introspection: nothing cached without a cursor, nor across an eviction.
 */
public class TestTokenValidator {

    private static final Log LOG = LogFactory.getLog(TestTokenValidator.class);
    private static final long EXP = System.currentTimeMillis() / 1000 + 3600;

    private final AtomicLong nanos = new AtomicLong(0);
    private final AtomicInteger introspections = new AtomicInteger();
    private final TokenInfoCache cache = new TokenInfoCache(100, 300, 5, nanos::get, System::currentTimeMillis);
    private volatile boolean feedUp;
    private volatile Runnable duringIntrospection = () -> { };

    private final TokenIntrospector source = new TokenIntrospector() {
        @Override
        public TokenInfo introspect(String token, TokenDigest digest) {
            introspections.incrementAndGet();
            duringIntrospection.run();
            return TokenInfo.active("alice", "app", "read", EXP);
        }

        @Override
        public RevocationBatch revocations(long after) throws IntrospectionException {
            if (!feedUp) {
                throw new IntrospectionException("down");
            }
            return new RevocationBatch(after < 0 ? 0 : 1, false,
                    after < 0 ? List.of() : List.of(new RevocationEvent("user", "nobody")));
        }

        @Override
        public String describe() {
            return "test source";
        }
    };

    private final RevocationFeedPoller poller = new RevocationFeedPoller(source, cache, 500, 1500,
            new ServiceHealth("feed", "test", LOG), "test-poller", nanos::get, LOG);
    private final IntrospectionStatistics statistics = new IntrospectionStatistics();
    private final TokenValidator validator = new TokenValidator(source, cache, poller, statistics,
            new ServiceHealth("service", "test", LOG), nanos::get);


    TestTokenValidator() {
        // The thread is never started in these tests: polls are driven by hand
        poller.stop();
    }


    @Test
    void validateWhenNoCursorYetThenNothingCached() throws Exception {
        // PREPARE
        TokenDigest digest = TokenDigest.of("t");

        // TEST
        validator.validate("t", digest);
        validator.validate("t", digest);

        // VERIFY
        Assertions.assertEquals(2, introspections.get());
        Assertions.assertEquals(0, cache.size());
    }


    @Test
    void validateWhenCacheTrustedThenSecondAnswerFromCache() throws Exception {
        // PREPARE
        feedUp = true;
        poller.pollOnce();
        TokenDigest digest = TokenDigest.of("t");

        // TEST
        validator.validate("t", digest);
        TokenInfo second = validator.validate("t", digest);

        // VERIFY
        Assertions.assertEquals(1, introspections.get());
        Assertions.assertEquals("alice", second.username());
        Assertions.assertEquals(1, statistics.getCacheHits());
        Assertions.assertEquals(1, statistics.getCacheMisses());
    }


    @Test
    void cachedWhenAnswerCachedAndFeedCurrentThenAnswerWithoutIntrospection() throws Exception {
        // PREPARE
        feedUp = true;
        poller.pollOnce();
        TokenDigest digest = TokenDigest.of("t");
        Assertions.assertNull(validator.cached(digest));
        validator.validate("t", digest);

        // TEST
        TokenInfo cached = validator.cached(digest);
        nanos.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(3));
        TokenInfo afterFeedLag = validator.cached(digest);

        // VERIFY: served from the cache only while the feed is current (2 s without a good poll: not trusted)
        Assertions.assertEquals("alice", cached.username());
        Assertions.assertNull(afterFeedLag);
        Assertions.assertEquals(1, introspections.get());
    }


    @Test
    void validateWhenEvictionAppliedDuringIntrospectionThenAnswerNotCached() throws Exception {
        // PREPARE
        feedUp = true;
        poller.pollOnce();
        duringIntrospection = poller::pollOnce;
        TokenDigest digest = TokenDigest.of("t");

        // TEST
        validator.validate("t", digest);

        // VERIFY
        Assertions.assertEquals(0, cache.size());
    }
}
