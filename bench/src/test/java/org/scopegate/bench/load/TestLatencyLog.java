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

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The latency log's percentiles: exact, nearest rank, on known samples.
 */
public class TestLatencyLog {

    @Test
    void percentileWhenOneToThousandThenNearestRank() {
        // PREPARE: 1..1000 added in reverse, so that sorting matters
        LatencyLog log = new LatencyLog(10);
        for (int v = 1000; v >= 1; v--) {
            log.add(v);
        }

        // TEST
        long[] sorted = log.sorted();

        // VERIFY
        Assertions.assertEquals(1000, log.count());
        Assertions.assertEquals(500, LatencyLog.percentile(sorted, 50));
        Assertions.assertEquals(900, LatencyLog.percentile(sorted, 90));
        Assertions.assertEquals(990, LatencyLog.percentile(sorted, 99));
        Assertions.assertEquals(999, LatencyLog.percentile(sorted, 99.9));
        Assertions.assertEquals(1000, LatencyLog.percentile(sorted, 100));
        Assertions.assertEquals(1, LatencyLog.percentile(sorted, 0));
        Assertions.assertEquals(500.5, LatencyLog.mean(sorted), 1e-9);
    }


    @Test
    void percentileWhenRunOfEightyThousandThenP999IsTheEightyTallestButOne() {
        // PREPARE: a 20 s run at 4,000/s: 80 values of 80,000 lie above p99.9
        LatencyLog log = new LatencyLog(80_000);
        for (int v = 1; v <= 80_000; v++) {
            log.add(v * 1000L);
        }

        // TEST
        long[] sorted = log.sorted();

        // VERIFY
        Assertions.assertEquals(79_920_000L, LatencyLog.percentile(sorted, 99.9));
        Assertions.assertEquals(79_200_000L, LatencyLog.percentile(sorted, 99));
        Assertions.assertEquals(40_000_000L, LatencyLog.percentile(sorted, 50));
    }


    @Test
    void percentileWhenFewSamplesThenTheTailIsTheMaximum() {
        // PREPARE: 99 fast answers and one stalled one
        LatencyLog log = new LatencyLog(0);
        for (int i = 0; i < 99; i++) {
            log.add(1_000_000L);
        }
        log.add(300_000_000L);

        // TEST
        long[] sorted = log.sorted();

        // VERIFY: p99 is the 99th value, p99.9 the 100th: the stall shows
        Assertions.assertEquals(1_000_000L, LatencyLog.percentile(sorted, 99));
        Assertions.assertEquals(300_000_000L, LatencyLog.percentile(sorted, 99.9));
    }


    @Test
    void percentileWhenEmptyThenZero() {
        // PREPARE
        LatencyLog log = new LatencyLog(4);

        // TEST
        long[] sorted = log.sorted();

        // VERIFY
        Assertions.assertEquals(0, sorted.length);
        Assertions.assertEquals(0, LatencyLog.percentile(sorted, 99.9));
        Assertions.assertEquals(0, LatencyLog.mean(sorted));
    }


    @Test
    void addWhenMoreThanExpectedThenEveryValueKept() {
        // PREPARE
        LatencyLog log = new LatencyLog(16);

        // TEST
        for (int i = 0; i < 1000; i++) {
            log.add(i);
        }

        // VERIFY
        long[] sorted = log.sorted();
        Assertions.assertEquals(1000, sorted.length);
        Assertions.assertEquals(0, sorted[0]);
        Assertions.assertEquals(999, sorted[999]);
        log.add(-5);
        Assertions.assertEquals(1000, sorted.length, "sorted() is a copy");
        Assertions.assertEquals(-5, log.sorted()[0]);
    }
}
