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

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Following the revocation feed: cursor first, evictions, reset, and when the cache is trusted.
 */
public class TestRevocationFeedPoller {

    private static final Log LOG = LogFactory.getLog(TestRevocationFeedPoller.class);
    private static final long EXP = System.currentTimeMillis() / 1000 + 3600;

    private final AtomicLong nanos = new AtomicLong(0);
    private final TokenInfoCache cache = new TokenInfoCache(100, 300, 5, nanos::get, System::currentTimeMillis);
    private final ScriptedFeed feed = new ScriptedFeed();
    private final RevocationFeedPoller poller = new RevocationFeedPoller(feed, cache, 500, 1500,
            new ServiceHealth("feed", "test", LOG), "test-poller", nanos::get, LOG);


    /** A feed that answers what the test queued, or fails when nothing is queued. */
    private static final class ScriptedFeed implements TokenIntrospector {

        final Deque<RevocationBatch> answers = new ArrayDeque<>();
        long lastAfter = Long.MIN_VALUE;

        @Override
        public TokenInfo introspect(String token, TokenDigest digest) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RevocationBatch revocations(long after) throws IntrospectionException {
            lastAfter = after;
            RevocationBatch answer = answers.poll();
            if (answer == null) {
                throw new IntrospectionException("down");
            }
            return answer;
        }

        @Override
        public String describe() {
            return "scripted feed";
        }
    }


    private void fill() {
        cache.put(TokenDigest.of("a"), TokenInfo.active("alice", "app1", "read", EXP));
        cache.put(TokenDigest.of("b"), TokenInfo.active("bob", "app2", "read", EXP));
        cache.put(TokenDigest.of("c"), TokenInfo.active("carol", "app2", "read", EXP));
    }


    private void startAt(long cursor) {
        feed.answers.add(new RevocationBatch(cursor, false, List.of()));
        Assertions.assertTrue(poller.pollOnce());
    }


    @Test
    void pollOnceWhenFirstPollThenAsksForCursorOnly() {
        // PREPARE
        feed.answers.add(new RevocationBatch(41, false, List.of()));

        // TEST
        boolean ok = poller.pollOnce();

        // VERIFY
        Assertions.assertTrue(ok);
        Assertions.assertEquals(-1, feed.lastAfter);
        Assertions.assertEquals(41, poller.getCursor());
        Assertions.assertTrue(poller.hasCursor());
        Assertions.assertTrue(poller.isCacheTrusted());
    }


    @Test
    void pollOnceWhenFeedDownAtFirstThenNoCursorAndNotTrusted() {
        // TEST
        boolean ok = poller.pollOnce();

        // VERIFY
        Assertions.assertFalse(ok);
        Assertions.assertFalse(poller.hasCursor());
        Assertions.assertFalse(poller.isCacheTrusted());
    }


    @Test
    void pollOnceWhenTokenEventThenThatTokenRememberedAsRevoked() {
        // PREPARE
        startAt(10);
        fill();
        feed.answers.add(new RevocationBatch(11, false,
                List.of(new RevocationEvent("token", TokenDigest.of("a").hex()))));
        long epoch = poller.epoch();

        // TEST
        poller.pollOnce();

        // VERIFY
        Assertions.assertEquals(10, feed.lastAfter);
        Assertions.assertEquals(11, poller.getCursor());
        // a revoked token never comes back: its next use is refused from the cache
        Assertions.assertSame(TokenInfo.INACTIVE, cache.get(TokenDigest.of("a")));
        Assertions.assertTrue(cache.get(TokenDigest.of("b")).active());
        Assertions.assertNotEquals(epoch, poller.epoch());
    }


    @Test
    void pollOnceWhenEventsCarryTheirTimeThenLagObservedForEach() {
        // PREPARE
        startAt(10);
        List<Long> lags = new ArrayList<>();
        poller.observeLagWith(lags::add);
        long written = System.currentTimeMillis() - 1500;
        feed.answers.add(new RevocationBatch(12, false, List.of(new RevocationEvent("client", "app2", written),
                new RevocationEvent("user", "bob"))));

        // TEST
        poller.pollOnce();

        // VERIFY: only the event with a time is measured, from that time to now
        Assertions.assertEquals(1, lags.size(), lags::toString);
        long millis = TimeUnit.NANOSECONDS.toMillis(lags.get(0).longValue());
        Assertions.assertTrue(millis >= 1500 && millis < 60_000, "lag " + millis + " ms");
    }


    @Test
    void pollOnceWhenClientEventThenTokensOfClientEvicted() {
        // PREPARE
        startAt(10);
        fill();
        feed.answers.add(new RevocationBatch(11, false, List.of(new RevocationEvent("client", "app2"))));

        // TEST
        poller.pollOnce();

        // VERIFY
        Assertions.assertNotNull(cache.get(TokenDigest.of("a")));
        Assertions.assertNull(cache.get(TokenDigest.of("b")));
        Assertions.assertNull(cache.get(TokenDigest.of("c")));
    }


    @Test
    void pollOnceWhenUserEventThenTokensOfUserEvicted() {
        // PREPARE
        startAt(10);
        fill();
        feed.answers.add(new RevocationBatch(11, false, List.of(new RevocationEvent("user", "bob"))));

        // TEST
        poller.pollOnce();

        // VERIFY
        Assertions.assertNotNull(cache.get(TokenDigest.of("a")));
        Assertions.assertNull(cache.get(TokenDigest.of("b")));
        Assertions.assertNotNull(cache.get(TokenDigest.of("c")));
    }


    @Test
    void pollOnceWhenResetThenEverythingEvicted() {
        // PREPARE
        startAt(10);
        fill();
        feed.answers.add(new RevocationBatch(5000, true, List.of()));

        // TEST
        poller.pollOnce();

        // VERIFY
        Assertions.assertEquals(0, cache.size());
        Assertions.assertEquals(5000, poller.getCursor());
        Assertions.assertEquals(1, poller.getResetCount());
    }


    @Test
    void pollOnceWhenUnknownEventTypeThenEverythingEvicted() {
        // PREPARE
        startAt(10);
        fill();
        feed.answers.add(new RevocationBatch(11, false, List.of(new RevocationEvent("tenant", "x"))));

        // TEST
        poller.pollOnce();

        // VERIFY
        Assertions.assertEquals(0, cache.size());
    }


    @Test
    void isCacheTrustedWhenLastGoodPollOlderThanMaxLagThenFalse() {
        // PREPARE
        startAt(10);
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1500));
        boolean atLimit = poller.isCacheTrusted();

        // TEST
        poller.pollOnce();
        nanos.addAndGet(1);

        // VERIFY: the failed poll does not refresh the trust
        Assertions.assertTrue(atLimit);
        Assertions.assertFalse(poller.isCacheTrusted());
    }


    @Test
    void pollOnceWhenFeedRecoversThenMissedEventsApplied() {
        // PREPARE
        startAt(10);
        fill();
        poller.pollOnce();
        feed.answers.add(new RevocationBatch(12, false,
                List.of(new RevocationEvent("user", "alice"), new RevocationEvent("user", "carol"))));

        // TEST
        boolean ok = poller.pollOnce();

        // VERIFY
        Assertions.assertTrue(ok);
        Assertions.assertEquals(10, feed.lastAfter);
        Assertions.assertEquals(1, cache.size());
        Assertions.assertTrue(poller.isCacheTrusted());
    }
}
