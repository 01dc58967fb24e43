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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A minimal client of the pushed revocation feed for the tests: opens the stream with
 * {@code Accept: text/event-stream}, reads its server-sent events on a thread of its own into a queue.
 */
final class EventStreamClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Event END = new Event("(end)", null);

    /** One server-sent event: its name and its JSON data. */
    record Event(String name, JsonNode data) {
    }

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean ended;
    private volatile String streamId;
    private volatile Acknowledger acknowledger;

    /** Acknowledges a cursor of a stream. */
    @FunctionalInterface
    interface Acknowledger {
        void acknowledge(String stream, long cursor);
    }


    /**
     * @param acknowledger called by the reading thread for every message with a cursor, as soon as it is read
     */
    void acknowledgeWith(Acknowledger acknowledger) {
        this.acknowledger = acknowledger;
    }


    /**
     * @param url           the feed, with its query
     * @param authorization the Basic header
     * @param lastEventId   a {@code Last-Event-ID} header, or {@code null}
     */
    EventStreamClient(String url, String authorization, String lastEventId) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                .header("Authorization", authorization).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        reader = new Thread(this::read, "test-event-stream");
        reader.setDaemon(true);
        reader.start();
    }


    /**
     * @return the id of the stream, from its hello (once read)
     */
    String streamId() {
        return streamId;
    }


    int status() {
        return response.statusCode();
    }


    String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }


    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String name = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (name != null) {
                        Event event = new Event(name, data.length() == 0 ? null : JSON.readTree(data.toString()));
                        if ("hello".equals(name)) {
                            streamId = event.data().get("stream").asText();
                        }
                        Acknowledger a = acknowledger;
                        if (a != null && event.data() != null && event.data().has("cursor")
                                && !"hello".equals(name)) {
                            // As a valve does: acknowledged by the reading thread, before the next read
                            a.acknowledge(streamId, event.data().get("cursor").asLong());
                        }
                        events.add(event);
                    }
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (IOException e) {
            // the stream ended
        } finally {
            ended = true;
            events.add(END);
        }
    }


    /**
     * @return the next event, or {@code null} when the stream ended or nothing came within 5 s
     */
    Event next() throws InterruptedException {
        Event e = events.poll(5, TimeUnit.SECONDS);
        return e == END ? null : e;
    }


    /**
     * @return the next event that is not a heartbeat, or {@code null}
     */
    Event nextExceptHeartbeat() throws InterruptedException {
        Event e;
        do {
            e = next();
        } while (e != null && "heartbeat".equals(e.name()));
        return e;
    }


    /**
     * @return whether the stream ended within the time given
     */
    boolean awaitEnd(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!ended && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return ended;
    }


    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
