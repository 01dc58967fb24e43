/*
 * ScopeGate: an OAuth 2.0 token service and scope gate for Apache Tomcat.
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
package org.scopegate.token.grant;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Lockout arithmetic.
 */
public class TestLockoutPolicy {

    private final LockoutPolicy policy = new LockoutPolicy(5, 300, 3600, 60_000);

    @Test
    public void shouldLockWhenThresholdReachedThenTrue() {
        // VERIFY
        Assertions.assertFalse(policy.shouldLock(4));
        Assertions.assertTrue(policy.shouldLock(5));
    }

    @Test
    public void lockDurationWhenFurtherLocksThenDoubles() {
        // VERIFY
        Assertions.assertEquals(300_000L, policy.lockDurationMillis(1));
        Assertions.assertEquals(600_000L, policy.lockDurationMillis(2));
        Assertions.assertEquals(1_200_000L, policy.lockDurationMillis(3));
    }

    @Test
    public void lockDurationWhenManyLocksThenCappedAtLongestLockWithoutOverflow() {
        // TEST
        long fifth = policy.lockDurationMillis(5);
        long many = policy.lockDurationMillis(Integer.MAX_VALUE);

        // VERIFY: 300 s doubled four times is 4800 s, more than the longest lock of 3600 s
        Assertions.assertEquals(3_600_000L, fifth);
        Assertions.assertEquals(3_600_000L, many);
        Assertions.assertEquals(Long.MAX_VALUE, policy.lockedUntil(Integer.MAX_VALUE, Long.MAX_VALUE - 5));
    }

    @Test
    public void constructWhenLongestLockShorterThanFirstThenRejected() {
        // TEST and VERIFY
        Assertions.assertThrows(IllegalArgumentException.class, () -> new LockoutPolicy(5, 300, 299, 60_000));
    }

    @Test
    public void isLockedWhenBeforeAndAfterEndThenTrueThenFalse() {
        // PREPARE
        long until = policy.lockedUntil(1, 1_000L);

        // VERIFY
        Assertions.assertTrue(policy.isLocked(until, 300_999L));
        Assertions.assertFalse(policy.isLocked(until, 301_000L));
    }
}
