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
package org.scopegate.testsupport;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The shared poll: passes when the answer comes in time, fails saying how late or what was seen last.
 */
public class TestPoll {

    @Test
    void withinWhenRefusedInTimeThenAnswerAndElapsedReturned() throws Exception {
        // PREPARE
        AtomicInteger calls = new AtomicInteger();

        // TEST
        Poll.Result<Integer> r = Poll.within("refused", Duration.ofSeconds(2),
                () -> Integer.valueOf(calls.incrementAndGet() < 3 ? 200 : 401), s -> s.intValue() != 200);

        // VERIFY
        Assertions.assertTrue(r.met());
        Assertions.assertEquals(401, r.value().intValue());
        Assertions.assertEquals(3, calls.get());
        Assertions.assertTrue(r.millis() < 2000, r::toString);
    }


    @Test
    void withinWhenNeverRefusedThenFailsWithTheLastAnswer() {
        // TEST
        AssertionError e = Assertions.assertThrows(AssertionError.class, () -> Poll.within("the token refused",
                Duration.ofMillis(100), () -> Integer.valueOf(200), s -> s.intValue() != 200));

        // VERIFY
        Assertions.assertTrue(e.getMessage().startsWith("the token refused: not within 100 ms: still 200 after "),
                e.getMessage());
    }


    @Test
    void withinWhenRefusedTooLateThenFailsSayingWhen() {
        // PREPARE: timed from an event 150 ms ago, limit 100 ms
        long start = System.nanoTime() - Duration.ofMillis(150).toNanos();

        // TEST
        AssertionError e = Assertions.assertThrows(AssertionError.class, () -> Poll.within("the token refused",
                Duration.ofMillis(100), start, () -> Integer.valueOf(401), s -> s.intValue() != 200));

        // VERIFY
        Assertions.assertTrue(e.getMessage().contains("not within 100 ms: only after 1"), e.getMessage());
    }


    @Test
    void awaitWhenConditionNeverHoldsThenFails() {
        AssertionError e = Assertions.assertThrows(AssertionError.class,
                () -> Poll.await("cache trusted", Duration.ofMillis(60), () -> Boolean.FALSE));
        Assertions.assertEquals("cache trusted: not within 60 ms", e.getMessage());
    }
}
