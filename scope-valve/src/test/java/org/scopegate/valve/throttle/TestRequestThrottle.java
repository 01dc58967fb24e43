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

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Token buckets per application on an injected clock: a quota of 5 a minute serves 5, refuses the 6th with the
 * time to the next window, leaves other applications alone and refills at the next window.
 */
public class TestRequestThrottle {

    /** 2026-11-27T10:00:00Z: a whole minute. */
    private static final long MINUTE = 1_795_773_600_000L;

    private final AtomicLong clock = new AtomicLong(MINUTE + 48_000);
    private final QuotaPolicy five = QuotaPolicy.of("Trial", 5, 60, 0);


    @Test
    void consumeWhenQuotaSpentThenSixthRefusedUntilNextWindow() {
        // PREPARE
        RequestThrottle throttle = new RequestThrottle(1, 1000, clock::get);

        // TEST
        ThrottleDecision[] decisions = new ThrottleDecision[6];
        for (int i = 0; i < 6; i++) {
            decisions[i] = throttle.consume("12", "client-a", five, null);
            clock.addAndGet(100);
        }

        // VERIFY
        for (int i = 0; i < 5; i++) {
            Assertions.assertTrue(decisions[i].allowed(), "request " + (i + 1));
            Assertions.assertEquals("\"Trial\";q=5;w=60", decisions[i].policyField());
            Assertions.assertEquals("\"Trial\";r=" + (4 - i) + ";t=12", decisions[i].limitField());
        }
        ThrottleDecision sixth = decisions[5];
        Assertions.assertFalse(sixth.allowed());
        Assertions.assertEquals(12, sixth.retryAfter(), "until 10:01:00 from 10:00:48.5");
        Assertions.assertEquals("\"Trial\";r=0;t=12", sixth.limitField());
        Assertions.assertEquals("\"Trial\";q=5;w=60", sixth.policyField());
    }


    @Test
    void consumeWhenAnotherApplicationSpentItsQuotaThenThisOneUnaffected() {
        // PREPARE
        RequestThrottle throttle = new RequestThrottle(1, 1000, clock::get);
        for (int i = 0; i < 6; i++) {
            throttle.consume("12", "client-a", five, null);
        }

        // TEST
        ThrottleDecision other = throttle.consume("13", "client-b", five, null);

        // VERIFY
        Assertions.assertTrue(other.allowed());
        Assertions.assertEquals("\"Trial\";r=4;t=12", other.limitField());
        Assertions.assertFalse(throttle.consume("12", "client-a", five, null).allowed());
    }


    @Test
    void consumeWhenNextWindowStartsThenQuotaRefilled() {
        // PREPARE
        RequestThrottle throttle = new RequestThrottle(1, 1000, clock::get);
        for (int i = 0; i < 6; i++) {
            throttle.consume("12", "client-a", five, null);
        }

        // TEST
        clock.set(MINUTE + 60_000 + 1);
        ThrottleDecision refilled = throttle.consume("12", "client-a", five, null);

        // VERIFY
        Assertions.assertTrue(refilled.allowed());
        Assertions.assertEquals("\"Trial\";r=4;t=60", refilled.limitField());
    }


    @Test
    void consumeWhenBurstSpentThenRefusedUntilOneRequestHasRefilled() {
        // PREPARE: 5 a minute, at most 2 back to back: one request comes back every 12 s
        RequestThrottle throttle = new RequestThrottle(1, 1000, clock::get);
        QuotaPolicy bursty = QuotaPolicy.of("Trial", 5, 60, 2);
        clock.set(MINUTE + 1_000);

        // TEST
        boolean first = throttle.consume("12", "c", bursty, null).allowed();
        boolean second = throttle.consume("12", "c", bursty, null).allowed();
        ThrottleDecision third = throttle.consume("12", "c", bursty, null);
        clock.addAndGet(12_000);
        ThrottleDecision later = throttle.consume("12", "c", bursty, null);

        // VERIFY
        Assertions.assertTrue(first && second);
        Assertions.assertFalse(third.allowed());
        Assertions.assertEquals(12, third.retryAfter());
        Assertions.assertEquals("\"Trial\";r=0;t=12", third.limitField(), "t is the wait, not the window's end");
        Assertions.assertEquals("\"Trial\";q=5;w=60;scopegate-burst=2", third.policyField());
        Assertions.assertTrue(later.allowed());
    }


