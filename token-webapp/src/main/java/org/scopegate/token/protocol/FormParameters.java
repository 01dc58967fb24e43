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

import java.nio.charset.CharacterCodingException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of an {@code application/x-www-form-urlencoded} body (HTML living standard, URL section 5),
 * decoded strictly as UTF-8. A parameter sent with an empty value counts as omitted (RFC 6749 section 3.2); a
 * parameter sent twice with a value is remembered as repeated, which the endpoints answer with
 * {@code invalid_request} (RFC 6749 section 3.2: "Request and response parameters MUST NOT be included more
 * than once").
 */
public final class FormParameters {

    private final Map<String, String> values;
    private final Set<String> repeated;

    private FormParameters(Map<String, String> values, Set<String> repeated) {
        this.values = values;
        this.repeated = repeated;
    }

    /**
     * Decodes a form body. A literal space is kept as a space; {@code +} and {@code %20} are spaces too.
     *
     * @param body the raw body bytes
     * @param length the number of bytes of {@code body} to read
     * @return the parameters
     * @throws OAuthException {@code invalid_request} when a percent escape or the UTF-8 is malformed
     */
    public static FormParameters parse(byte[] body, int length) throws OAuthException {
        Map<String, String> values = new HashMap<>();
        Set<String> repeated = new HashSet<>();
        int start = 0;
        while (start <= length) {
            int end = start;
            while (end < length && body[end] != '&') {
                end++;
            }
            if (end > start) {
                int eq = start;
                while (eq < end && body[eq] != '=') {
                    eq++;
                }
                String name = decode(body, start, eq);
                String value = eq < end ? decode(body, eq + 1, end) : "";
                if (!name.isEmpty() && !value.isEmpty()) {
                    if (values.putIfAbsent(name, value) != null) {
                        repeated.add(name);
                    }
                }
            }
            start = end + 1;
        }
        return new FormParameters(values, repeated);
    }

    /**
     * @param values parameters already decoded, each with one value
     * @return the parameters, dropping empty values
     */
    public static FormParameters of(Map<String, String> values) {
        Map<String, String> copy = new HashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getValue() != null && !e.getValue().isEmpty()) {
                copy.put(e.getKey(), e.getValue());
            }
        }
        return new FormParameters(copy, Collections.emptySet());
    }

    /**
     * @param name a parameter name
     * @return its value, or {@code null} when it was omitted or sent empty
     * @throws OAuthException {@code invalid_request} when it was sent more than once
     */
    public String get(String name) throws OAuthException {
        if (repeated.contains(name)) {
            throw OAuthException.invalidRequest("Parameter " + name + " is repeated");
        }
        return values.get(name);
    }

    /**
     * @param name a parameter name
     * @return its value
     * @throws OAuthException {@code invalid_request} when it is missing or repeated
     */
    public String require(String name) throws OAuthException {
        String value = get(name);
        if (value == null) {
            throw OAuthException.invalidRequest("Missing parameter " + name);
        }
        return value;
    }

    /**
     * @param name a parameter name
     * @return whether the parameter was sent with a value, once or more
     */
    public boolean contains(String name) {
        return values.containsKey(name);
    }

    private static String decode(byte[] body, int from, int to) throws OAuthException {
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b == '+') {
                out[n++] = ' ';
            } else if (b == '%') {
                if (i + 2 >= to) {
                    throw OAuthException.invalidRequest("Malformed percent-encoding in the form body");
                }
                int hi = Character.digit(body[i + 1], 16);
                int lo = Character.digit(body[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw OAuthException.invalidRequest("Malformed percent-encoding in the form body");
                }
                out[n++] = (byte) ((hi << 4) + lo);
                i += 2;
            } else {
                out[n++] = b;
            }
        }
        try {
            return StrictUtf8.decode(out, 0, n);
        } catch (CharacterCodingException e) {
            throw OAuthException.invalidRequest("The form body is not valid UTF-8");
        }
    }
}
