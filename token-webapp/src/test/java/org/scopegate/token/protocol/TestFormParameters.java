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
package org.scopegate.token.protocol;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Strict form body decoding.
 */
public class TestFormParameters {

    private static FormParameters parse(String body) throws OAuthException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return FormParameters.parse(bytes, bytes.length);
    }

    @Test
    public void parseWhenLiteralSpacePlusOrPercentThenAllSpaces() throws Exception {
        // TEST
        FormParameters parameters = parse("a=read update&b=read+update&c=read%20update");

        // VERIFY
        Assertions.assertEquals("read update", parameters.get("a"));
        Assertions.assertEquals("read update", parameters.get("b"));
        Assertions.assertEquals("read update", parameters.get("c"));
    }

    @Test
    public void getWhenParameterRepeatedThenInvalidRequest() throws Exception {
        // PREPARE
        FormParameters parameters = parse("a=1&a=2&b=3");

        // TEST
        OAuthException e = Assertions.assertThrows(OAuthException.class, () -> parameters.get("a"));

        // VERIFY
        Assertions.assertEquals(OAuth2ErrorCodes.INVALID_REQUEST, e.getErrorCode());
        Assertions.assertEquals("3", parameters.get("b"));
    }

    @Test
    public void getWhenValueEmptyThenOmittedAndNotRepeated() throws Exception {
        // TEST
        FormParameters parameters = parse("a=&a=1&b=&c");

        // VERIFY
        Assertions.assertEquals("1", parameters.get("a"));
        Assertions.assertNull(parameters.get("b"));
        Assertions.assertNull(parameters.get("c"));
    }

    @Test
    public void requireWhenMissingThenInvalidRequest() throws Exception {
        // PREPARE
        FormParameters parameters = parse("a=1");

        // TEST
        OAuthException e = Assertions.assertThrows(OAuthException.class, () -> parameters.require("b"));

        // VERIFY
        Assertions.assertEquals(400, e.getHttpStatus());
    }

    @Test
    public void parseWhenPercentEscapeTruncatedThenInvalidRequest() {
        // TEST
        OAuthException e = Assertions.assertThrows(OAuthException.class, () -> parse("a=%4"));

        // VERIFY
        Assertions.assertEquals(OAuth2ErrorCodes.INVALID_REQUEST, e.getErrorCode());
    }

    @Test
    public void parseWhenUtf8InvalidThenInvalidRequest() {
        // TEST
        OAuthException e = Assertions.assertThrows(OAuthException.class, () -> parse("a=%C3%28"));

        // VERIFY
        Assertions.assertEquals(OAuth2ErrorCodes.INVALID_REQUEST, e.getErrorCode());
    }

    @Test
    public void parseWhenUtf8EncodedThenDecoded() throws Exception {
        // TEST
        FormParameters parameters = parse("password=p%C3%A4ss%26word%3D");

        // VERIFY
        Assertions.assertEquals("p\u00e4ss&word=", parameters.get("password"));
    }
}
