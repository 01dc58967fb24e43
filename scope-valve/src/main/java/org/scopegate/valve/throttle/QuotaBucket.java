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
package org.scopegate.valve.throttle;

import java.util.concurrent.atomic.LongAdder;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * The bucket of one quota for one application (or one application on one rule), with what the sync has not yet
 * reported of its consumption.
 */
final class QuotaBucket {

    private final Bucket bucket;
    private final QuotaPolicy policy;
    private final String counterKey;
    private final LongAdder unreported = new LongAdder();


    /**
     * @param bucket     the token bucket
     * @param policy     the quota it enforces
     * @param counterKey the name the gateways share this count under
     */
    QuotaBucket(Bucket bucket, QuotaPolicy policy, String counterKey) {
        this.bucket = bucket;
        this.policy = policy;
        this.counterKey = counterKey;
    }


    /**
     * @param counting whether the consumption is reported to the other gateways
     *
     * @return Bucket4j's account of the attempt to take one request
     */
    ConsumptionProbe tryConsume(boolean counting) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (counting && probe.isConsumed()) {
            unreported.increment();
        }
        return probe;
    }


    /**
     * Gives back a request taken for nothing: another quota refused it.
     *
     * @param counting whether the consumption is reported to the other gateways
     */
    void refund(boolean counting) {
        bucket.addTokens(1);
        if (counting) {
            unreported.decrement();
        }
    }


    /**
     * Takes what other gateways consumed from this quota, even into debt: a debt is paid from the next window.
     *
     * @param requests requests served elsewhere
     */
    void consumedElsewhere(long requests) {
        if (requests > 0) {
            bucket.consumeIgnoringRateLimits(requests);
        }
    }


    /**
     * Gives back requests foreseen for other gateways that they did not serve.
     *
     * @param requests requests to give back (the bucket never holds more than its capacity)
     */
    void giveBack(long requests) {
        if (requests > 0) {
            bucket.addTokens(requests);
        }
    }


    /**
     * @return the consumption not yet reported, now counted as reported
     */
    long takeUnreported() {
        return unreported.sumThenReset();
    }


    /**
     * @param requests consumption whose report failed, to report again
     */
    void restoreUnreported(long requests) {
        unreported.add(requests);
    }


    /**
     * @return the requests left now (negative in debt)
     */
    long available() {
        return bucket.getAvailableTokens();
    }


    /**
     * @return the quota enforced
     */
    QuotaPolicy policy() {
        return policy;
    }


    /**
     * @return the name the gateways share this count under
     */
    String counterKey() {
        return counterKey;
    }
}
