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

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.scopegate.valve.metrics.DurationObserver;

/**
 * Counters of the validation path, read over JMX through the valve.
 */
public final class IntrospectionStatistics {

    private final LongAdder cacheHits = new LongAdder();
    private final AtomicLong cacheMisses = new AtomicLong();
    private final AtomicLong introspections = new AtomicLong();
    private final AtomicLong introspectionNanos = new AtomicLong();
    private volatile long lastIntrospectionNanos;
    private volatile DurationObserver latencyObserver = DurationObserver.NONE;


    void hit() {
        cacheHits.increment();
    }


    void miss() {
        cacheMisses.incrementAndGet();
    }


    void introspected(long nanos) {
        introspections.incrementAndGet();
        introspectionNanos.addAndGet(nanos);
        lastIntrospectionNanos = nanos;
        latencyObserver.observeNanos(nanos);
    }


    /**
     * Sends the latency of each further answered introspection to a histogram as well.
     *
     * @param observer the histogram, or {@code null} for none
     */
    public void observeLatencyWith(DurationObserver observer) {
        latencyObserver = observer == null ? DurationObserver.NONE : observer;
    }


    /**
     * @return requests answered from the cache
     */
    public long getCacheHits() {
        return cacheHits.sum();
    }


    /**
     * @return requests that had to introspect (not cached, or cache not trusted)
     */
    public long getCacheMisses() {
        return cacheMisses.get();
    }


    /**
     * @return introspections that got an answer
     */
    public long getIntrospections() {
        return introspections.get();
    }


    /**
     * @return mean latency of the introspections that got an answer, in milliseconds
     */
    public double getMeanLatencyMillis() {
        long n = introspections.get();
        return n == 0 ? 0.0 : introspectionNanos.get() / (n * 1_000_000.0);
    }


    /**
     * @return latency of the last introspection that got an answer, in milliseconds
     */
    public double getLastLatencyMillis() {
        return lastIntrospectionNanos / 1_000_000.0;
    }
}
