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
package org.scopegate.token.admin;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Typed, validated access to the JSON object of an admin request.
 */
public final class AdminRequestBody {

    /** A role name: 1 to 64 visible ASCII characters. */
    public static final Pattern ROLE = Pattern.compile("[\\x21-\\x7E]{1,64}");

    /** Largest body accepted, in bytes. */
    public static final int MAX_BODY = 64 * 1024;

    private final JsonNode node;

    /**
     * @param node the parsed body
     * @throws AdminException when it is not a JSON object
     */
    public AdminRequestBody(JsonNode node) throws AdminException {
        if (node == null || !node.isObject()) {
            throw AdminException.badRequest("The body must be a JSON object");
        }
        this.node = node;
    }

    /**
     * @return the names of the body's fields (for the audit log: never their values)
     */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * Reads the JSON object of a request.
     *
     * @param request the request
     * @param mapper the shared JSON mapper
     * @return the body
     * @throws AdminException 400 when the body is too large, not JSON or not an object
     * @throws IOException when the client went away
     */
    public static AdminRequestBody read(HttpServletRequest request, ObjectMapper mapper)
            throws AdminException, IOException {
        if (request.getContentLengthLong() > MAX_BODY) {
            throw AdminException.badRequest("The body is too large");
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw AdminException.badRequest("The body is too large");
            }
            JsonNode node = bytes.length == 0 ? null : mapper.readTree(bytes);
            return new AdminRequestBody(node);
        } catch (JacksonException e) {
            throw AdminException.badRequest("The body is not valid JSON");
        }
    }

    /**
     * @param field a field name
     * @return whether the field is present and not null
     */
    public boolean has(String field) {
        return node.hasNonNull(field);
    }

    /**
     * @param field a field name
     * @param maxLength longest value accepted
     * @return the text, or {@code null} when absent
     * @throws AdminException when it is not a string, is blank, too long, or holds control characters or half of a
     *             surrogate pair
     */
    public String text(String field, int maxLength) throws AdminException {
        if (!has(field)) {
            return null;
        }
        JsonNode value = node.get(field);
        if (!value.isTextual()) {
            throw AdminException.badRequest(field + " must be a string");
        }
        String text = value.textValue();
        if (text.isBlank() || text.length() > maxLength || text.chars().anyMatch(Character::isISOControl)
                || hasUnpairedSurrogate(text)) {
            throw AdminException.badRequest(field + " must be 1 to " + maxLength + " characters without controls");
        }
        return text;
    }

    /**
     * @param field a field name
     * @param maxLength longest value accepted
     * @return the text
     * @throws AdminException when it is missing or invalid
     */
    public String requiredText(String field, int maxLength) throws AdminException {
        String text = text(field, maxLength);
        if (text == null) {
            throw AdminException.badRequest(field + " is required");
        }
        return text;
    }

    /**
     * @param field a field name
     * @return the boolean, or {@code null} when absent
     * @throws AdminException when it is not a boolean
     */
    public Boolean bool(String field) throws AdminException {
        if (!has(field)) {
            return null;
        }
        JsonNode value = node.get(field);
        if (!value.isBoolean()) {
            throw AdminException.badRequest(field + " must be true or false");
        }
        return Boolean.valueOf(value.booleanValue());
    }

    /**
     * @param field a field name
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @param absent the value when the field is absent
     * @return the whole number
     * @throws AdminException when it is not a whole number between min and max
     */
    public int integer(String field, int min, int max, int absent) throws AdminException {
        if (!has(field)) {
            return absent;
        }
        JsonNode value = node.get(field);
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < min
                || value.intValue() > max) {
            throw AdminException.badRequest(field + " must be a whole number from " + min + " to " + max);
        }
        return value.intValue();
    }

    /**
     * @param field a field name
     * @param pattern what each element must match
     * @return the distinct strings in order, or {@code null} when absent
     * @throws AdminException when it is not an array of matching strings
     */
    public Set<String> strings(String field, Pattern pattern) throws AdminException {
        if (!has(field)) {
            return null;
        }
        JsonNode value = node.get(field);
        if (!value.isArray()) {
            throw AdminException.badRequest(field + " must be an array of strings");
        }
        Set<String> result = new LinkedHashSet<>();
        Iterator<JsonNode> it = value.elements();
        while (it.hasNext()) {
            JsonNode element = it.next();
            if (!element.isTextual() || !pattern.matcher(element.textValue()).matches()) {
                throw AdminException.badRequest(field + " holds an invalid value");
            }
            result.add(element.textValue());
        }
        return result;
    }

    /**
     * @param values strings
     * @return them as a list, for JSON answers
     */
    static List<String> list(Set<String> values) {
        return new ArrayList<>(values);
    }

    /**
     * A JSON escape may name half of a surrogate pair (U+D800 alone): such a string is no Unicode text. Stored, it
     * would be written to UTF-8 as {@code ?} (a user name shown as another, a password no login form can send).
     */
    private static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
