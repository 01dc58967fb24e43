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

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.valve.introspect.RevocationEvent;

/**
 * Reading the pushed revocation feed: server-sent events and the feed's messages.
 */
public class TestEventStreamReader {

    private static EventStreamReader reader(String text) {
        return new EventStreamReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }


    @Test
    void nextWhenLineEndingsMixedThenEveryEventRead() throws Exception {
        // PREPARE: LF, CRLF and CR, a comment, retry and id lines, two data lines
        EventStreamReader reader = reader("retry: 1000\n\n: keep-alive\r\nevent: hello\r\ndata: {\"a\":1}\r\n\r\n"
                + "id: 7\revent:heartbeat\rdata: x\rdata: y\r\r" + "data: plain\n\n");

        // TEST
        EventStreamReader.Event first = reader.next();
        EventStreamReader.Event second = reader.next();
        EventStreamReader.Event third = reader.next();
        EventStreamReader.Event end = reader.next();

        // VERIFY
        Assertions.assertEquals(new EventStreamReader.Event("hello", "{\"a\":1}"), first);
        Assertions.assertEquals(new EventStreamReader.Event("heartbeat", "x\ny"), second);
        Assertions.assertEquals(new EventStreamReader.Event("message", "plain"), third);
        Assertions.assertNull(end);
    }


    @Test
    void nextWhenStreamEndsInsideAnEventThenThatEventIsNotDelivered() throws Exception {
        // TEST + VERIFY: an event is complete only with its blank line
        Assertions.assertNull(reader("event: revocations\ndata: {\"cursor\":1").next());
    }


    @Test
    void nextWhenLineTooLongThenFails() {
        // PREPARE
        EventStreamReader reader = reader("data: " + "x".repeat(EventStreamReader.MAX_LINE + 1) + "\n\n");

        // TEST + VERIFY
        Assertions.assertThrows(IOException.class, reader::next);
    }


    @Test
    void parseWhenHelloThenStreamCursorHeartbeatAndLease() throws Exception {
        // TEST
        FeedMessage m = FeedMessage.parse(new EventStreamReader.Event("hello",
                "{\"stream\":\"abc\",\"cursor\":12,\"heartbeat\":500,\"lease\":2000,\"future\":{\"x\":[1]}}"));

        // VERIFY
        Assertions.assertEquals("abc", m.stream());
        Assertions.assertEquals(12, m.cursor());
        Assertions.assertEquals(500, m.heartbeat());
        Assertions.assertEquals(2000, m.lease());
        Assertions.assertNull(m.t());
    }


    @Test
    void parseWhenRevocationsThenEventsInOrderWithVouch() throws Exception {
        // TEST
        FeedMessage m = FeedMessage.parse(new EventStreamReader.Event("revocations", "{\"cursor\":14,\"t\":-3,"
                + "\"events\":[{\"type\":\"token\",\"value\":\"ab\"},{\"type\":\"user\",\"value\":\"alice\"}]}"));

        // VERIFY
        Assertions.assertEquals(14, m.cursor());
        Assertions.assertEquals(-3L, m.t().longValue());
        Assertions.assertEquals(List.of(new RevocationEvent("token", "ab"), new RevocationEvent("user", "alice")),
                m.events());
    }


    @Test
    void parseWhenUnknownEventThenIgnored() throws Exception {
        // TEST + VERIFY
        Assertions.assertNull(FeedMessage.parse(new EventStreamReader.Event("something-new", "{}")));
    }


    @Test
    void parseWhenMessageIncompleteOrNotJsonThenFails() {
        // TEST + VERIFY
        for (String[] bad : new String[][] {
                { "hello", "{\"cursor\":1}" },
                { "hello", "{\"stream\":\"s\",\"cursor\":-1}" },
                { "revocations", "{\"cursor\":1,\"events\":[]}" },
                { "reset", "{\"cursor\":1}" },
                { "heartbeat", "{}" },
                { "heartbeat", "{\"t\":\"soon\"}" },
                { "heartbeat", "<html>" } }) {
            Assertions.assertThrows(IOException.class,
                    () -> FeedMessage.parse(new EventStreamReader.Event(bad[0], bad[1])), bad[0] + " " + bad[1]);
        }
    }
}
