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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events (the WHATWG {@code text/event-stream} format) from a stream: lines ended by LF, CRLF or
 * CR; {@code event:} names the event, {@code data:} lines are joined with LF; a blank line ends an event; comments
 * ({@code :}), {@code id:} and {@code retry:} are skipped. A line longer than a limit is an error, so that a broken
 * peer cannot make the valve buffer without end.
 */
final class EventStreamReader {

    /** Longest line accepted, in bytes (a batch of 1000 events is about 110 KB). */
    static final int MAX_LINE = 1 << 20;

    /** One event: its name ({@code message} when none was given) and its data. */
    record Event(String name, String data) {
    }

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private boolean pendingLf;


    EventStreamReader(InputStream in) {
        this.in = in;
    }


    /**
     * @return the next event, or {@code null} at the end of the stream
     *
     * @throws IOException on a read failure or a line too long
     */
    Event next() throws IOException {
        String name = null;
        StringBuilder data = null;
        while (true) {
            String l = readLine();
            if (l == null) {
                return null;
            }
            if (l.isEmpty()) {
                if (data != null || name != null) {
                    return new Event(name == null ? "message" : name, data == null ? "" : data.toString());
                }
                continue;
            }
            if (l.charAt(0) == ':') {
                continue;
            }
            int colon = l.indexOf(':');
            String field = colon < 0 ? l : l.substring(0, colon);
            String value = colon < 0 ? "" : l.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if ("event".equals(field)) {
                name = value;
            } else if ("data".equals(field)) {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
        }
    }


    private String readLine() throws IOException {
        line.reset();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (pendingLf) {
                pendingLf = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\r') {
                pendingLf = true;
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("Server-sent event line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
    }
}
