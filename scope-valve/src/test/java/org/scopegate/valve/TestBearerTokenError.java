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
package org.scopegate.valve;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Errors as values: the challenge header and the JSON body, and the RFC 6750 character set.
 */
public class TestBearerTokenError {

    @Test
    void toChallengeWhenNoTokenThenRealmOnly() {
        // PREPARE
        BearerTokenError error = BearerTokenError.noToken("A bearer token is required");

        // TEST
        String challenge = error.toChallenge("api");

        // VERIFY
        Assertions.assertEquals("Bearer realm=\"api\"", challenge);
        Assertions.assertEquals(401, error.getStatus());
    }


    @Test
    void toChallengeWhenInsufficientScopeThenParametersInFixedOrder() {
        // PREPARE
        BearerTokenError error = BearerTokenError.insufficientScope("Needs more", "update admin");

        // TEST
        String challenge = error.toChallenge("api");

        // VERIFY
        Assertions.assertEquals("Bearer realm=\"api\", error=\"insufficient_scope\", " +
                "error_description=\"Needs more\", scope=\"update admin\"", challenge);
        Assertions.assertEquals(403, error.getStatus());
    }


    @Test
    void toChallengeWhenInvalidTokenThenErrorAndDescription() {
        // PREPARE
        BearerTokenError error = BearerTokenError.invalidToken("Expired");

        // TEST
        String challenge = error.toChallenge("api");

        // VERIFY
        Assertions.assertEquals("Bearer realm=\"api\", error=\"invalid_token\", error_description=\"Expired\"",
                challenge);
    }


    @Test
    void toJsonWhenInvalidRequestThenErrorAndDescription() {
        // PREPARE
        BearerTokenError error = BearerTokenError.invalidRequest("Bad header");

        // TEST
        String json = error.toJson();

        // VERIFY
        Assertions.assertEquals("{\"error\":\"invalid_request\",\"error_description\":\"Bad header\"}", json);
        Assertions.assertEquals(400, error.getStatus());
    }


    @Test
    void toJsonWhenNoTokenThenDescriptionOnly() {
        // PREPARE
        BearerTokenError error = BearerTokenError.noToken("Token required");

        // TEST
        String json = error.toJson();

        // VERIFY
        Assertions.assertEquals("{\"error_description\":\"Token required\"}", json);
    }


    @Test
    void constructorWhenDescriptionHasQuoteThenRejected() {
        // TEST + VERIFY
        Assertions.assertThrows(IllegalArgumentException.class,
                () -> BearerTokenError.invalidToken("say \"hi\""));
    }


    @Test
    void constructorWhenDescriptionHasBackslashOrNewlineThenRejected() {
        // TEST + VERIFY
        Assertions.assertThrows(IllegalArgumentException.class, () -> BearerTokenError.invalidToken("a\\b"));
        Assertions.assertThrows(IllegalArgumentException.class, () -> BearerTokenError.invalidToken("a\r\nX: y"));
    }


    @Test
    void unavailableWhenBuiltThen503WithoutChallenge() {
        // TEST
        BearerTokenError error = BearerTokenError.unavailable("Later");

        // VERIFY
        Assertions.assertEquals(503, error.getStatus());
        Assertions.assertFalse(error.hasChallenge());
        Assertions.assertEquals(BearerTokenError.TEMPORARILY_UNAVAILABLE, error.getCode());
    }
}
