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

/**
 * Account lockout arithmetic. At most {@code threshold} password checks of a user reach the real hash in a lock
 * window: each check claims a place first, and the claim is refused while failures and checks in flight fill the
 * threshold. The {@code threshold}-th failure locks the account for {@code duration}; each further lock (with no good
 * login in between) doubles it, up to {@code maxDuration}. A claim not released within {@link #claimTimeoutMillis()}
 * (the server died while hashing) stops counting.
 */
public final class LockoutPolicy {

    private final int threshold;
    private final long durationMillis;
    private final long maxDurationMillis;
    private final long claimTimeoutMillis;

    /**
     * @param threshold failed logins in a row before a lock
     * @param durationSeconds seconds of the first lock
     * @param maxDurationSeconds longest lock, in seconds (at least {@code durationSeconds})
     * @param claimTimeoutMillis milliseconds after which an unreleased claim stops counting
     */
    public LockoutPolicy(int threshold, long durationSeconds, long maxDurationSeconds, long claimTimeoutMillis) {
        if (threshold < 1 || durationSeconds < 1 || maxDurationSeconds < durationSeconds || claimTimeoutMillis < 1) {
            throw new IllegalArgumentException("Lockout settings out of range");
        }
        this.threshold = threshold;
        this.durationMillis = durationSeconds * 1000L;
        this.maxDurationMillis = maxDurationSeconds * 1000L;
        this.claimTimeoutMillis = claimTimeoutMillis;
    }

    /**
     * @return failed logins in a row before a lock, and the most checks that may reach the hash in a lock window
     */
    public int threshold() {
        return threshold;
    }

    /**
     * @return milliseconds after which a claim that was never released (its server died) stops counting
     */
    public long claimTimeoutMillis() {
        return claimTimeoutMillis;
    }

    /**
     * @param lockedUntil the user's {@code locked_until}, epoch milliseconds
     * @param now epoch milliseconds
     * @return whether the account is locked now
     */
    public boolean isLocked(long lockedUntil, long now) {
        return lockedUntil > now;
    }

    /**
     * @param failedLogins failed logins in a row, including the one just counted
     * @return whether the account must now be locked
     */
    public boolean shouldLock(int failedLogins) {
        return failedLogins >= threshold;
    }

    /**
     * @param lockNumber 1 for the first lock, 2 for the next, ...
     * @return the lock's length in milliseconds: the base duration doubled {@code lockNumber - 1} times, at most the
     *         longest lock
     */
    public long lockDurationMillis(int lockNumber) {
        long duration = durationMillis;
        for (int i = 1; i < lockNumber && duration < maxDurationMillis; i++) {
            duration *= 2;
        }
        return Math.min(duration, maxDurationMillis);
    }

    /**
     * @param lockNumber 1 for the first lock, 2 for the next, ...
     * @param now epoch milliseconds
     * @return epoch milliseconds at which the lock ends
     */
    public long lockedUntil(int lockNumber, long now) {
        long duration = lockDurationMillis(lockNumber);
        return now > Long.MAX_VALUE - duration ? Long.MAX_VALUE : now + duration;
    }
}
