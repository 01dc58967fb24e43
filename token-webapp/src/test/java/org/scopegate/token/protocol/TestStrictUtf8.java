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
 */package org.scopegate.token.protocol;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Form fields and Basic credentials are strict UTF-8: ASCII as it is, other text decoded, malformed bytes refused.
 */
public class TestStrictUtf8 {

    @Test
    public void decodeAsciiThenSameText() throws Exception {
        byte[] bytes = "xx-client_credentials-yy".getBytes(StandardCharsets.US_ASCII);
        Assertions.assertEquals("client_credentials", StrictUtf8.decode(bytes, 3, 18));
    }

    @Test
    public void decodeMultiByteThenText() throws Exception {
        byte[] bytes = "secrét€".getBytes(StandardCharsets.UTF_8);
        Assertions.assertEquals("secrét€", StrictUtf8.decode(bytes, 0, bytes.length));
    }

    @Test
    public void decodeMalformedThenRefused() {
        // a lone lead byte, an overlong "/", and a surrogate encoded in UTF-8
        for (byte[] bytes : new byte[][] { { 'a', (byte) 0xC3, '(' }, { (byte) 0xC0, (byte) 0xAF },
                { (byte) 0xED, (byte) 0xA0, (byte) 0x80 } }) {
            Assertions.assertThrows(CharacterCodingException.class, () -> StrictUtf8.decode(bytes, 0, bytes.length));
        }
    }
}
