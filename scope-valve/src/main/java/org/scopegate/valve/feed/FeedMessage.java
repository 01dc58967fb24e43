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
package org.scopegate.valve.feed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.scopegate.valve.introspect.RevocationEvent;

/**
 * One message of the pushed revocation feed (protocol.md section 3a), read from the JSON data of a server-sent
 * event. Fields a message does not carry are {@code -1} ({@code cursor}, {@code heartbeat}, {@code lease}) or
 * {@code null} ({@code t}, {@code stream}).
 *
 * @param type      {@link #HELLO}, {@link #REVOCATIONS}, {@link #RESET} or {@link #HEARTBEAT}
 * @param stream    the stream's id ({@code hello})
 * @param cursor    the cursor after this message
 * @param t         what the key manager vouches for: ms since it registered the stream
 * @param heartbeat the key manager's heartbeat interval, in ms ({@code hello})
 * @param lease     how long the key manager waits for acknowledgements, in ms ({@code hello})
 * @param events    the events ({@code revocations})
 */
record FeedMessage(String type, String stream, long cursor, Long t, long heartbeat, long lease,
        List<RevocationEvent> events) {

    static final String HELLO = "hello";
    static final String REVOCATIONS = "revocations";
    static final String RESET = "reset";
    static final String HEARTBEAT = "heartbeat";

    private static final JsonFactory JSON = new JsonFactory();


    /**
     * @param event a server-sent event
     *
     * @return the message, or {@code null} for an event this valve does not know (ignored)
     *
     * @throws IOException when a known message is not what the protocol says
     */
    static FeedMessage parse(EventStreamReader.Event event) throws IOException {
        String type = event.name();
        if (!HELLO.equals(type) && !REVOCATIONS.equals(type) && !RESET.equals(type) && !HEARTBEAT.equals(type)) {
            return null;
        }
        String stream = null;
        long cursor = -1;
        Long t = null;
        long heartbeat = -1;
        long lease = -1;
        List<RevocationEvent> events = new ArrayList<>();
        try (JsonParser p = JSON.createParser(event.data())) {
            expect(p.nextToken() == JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "stream" -> {
                        expect(value == JsonToken.VALUE_STRING);
                        stream = p.getText();
                    }
                    case "cursor" -> cursor = number(p, value);
                    case "t" -> {
                        expect(value == JsonToken.VALUE_NUMBER_INT);
                        t = Long.valueOf(p.getLongValue());
                    }
                    case "heartbeat" -> heartbeat = number(p, value);
                    case "lease" -> lease = number(p, value);
                    case "events" -> {
                        expect(value == JsonToken.START_ARRAY);
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            events.add(event(p));
                        }
                        expect(p.currentToken() == JsonToken.END_ARRAY);
                    }
                    default -> p.skipChildren();
                }
            }
            expect(p.currentToken() == JsonToken.END_OBJECT);
        }
        switch (type) {
            case HELLO -> expect(stream != null && !stream.isEmpty() && cursor >= 0);
            case REVOCATIONS -> expect(cursor >= 0 && !events.isEmpty());
            case RESET -> expect(cursor >= 0 && t != null);
            default -> expect(t != null);
        }
        return new FeedMessage(type, stream, cursor, t, heartbeat, lease, List.copyOf(events));
    }


    private static RevocationEvent event(JsonParser p) throws IOException {
        String type = null;
        String value = null;
        long at = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken token = p.nextToken();
            if ("type".equals(name) && token == JsonToken.VALUE_STRING) {
                type = p.getText();
            } else if ("value".equals(name) && token == JsonToken.VALUE_STRING) {
                value = p.getText();
            } else if ("at".equals(name) && token == JsonToken.VALUE_NUMBER_INT) {
                at = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
        return new RevocationEvent(type, value, at);
    }


    private static long number(JsonParser p, JsonToken value) throws IOException {
        expect(value == JsonToken.VALUE_NUMBER_INT && p.getLongValue() >= 0);
        return p.getLongValue();
    }


    private static void expect(boolean condition) throws IOException {
        if (!condition) {
            throw new IOException("Not a message of the revocation feed");
        }
    }
}
