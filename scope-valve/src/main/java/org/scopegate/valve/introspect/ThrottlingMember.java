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

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.scopegate.valve.throttle.QuotaPolicy;

/**
 * The {@code throttling} member of an introspection answer (protocol.md section 2): the application the token's
 * requests are counted against and the quota of its tier,
 * {@code {"application":12,"tier":"Gold","quota":5000,"window":60,"burst":100}}.
 *
 * @param application the application, as text
 * @param quota       its tier's quota, or {@code null} for an unlimited tier
 */
record ThrottlingMember(String application, QuotaPolicy quota) {

    /** The member's name. */
    static final String NAME = "throttling";


    /**
     * Reads the member's object; the parser is on its {@code START_OBJECT}.
     *
     * @param p the parser
     *
     * @return the member, or {@code null} for a {@code null} member
     *
     * @throws IOException when it is not a valid member
     */
    static ThrottlingMember parse(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("throttling is not an object");
        }
        String application = null;
        String tier = null;
        long quota = 0;
        long window = 0;
        long burst = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "application" -> {
                    if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_STRING) {
                        throw new IOException("throttling.application is not an id");
                    }
                    application = p.getText();
                }
                case "tier" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        throw new IOException("throttling.tier is not a string");
                    }
                    tier = p.getText();
                }
                case "quota" -> quota = positive(p, value, name);
                case "window" -> window = positive(p, value, name);
                case "burst" -> burst = positive(p, value, name);
                default -> p.skipChildren();
            }
        }
        if (application == null || application.isEmpty() || tier == null || tier.isEmpty()) {
            throw new IOException("throttling needs application and tier");
        }
        if (quota == 0 && window == 0 && burst == 0) {
            return new ThrottlingMember(application, null);
        }
        try {
            return new ThrottlingMember(application, QuotaPolicy.of(tier, quota, window, burst));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }


    private static long positive(JsonParser p, JsonToken value, String name) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 1) {
            throw new IOException("throttling." + name + " is not a positive whole number");
        }
        return p.getLongValue();
    }
}
