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
package org.scopegate.token.crypto;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the password hashes of a server cost since it started: how many ran, their CPU and elapsed time, and how long
 * logins waited for a free processor before hashing. The CPU time is the hashing thread's own (other threads that
 * share the core do not count), so {@code hashes x CPU time / cores / elapsed} is the share of the machine that
 * went into hashing. Besides, how many checks ran against a stored hash (verifications), how many against the dummy
 * hash (unknown, disabled or locked users, and checks beyond the lockout count), and how many were refused because
 * too many waited for a processor.
 */
public final class PasswordHashStatistics {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final boolean cpuTimeSupported = THREADS.isCurrentThreadCpuTimeSupported();
    private final LongAdder hashes = new LongAdder();
    private final LongAdder cpuNanos = new LongAdder();
    private final LongAdder elapsedNanos = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();
    private volatile HashObserver observer = HashObserver.NONE;
    private final LongAdder verifications = new LongAdder();
    private final LongAdder dummyVerifications = new LongAdder();
    private final LongAdder refusals = new LongAdder();

    /** A hash being measured. */
    final class Measurement {

        private final long requested = System.nanoTime();
        private long started;
        private long startedCpu;

        /** The hash got its processor and starts now. */
        void start() {
            started = System.nanoTime();
            startedCpu = cpuTimeSupported ? THREADS.getCurrentThreadCpuTime() : 0;
        }

        /** The hash ended (or failed). */
        void end() {
            long now = System.nanoTime();
            hashes.increment();
            waitNanos.add(started - requested);
            observer.hashed(started - requested, now - started);
            elapsedNanos.add(now - started);
            if (cpuTimeSupported) {
                cpuNanos.add(THREADS.getCurrentThreadCpuTime() - startedCpu);
            }
        }
    }

    Measurement begin() {
        return new Measurement();
    }

    void countVerification() {
        verifications.increment();
    }

    void countDummyVerification() {
        dummyVerifications.increment();
    }

    void countRefusal() {
        refusals.increment();
    }

    /**
     * Sends every further hash's wait and duration to an observer as well (the metrics' histograms).
     *
     * @param observer the observer; {@link HashObserver#NONE} to stop
     */
    public void observeWith(HashObserver observer) {
        this.observer = observer;
    }

    /** Receives the wait and the duration of each hash. */
    @FunctionalInterface
    public interface HashObserver {

        /** Receives nothing. */
        HashObserver NONE = (waitNanos, hashNanos) -> {
        };

        /**
         * @param waitNanos how long the hash waited for a slot
         * @param hashNanos how long it took once it had one
         */
        void hashed(long waitNanos, long hashNanos);
    }

    /**
     * @return the figures since start: {@code hashes}, {@code cpu_ms_total} (-1 where the JVM cannot measure thread
     *         CPU time), {@code elapsed_ms_total}, {@code wait_ms_total}, and the counts of verifications, dummy
     *         verifications and refusals
     */
    public Snapshot snapshot() {
        return new Snapshot(hashes.sum(), cpuTimeSupported ? cpuNanos.sum() / 1e6 : -1, elapsedNanos.sum() / 1e6,
                waitNanos.sum() / 1e6, verifications.sum(), dummyVerifications.sum(), refusals.sum());
    }

    /**
     * Totals since start.
     *
     * @param hashes hashes run
     * @param cpuMillis their CPU time on the hashing threads, or -1 when not measurable
     * @param elapsedMillis their elapsed time
     * @param waitMillis the time logins waited for a processor before hashing
     * @param verifications checks of a password against a stored hash
     * @param dummyVerifications checks against the dummy hash (the user unknown, disabled, locked or out of tries)
     * @param refusals hashes refused because the queue was full or the wait too long
     */
    public record Snapshot(long hashes, double cpuMillis, double elapsedMillis, double waitMillis, long verifications,
            long dummyVerifications, long refusals) {
    }
}
