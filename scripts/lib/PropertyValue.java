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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Writes a value for a {@code .properties} file (such as Tomcat's {@code catalina.properties}) so that
 * {@code java.util.Properties.load(InputStream)}, which reads ISO-8859-1 with {@code \}{@code uXXXX} escapes, gives back
 * exactly that value. Used by {@code scripts/install}:
 *
 * <pre>
 * printf '%s' "$value" | java scripts/lib/PropertyValue.java
 * </pre>
 *
 * Standard input is the value in UTF-8 (anything else is refused, exit status 2); standard output is the escaped
 * value, on one line, printable ASCII only: {@code \} doubled, a leading space escaped (load strips leading white
 * space), tab, line feed, carriage return and form feed as {@code \t \n \r \f}, {@code = : # !} escaped as
 * {@code Properties.store} does, and every other character outside printable ASCII as {@code \}{@code uXXXX} (a
 * character beyond the BMP as its two surrogates).
 */
public final class PropertyValue {

    private PropertyValue() {
    }

    /**
     * Entry point.
     *
     * @param args none
     * @throws IOException when standard input cannot be read
     */
    public static void main(String[] args) throws IOException {
        String value;
        try {
            value = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(System.in.readAllBytes())).toString();
        } catch (CharacterCodingException e) {
            System.err.println("the value is not valid UTF-8");
            System.exit(2);
            return;
        }
        System.out.print(escape(value));
        System.out.flush();
    }

    static String escape(String value) {
        StringBuilder b = new StringBuilder(value.length() * 2);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\f' -> b.append("\\f");
                case '=', ':', '#', '!' -> b.append('\\').append(c);
                case ' ' -> b.append(i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04X", Integer.valueOf(c)));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
