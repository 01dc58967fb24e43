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
package org.scopegate.bench.load;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;

/**
 * Every latency of a run, in nanoseconds, kept whole (a run at 4,000 requests/s for 20 s is 80,000 longs): the
 * percentiles are exact, with no histogram's rounding. One writer thread.
 */
public final class LatencyLog {

    private long[] values;
    private int count;


    /**
     * @param expected how many values are expected (the log grows beyond that)
     */
    public LatencyLog(int expected) {
        values = new long[Math.max(16, expected)];
    }


    /**
     * @param nanos a latency
     */
    public void add(long nanos) {
        if (count == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[count++] = nanos;
    }


    /** @return values recorded */
    public int count() {
        return count;
    }


    /**
     * @return the values, sorted (a copy)
     */
    public long[] sorted() {
        long[] s = Arrays.copyOf(values, count);
        Arrays.sort(s);
        return s;
    }


    /**
     * @param sorted  sorted values
     * @param percent 0 to 100
     *
     * @return the value at that percentile (nearest rank), or 0 when there are none
     */
    public static long percentile(long[] sorted, double percent) {
        if (sorted.length == 0) {
            return 0;
        }
        // In decimal: in binary floating point 99.9 / 100 * 1000 is 999.0000000000001, whose ceiling is one rank too far
        int rank = BigDecimal.valueOf(percent).multiply(BigDecimal.valueOf(sorted.length))
                .divide(BigDecimal.valueOf(100), 0, RoundingMode.CEILING).intValue();
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }


    /**
     * @param sorted sorted values
     *
     * @return their mean, or 0
     */
    public static double mean(long[] sorted) {
        return sorted.length == 0 ? 0 : Arrays.stream(sorted).average().orElse(0);
    }
}
