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

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The {@code throttling} member of an introspection answer, as the valve reads it (protocol.md section 2).
 */
public class TestThrottlingMember {

    private static final String ACTIVE = "{\"active\":true,\"scope\":\"read\",\"client_id\":\"app\",\"username\":\"al\","
            + "\"sub\":\"al\",\"token_type\":\"Bearer\",\"exp\":1764115200,\"iat\":1764111600";


    private static TokenInfo parse(String throttling) throws IntrospectionException {
        String body = ACTIVE + (throttling == null ? "" : ",\"throttling\":" + throttling) + "}";
        return HttpTokenIntrospector.parseIntrospection(body.getBytes(StandardCharsets.UTF_8));
    }


    @Test
    void parseIntrospectionWhenTierWithQuotaThenApplicationAndQuota() throws Exception {
        // TEST
        TokenInfo info = parse("{\"application\":12,\"tier\":\"Gold\",\"quota\":5000,\"window\":60,\"burst\":100}");

        // VERIFY
        Assertions.assertEquals("12", info.application());
        Assertions.assertEquals("\"Gold\";q=5000;w=60;scopegate-burst=100", info.quota().policyField());
        Assertions.assertEquals("al", info.username(), "the rest of the answer as before");
    }


    @Test
    void parseIntrospectionWhenUnlimitedTierThenApplicationWithoutQuota() throws Exception {
        // TEST
        TokenInfo info = parse("{\"application\":\"12\",\"tier\":\"Unlimited\",\"extra\":{\"x\":[1]}}");

        // VERIFY
        Assertions.assertEquals("12", info.application());
        Assertions.assertNull(info.quota());
    }


    @Test
    void parseIntrospectionWhenNoMemberOrNullThenNothingCounted() throws Exception {
        // TEST / VERIFY
        Assertions.assertNull(parse(null).quota());
        Assertions.assertNull(parse(null).application());
        Assertions.assertNull(parse("null").quota());
    }


    @Test
    void parseIntrospectionWhenMemberInvalidThenNotAnAnswer() {
        // TEST / VERIFY: a key manager that says something wrong about quotas is failing
        for (String bad : new String[] { "[1]", "{\"tier\":\"Gold\",\"quota\":5,\"window\":60}",
                "{\"application\":12,\"quota\":5,\"window\":60}",
                "{\"application\":12,\"tier\":\"Gold\",\"quota\":0,\"window\":60}",
                "{\"application\":12,\"tier\":\"Gold\",\"quota\":5}",
                "{\"application\":12,\"tier\":\"Gold\",\"quota\":\"5\",\"window\":60}",
                "{\"application\":12,\"tier\":\"Gold\",\"quota\":5,\"window\":60,\"burst\":6}",
                "{\"application\":true,\"tier\":\"Gold\"}" }) {
            Assertions.assertThrows(IntrospectionException.class, () -> parse(bad), bad);
        }
    }
}
