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
 * Account lockout arithmetic: after {@code threshold} failed logins in a row an account is locked for
 * {@code duration}, doubling at each further lock.
 */
public final class LockoutPolicy {

    private static final int MAX_DOUBLINGS = 20;

    private final int threshold;
    private final long durationMillis;

    /**
     * @param threshold failed logins in a row before a lock
     * @param durationSeconds seconds of the first lock
     */
    public LockoutPolicy(int threshold, long durationSeconds) {
        this.threshold = threshold;
        this.durationMillis = durationSeconds * 1000L;
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
     * @return the lock's length in milliseconds: the base duration doubled {@code lockNumber - 1} times (at most
     *         {@value #MAX_DOUBLINGS} doublings)
     */
    public long lockDurationMillis(int lockNumber) {
        int doublings = Math.min(Math.max(lockNumber - 1, 0), MAX_DOUBLINGS);
        long factor = 1L << doublings;
        if (durationMillis > Long.MAX_VALUE / factor) {
            return Long.MAX_VALUE / 2;
        }
        return durationMillis * factor;
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
