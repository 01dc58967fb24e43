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

import java.util.List;

/**
 * One answer of the revocation feed (protocol.md section 3).
 *
 * @param cursor the id of the last event returned, or the {@code after} asked for when there is none
 * @param reset  whether the valve must drop its whole cache (its cursor is older than the oldest kept event)
 * @param events the events, oldest first
 */
public record RevocationBatch(long cursor, boolean reset, List<RevocationEvent> events) {

    /** The most events one answer may hold; a full answer means more are waiting. */
    public static final int MAX_EVENTS = 1000;
}
