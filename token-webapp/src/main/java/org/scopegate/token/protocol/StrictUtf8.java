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

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes to text as strict UTF-8: a malformed sequence is an error, never a replacement character. Nearly every form
 * field and Basic credential is plain ASCII (tokens, consumer keys and secrets, grant types), which is copied as it
 * is; only other text pays for a decoder.
 */
public final class StrictUtf8 {

    private StrictUtf8() {
    }

    /**
     * @param bytes the bytes
     * @param offset where the text starts
     * @param length its length in bytes
     * @return the text
     * @throws CharacterCodingException when the bytes are not UTF-8
     */
    public static String decode(byte[] bytes, int offset, int length) throws CharacterCodingException {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] < 0) {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, offset, length))
                        .toString();
            }
        }
        // ASCII: the same text in either charset, and ISO-8859-1 is a plain copy
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
}
