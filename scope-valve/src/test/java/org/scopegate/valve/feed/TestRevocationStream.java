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

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The lease's arithmetic: a time vouched for on the key manager's clock is never counted as later than it can be
 * on this server's clock.
 */
public class TestRevocationStream {

    @Test
    void vouchedElapsedWhenKeyManagerClockMayRunFasterThenCountedSlightlyShorter() {
        // TEST
        long oneHour = RevocationStream.vouchedElapsed(TimeUnit.HOURS.toMillis(1));

        // VERIFY: 100 ppm of an hour is 360 ms
        Assertions.assertEquals(TimeUnit.HOURS.toNanos(1) - TimeUnit.MILLISECONDS.toNanos(360), oneHour);
    }


    @Test
    void vouchedElapsedWhenBeforeTheStreamWasRegisteredThenCountedSlightlyEarlier() {
        // TEST: a read that started before the stream registered vouches for a negative time
        long before = RevocationStream.vouchedElapsed(-10_000);

        // VERIFY
        Assertions.assertEquals(-TimeUnit.MILLISECONDS.toNanos(10_001), before);
    }


    @Test
    void vouchedElapsedWhenZeroThenZero() {
        Assertions.assertEquals(0, RevocationStream.vouchedElapsed(0));
    }
}
