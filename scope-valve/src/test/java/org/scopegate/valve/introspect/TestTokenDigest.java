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

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The SHA-256 cache key and its hex form.
 */
public class TestTokenDigest {

    @Test
    void hexWhenKnownInputThenSha256() {
        // TEST
        String hex = TokenDigest.of("abc").hex();

        // VERIFY: FIPS 180-2 test vector
        Assertions.assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex);
    }


    @Test
    void fromHexWhenRoundTripThenEqual() {
        // PREPARE
        TokenDigest digest = TokenDigest.of("some-token");

        // TEST
        TokenDigest parsed = TokenDigest.fromHex(digest.hex().toUpperCase());

        // VERIFY
        Assertions.assertEquals(digest, parsed);
        Assertions.assertEquals(digest.hashCode(), parsed.hashCode());
        Assertions.assertEquals(digest.hex().substring(0, 8), parsed.shortHex());
    }


    @Test
    void fromHexWhenNotHexThenNull() {
        // TEST + VERIFY
        Assertions.assertNull(TokenDigest.fromHex("xyz"));
        Assertions.assertNull(TokenDigest.fromHex("g".repeat(64)));
        Assertions.assertNull(TokenDigest.fromHex(null));
    }
}
