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
package org.scopegate.token.feed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.scopegate.token.store.RevocationEvent;

/**
 * The messages of the pushed revocation feed (protocol.md section 3a), as server-sent events: an {@code event:}
 * line, a one-line JSON {@code data:}, a blank line. Events carry the SSE {@code id:} of their cursor, so that a
 * browser's {@code EventSource} resumes from it ({@code Last-Event-ID}).
 */
final class EventStreamMessages {

    /** The event name of the first message of a stream. */
    static final String HELLO = "hello";
    /** The event name of a batch of revocation events. */
    static final String REVOCATIONS = "revocations";
    /** The event name of an answer telling the valve to drop its whole cache. */
    static final String RESET = "reset";
    /** The event name of a heartbeat. */
    static final String HEARTBEAT = "heartbeat";

    /** Asks an {@code EventSource} to reconnect after one second, and nothing else. */
    static final byte[] PREAMBLE = "retry: 1000\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper mapper;


    EventStreamMessages(ObjectMapper mapper) {
        this.mapper = mapper;
    }


    byte[] hello(String stream, long cursor, long heartbeatMillis, long leaseMillis) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("stream", stream);
        data.put("cursor", Long.valueOf(cursor));
        data.put("heartbeat", Long.valueOf(heartbeatMillis));
        if (leaseMillis > 0) {
            data.put("lease", Long.valueOf(leaseMillis));
        }
        return message(HELLO, null, data);
    }


    /**
     * @param events the events, oldest first, not empty
     * @param vouch  the stream time through which the key manager vouches, or {@code null} when this message does
     *               not complete a check of the event table
     */
    byte[] revocations(List<RevocationEvent> events, Long vouch) {
        long cursor = events.get(events.size() - 1).id();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cursor", Long.valueOf(cursor));
        if (vouch != null) {
            data.put("t", vouch);
        }
        List<Map<String, Object>> list = new ArrayList<>(events.size());
        for (RevocationEvent e : events) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("type", e.type());
            event.put("value", e.value());
            // When it was written: the valves measure their feed lag from it
            event.put("at", Long.valueOf(e.createdAt()));
            list.add(event);
        }
        data.put("events", list);
        return message(REVOCATIONS, Long.toString(cursor), data);
    }


    byte[] reset(long cursor, long vouch) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cursor", Long.valueOf(cursor));
        data.put("t", Long.valueOf(vouch));
        return message(RESET, Long.toString(cursor), data);
    }


    byte[] heartbeat(long vouch) {
        return ("event: " + HEARTBEAT + "\ndata: {\"t\":" + vouch + "}\n\n").getBytes(StandardCharsets.US_ASCII);
    }


    private byte[] message(String event, String id, Map<String, Object> data) {
        StringBuilder sb = new StringBuilder(128);
        if (id != null) {
            sb.append("id: ").append(id).append('\n');
        }
        sb.append("event: ").append(event).append('\n');
        try {
            // Jackson escapes line breaks inside strings, so the JSON stays on one data line
            sb.append("data: ").append(mapper.writeValueAsString(data)).append("\n\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
