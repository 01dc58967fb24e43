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

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The fields of draft-ietf-httpapi-ratelimit-headers-11 as a quota writes them: Structured Field lists of String
 * items with integer parameters.
 */
public class TestQuotaPolicy {

    @Test
    void policyFieldWhenTierThenQuotedNameQuotaAndWindow() {
        // TEST
        QuotaPolicy gold = QuotaPolicy.of("Gold", 5000, 60, 0);

        // VERIFY
        Assertions.assertEquals("\"Gold\";q=5000;w=60", gold.policyField());
    }


    @Test
    void policyFieldWhenBurstThenVendorPrefixedParameter() {
        // TEST
        QuotaPolicy tier = QuotaPolicy.of("Trial", 5, 60, 2);

        // VERIFY
        Assertions.assertEquals("\"Trial\";q=5;w=60;scopegate-burst=2", tier.policyField());
        Assertions.assertEquals(0, QuotaPolicy.of("Full", 5, 60, 5).burst(), "a burst of the whole quota is none");
    }


    @Test
    void appendLimitWhenWrittenThenRemainingAndEffectiveWindow() {
        // PREPARE
        StringBuilder sb = new StringBuilder();

        // TEST
        QuotaPolicy.of("gold", 5000, 60, 0).appendLimit(sb, 0, 12);
        sb.append(", ");
        QuotaPolicy.of("gold", 5000, 60, 0).appendLimit(sb, -3, 40);

        // VERIFY
        Assertions.assertEquals("\"gold\";r=0;t=12, \"gold\";r=0;t=40", sb.toString());
    }


    @Test
    void structuredStringWhenQuoteBackslashOrNonAsciiThenEscapedOrReplaced() {
        // TEST / VERIFY
        Assertions.assertEquals("\"POST /orders/**\"", QuotaPolicy.structuredString("POST /orders/**"));
        Assertions.assertEquals("\"a\\\"b\\\\c\"", QuotaPolicy.structuredString("a\"b\\c"));
        Assertions.assertEquals("\"caf?\"", QuotaPolicy.structuredString("caf\u00e9"));
        Assertions.assertEquals("\"x?y\"", QuotaPolicy.structuredString("x\ny"));
    }


    @Test
    void shareWhenSeveralGatewaysThenEachEnforcesItsPartAtLeastOne() {
        // PREPARE
        QuotaPolicy gold = QuotaPolicy.of("Gold", 5000, 60, 100);

        // TEST
        QuotaPolicy half = gold.share(2);
        QuotaPolicy tiny = QuotaPolicy.of("Tiny", 3, 60, 0).share(5);

        // VERIFY
        Assertions.assertSame(gold, gold.share(1));
        Assertions.assertEquals(2500, half.quota());
        Assertions.assertEquals(50, half.burst());
        Assertions.assertEquals(60, half.windowSeconds());
        Assertions.assertEquals(1, tiny.quota());
        Assertions.assertEquals("\"Gold\";q=2500;w=60;scopegate-burst=50", half.policyField());
    }


    @Test
    void ofWhenOutOfRangeThenRefused() {
        // TEST / VERIFY
        Assertions.assertThrows(IllegalArgumentException.class, () -> QuotaPolicy.of("x", 0, 60, 0));
        Assertions.assertThrows(IllegalArgumentException.class, () -> QuotaPolicy.of("x", 5, 0, 0));
        Assertions.assertThrows(IllegalArgumentException.class, () -> QuotaPolicy.of("x", 5, 60, 6));
        Assertions.assertThrows(IllegalArgumentException.class, () -> QuotaPolicy.of("", 5, 60, 0));
    }
}
