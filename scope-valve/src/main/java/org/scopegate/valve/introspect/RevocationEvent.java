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

/**
 * One event of the revocation feed (protocol.md section 3).
 *
 * @param type  {@code token}, {@code client} or {@code user}
 * @param value the token's SHA-256 hex, the client id, or the username
 */
public record RevocationEvent(String type, String value, long at) {

    /**
     * An event whose time is not known.
     *
     * @param type  the type
     * @param value the value
     */
    public RevocationEvent(String type, String value) {
        this(type, value, 0);
    }

    /** Type of an event naming one access token by its digest. */
    public static final String TOKEN = "token";

    /** Type of an event naming an application: every token of it is gone. */
    public static final String CLIENT = "client";

    /** Type of an event naming a user: every token of that user is gone. */
    public static final String USER = "user";
}