    @Test
    void consumeWhenRuleLimitSpentThenRefusedAndTierRequestGivenBack() {
        // PREPARE
        RequestThrottle throttle = new RequestThrottle(1, 1000, clock::get);
        QuotaPolicy gold = QuotaPolicy.of("Gold", 100, 60, 0);
        QuotaPolicy rule = QuotaPolicy.of("POST /orders/bulk/**", 2, 60, 0);

        // TEST
        ThrottleDecision first = throttle.consume("12", "c", gold, rule);
        throttle.consume("12", "c", gold, rule);
        ThrottleDecision third = throttle.consume("12", "c", gold, rule);
        ThrottleDecision elsewhere = throttle.consume("12", "c", gold, null);

        // VERIFY
        Assertions.assertTrue(first.allowed());
        Assertions.assertEquals("\"Gold\";q=100;w=60, \"POST /orders/bulk/**\";q=2;w=60", first.policyField());
        Assertions.assertEquals("\"Gold\";r=99;t=12, \"POST /orders/bulk/**\";r=1;t=12", first.limitField());
        Assertions.assertFalse(third.allowed());
        Assertions.assertEquals("\"Gold\";r=98;t=12, \"POST /orders/bulk/**\";r=0;t=12", third.limitField());
        Assertions.assertEquals("\"Gold\";r=97;t=12", elsewhere.limitField(), "the refused request cost nothing");
    }


    @Test
    void consumeWhenTierSpentThenRuleLimitNotTaken() {
        // PREPARE
        RequestThrottle throttle = new RequestThrottle(1, 1000, clock::get);
        QuotaPolicy tiny = QuotaPolicy.of("Tiny", 1, 60, 0);
        QuotaPolicy rule = QuotaPolicy.of("GET /x", 10, 60, 0);
        throttle.consume("12", "c", tiny, rule);

        // TEST
        ThrottleDecision refused = throttle.consume("12", "c", tiny, rule);

        // VERIFY
        Assertions.assertFalse(refused.allowed());
        Assertions.assertEquals("\"Tiny\";r=0;t=12, \"GET /x\";r=9;t=12", refused.limitField());
    }


    @Test
    void consumeWhenRuleLimitOnlyThenCountedPerApplication() {
        // PREPARE
        RequestThrottle throttle = new RequestThrottle(1, 1000, clock::get);
        QuotaPolicy rule = QuotaPolicy.of("GET /x", 1, 60, 0);

        // TEST
        boolean a1 = throttle.consume("12", "c1", null, rule).allowed();
        boolean a2 = throttle.consume("12", "c2", null, rule).allowed();
        boolean b1 = throttle.consume(null, "c3", null, rule).allowed();
        boolean b2 = throttle.consume(null, "c3", null, rule).allowed();

        // VERIFY
        Assertions.assertTrue(a1, "first request of application 12");
        Assertions.assertFalse(a2, "both key sets of application 12 share the limit");
        Assertions.assertTrue(b1, "a token without application is counted by client id");
        Assertions.assertFalse(b2);
    }


    @Test
    void consumeWhenNoQuotaThenNoDecisionAndNoBucket() {
        // PREPARE
        RequestThrottle throttle = new RequestThrottle(1, 1000, clock::get);

        // TEST
        ThrottleDecision decision = throttle.consume("12", "c", null, null);

        // VERIFY
        Assertions.assertNull(decision);
        Assertions.assertEquals(0, throttle.size());
    }


    @Test
    void consumeWhenTwoGatewaysWithoutSyncThenEachServesHalf() {
        // PREPARE
        RequestThrottle throttle = new RequestThrottle(2, 1000, clock::get);
        QuotaPolicy ten = QuotaPolicy.of("Ten", 10, 60, 0);

        // TEST
        int served = 0;
        ThrottleDecision last = null;
        for (int i = 0; i < 10; i++) {
            last = throttle.consume("12", "c", ten, null);
            served += last.allowed() ? 1 : 0;
        }

        // VERIFY
        Assertions.assertEquals(5, served);
        Assertions.assertEquals("\"Ten\";q=5;w=60", last.policyField(), "the fields tell what this gateway enforces");
    }
}
