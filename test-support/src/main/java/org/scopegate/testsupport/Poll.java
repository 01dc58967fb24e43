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
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * The one way the tests wait for something that must happen within a limit: "the revoked token is refused within
 * 2 s", "the valve trusts its cache again". The probe is called until its answer passes (or until three times the
 * limit, so that a failure says how late it came), pausing briefly between calls; the result says what the last
 * answer was and when it came, and {@link #within} fails with both when the limit was missed.
 */
public final class Poll {

    /** The pause between two probes. */
    public static final Duration PAUSE = Duration.ofMillis(20);

    private Poll() {
    }


    /**
     * Probes until the answer is refused (or the condition otherwise holds), and asserts that it happened within the
     * limit, timed from now.
     *
     * @param <T>     the probe's answer
     * @param what    what is awaited, for the failure message (for example "the revoked token refused")
     * @param limit   the most time it may take
     * @param probe   one request
     * @param refused whether an answer is the awaited one
     *
     * @return the awaited answer, and when it came
     *
     * @throws Exception      what the probe throws
     * @throws AssertionError when no answer passed within the limit
     */
    public static <T> Result<T> within(String what, Duration limit, Callable<T> probe, Predicate<? super T> refused)
            throws Exception {
        return within(what, limit, System.nanoTime(), probe, refused);
    }


    /**
     * The same, timed from an earlier moment (for example just before the revocation was sent).
     *
     * @param <T>        the probe's answer
     * @param what       what is awaited
     * @param limit      the most time it may take, from {@code startNanos}
     * @param startNanos {@link System#nanoTime()} at the event
     * @param probe      one request
     * @param refused    whether an answer is the awaited one
     *
     * @return the awaited answer, and when it came
     *
     * @throws Exception      what the probe throws
     * @throws AssertionError when no answer passed within the limit
     */
    public static <T> Result<T> within(String what, Duration limit, long startNanos, Callable<T> probe,
            Predicate<? super T> refused) throws Exception {
        Result<T> result = until(limit.multipliedBy(3), startNanos, probe, refused);
        if (!result.met() || result.elapsed().compareTo(limit) > 0) {
            throw new AssertionError(what + ": not within " + limit.toMillis() + " ms: " + (result.met() ?
                    "only after " + result.elapsed().toMillis() + " ms" :
                    "still " + result.value() + " after " + result.elapsed().toMillis() + " ms"));
        }
        return result;
    }


    /**
     * Waits for a condition, without a time assertion on success.
     *
     * @param what      what is awaited
     * @param limit     the most time it may take
     * @param condition the condition
     *
     * @throws Exception      what the condition throws
     * @throws AssertionError when it did not hold within the limit
     */
    public static void await(String what, Duration limit, Callable<Boolean> condition) throws Exception {
        Result<Boolean> r = until(limit, System.nanoTime(), condition, Boolean::booleanValue);
        if (!r.met()) {
            throw new AssertionError(what + ": not within " + limit.toMillis() + " ms");
        }
    }


    /**
     * Probes until an answer passes or the deadline comes; never asserts.
     *
     * @param <T>        the probe's answer
     * @param deadline   how long to keep probing, from {@code startNanos}
     * @param startNanos {@link System#nanoTime()} at the start
     * @param probe      one request
     * @param done       whether an answer is the awaited one
     *
     * @return the last answer, whether it passed, and when it came
     *
     * @throws Exception what the probe throws
     */
    public static <T> Result<T> until(Duration deadline, long startNanos, Callable<T> probe, Predicate<? super T> done)
            throws Exception {
        while (true) {
            T value = probe.call();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            if (done.test(value)) {
                return new Result<>(value, true, elapsed);
            }
            if (elapsed.compareTo(deadline) >= 0) {
                return new Result<>(value, false, elapsed);
            }
            Thread.sleep(PAUSE.toMillis());
        }
    }


    /**
     * What a poll saw last.
     *
     * @param <T>     the probe's answer
     * @param value   the last answer
     * @param met     whether it was the awaited one
     * @param elapsed when it came, from the start
     */
    public record Result<T>(T value, boolean met, Duration elapsed) {

        /**
         * @return {@link #elapsed()} in milliseconds
         */
        public long millis() {
            return elapsed.toMillis();
        }
    }
}
