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

import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;
import org.scopegate.token.crypto.Digests;

/**
 * The pushed revocation feed over HTTP (protocol.md section 3a) on the real webapp in an embedded Tomcat: the
 * stream, its catch-up, its heartbeats, and every revoking call waiting for the stream's acknowledgement.
 */
public class TestRevocationStream {

    private static final long ACK_TIMEOUT = 3000;

    private static EmbeddedTokenServer server;
    private static String app;
    private static String[] appCredentials;
    private static String introspector;
    private static String[] introspectorCredentials;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-stream"))
                .with(RevocationFeedConfig.HEARTBEAT, "250")
                .with(RevocationFeedConfig.ACK_TIMEOUT, Long.toString(ACK_TIMEOUT));
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        server.createScope("read");
        server.createUser("alice", "Granite-Heron-7741", "reader");
        server.createUser("erin", "Granite-Heron-7741", "reader");
        appCredentials = server.createClient(false, "password", "refresh_token");
        app = EmbeddedTokenServer.basic(appCredentials[0], appCredentials[1]);
        introspectorCredentials = server.createClient(true, "client_credentials");
        introspector = EmbeddedTokenServer.basic(introspectorCredentials[0], introspectorCredentials[1]);
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    private static RevocationHub hub() {
        return (RevocationHub) server.attribute(RevocationHub.ATTRIBUTE);
    }

    private static EventStreamClient open(String query) throws Exception {
        return new EventStreamClient(server.url() + "/revocations" + query, introspector, null);
    }

    /** Opens a stream from the head and reads its hello and first heartbeat. */
    private static EventStreamClient openAtHead() throws Exception {
        EventStreamClient stream = open("");
        Assertions.assertEquals(200, stream.status());
        Assertions.assertEquals("hello", stream.next().name());
        Assertions.assertEquals("heartbeat", stream.next().name());
        return stream;
    }

    private static String helloStream(EventStreamClient.Event hello) {
        return hello.data().get("stream").asText();
    }

    private static JsonNode login(String user) {
        HttpResponse<String> response = server.postForm("", app, "grant_type=password&username=" + user
                + "&password=Granite-Heron-7741&scope=read");
        Assertions.assertEquals(200, response.statusCode(), response.body());
        return EmbeddedTokenServer.json(response);
    }

    private static HttpResponse<String> acknowledge(String authorization, String stream, String cursor) {
        return server.postForm("/revocations", authorization, "stream=" + URLEncoder.encode(stream,
                StandardCharsets.UTF_8) + "&cursor=" + cursor);
    }

    private static long cursor() {
        HttpResponse<String> poll = server.send("/revocations", "GET", introspector, null, null);
        Assertions.assertEquals(200, poll.statusCode(), poll.body());
        return EmbeddedTokenServer.json(poll).get("cursor").asLong();
    }

    @Test
    void streamWhenOpenedWithoutCursorThenHelloAtTheHeadThenHeartbeatsThatVouchLater() throws Exception {
        // PREPARE
        long head = cursor();

        // TEST
        try (EventStreamClient stream = open("")) {
            EventStreamClient.Event hello = stream.next();
            EventStreamClient.Event first = stream.next();
            EventStreamClient.Event second = stream.next();

            // VERIFY
            Assertions.assertEquals(200, stream.status());
            Assertions.assertEquals("text/event-stream;charset=UTF-8", stream.header("Content-Type"));
            Assertions.assertEquals("no-store", stream.header("Cache-Control"));
            Assertions.assertEquals("hello", hello.name());
            Assertions.assertEquals(43, helloStream(hello).length());
            Assertions.assertEquals(head, hello.data().get("cursor").asLong());
            Assertions.assertEquals(250, hello.data().get("heartbeat").asLong());
            Assertions.assertEquals(ACK_TIMEOUT, hello.data().get("lease").asLong());
            Assertions.assertEquals("heartbeat", first.name());
            Assertions.assertEquals("heartbeat", second.name());
            Assertions.assertTrue(first.data().get("t").asLong() >= 0, first.data().toString());
            Assertions.assertTrue(second.data().get("t").asLong() > first.data().get("t").asLong());
        }
    }

    @Test
    void revokeWhenStreamOpenThenEventPushedAndTheAnswerWaitsForTheAcknowledgement() throws Exception {
        // PREPARE
        String token = login("alice").get("access_token").asText();
        try (EventStreamClient stream = open("")) {
            String id = helloStream(stream.next());

            // TEST
            CompletableFuture<HttpResponse<String>> revoke =
                    CompletableFuture.supplyAsync(() -> server.postForm("/revoke", app, "token=" + token));
            EventStreamClient.Event event = stream.nextExceptHeartbeat();
            boolean answeredBeforeAcknowledgement = revoke.isDone();
            long cursor = event.data().get("cursor").asLong();
            HttpResponse<String> ack = acknowledge(introspector, id, Long.toString(cursor));
            HttpResponse<String> answer = revoke.get(ACK_TIMEOUT - 500, TimeUnit.MILLISECONDS);

            // VERIFY
            Assertions.assertEquals("revocations", event.name());
            Assertions.assertEquals("token", event.data().get("events").get(0).get("type").asText());
            Assertions.assertEquals(Digests.sha256Hex(token), event.data().get("events").get(0).get("value").asText());
            Assertions.assertTrue(event.data().get("t").asLong() >= 0);
            Assertions.assertFalse(answeredBeforeAcknowledgement);
            Assertions.assertEquals(204, ack.statusCode(), ack.body());
            Assertions.assertEquals(200, answer.statusCode());
            Assertions.assertEquals(0, hub().getWaitTimeoutCount());
        }
    }

    @Test
    void revokeWhenAcknowledgedAsSoonAsReadThenNoRevocationEverWaitsForTheTimeout() throws Exception {
        // PREPARE: a client that acknowledges on its reading thread, the moment a batch arrives (a fast valve)
        long timeouts = hub().getWaitTimeoutCount();
        try (EventStreamClient stream = openAtHead()) {
            stream.acknowledgeWith((id, cursor) -> acknowledge(introspector, id, Long.toString(cursor)));

            // TEST
            for (int i = 0; i < 100; i++) {
                String token = login("alice").get("access_token").asText();
                Assertions.assertEquals(200, server.postForm("/revoke", app, "token=" + token).statusCode());
            }

            // VERIFY: every acknowledgement was counted, however early it came
            Assertions.assertEquals(timeouts, hub().getWaitTimeoutCount());
            Assertions.assertEquals(1, hub().getStreamCount());
        }
    }

    @Test
    void revokeWhenStreamNeverAcknowledgesThenAnsweredAfterTheTimeoutAndTheStreamIsClosed() throws Exception {
        // PREPARE
        String token = login("alice").get("access_token").asText();
        long timeouts = hub().getWaitTimeoutCount();
        try (EventStreamClient stream = openAtHead()) {

            // TEST
            long start = System.nanoTime();
            HttpResponse<String> answer = server.postForm("/revoke", app, "token=" + token);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            // VERIFY: the event came, no acknowledgement went back; the stream is gone so the valve distrusts its cache
            Assertions.assertEquals(200, answer.statusCode());
            Assertions.assertEquals("revocations", stream.nextExceptHeartbeat().name());
            Assertions.assertTrue(waitedMillis >= ACK_TIMEOUT, "answered after " + waitedMillis + " ms");
            Assertions.assertTrue(stream.awaitEnd(2000), "the stream of a valve out of contact must end");
            Assertions.assertEquals(timeouts + 1, hub().getWaitTimeoutCount());
        }
    }

    @Test
    void refreshTokenReusedWhenStreamOpenThenTheErrorWaitsForTheFamilyRevocationToBeAcknowledged() throws Exception {
        // PREPARE
        JsonNode tokens = login("alice");
        String refresh = tokens.get("refresh_token").asText();
        Assertions.assertEquals(200, server.postForm("", app, "grant_type=refresh_token&refresh_token=" + refresh)
                .statusCode());
        try (EventStreamClient stream = openAtHead()) {
            String id = streamIdOf(stream);

            // TEST: the reuse revokes the family, commits, then answers invalid_grant
            CompletableFuture<HttpResponse<String>> reuse = CompletableFuture.supplyAsync(
                    () -> server.postForm("", app, "grant_type=refresh_token&refresh_token=" + refresh));
            EventStreamClient.Event event = stream.nextExceptHeartbeat();
            boolean answeredBeforeAcknowledgement = reuse.isDone();
            acknowledge(introspector, id, event.data().get("cursor").asText());
            HttpResponse<String> answer = reuse.get(ACK_TIMEOUT - 500, TimeUnit.MILLISECONDS);

            // VERIFY
            Assertions.assertEquals("revocations", event.name());
            Assertions.assertFalse(answeredBeforeAcknowledgement);
            Assertions.assertEquals(400, answer.statusCode());
            Assertions.assertEquals("invalid_grant", EmbeddedTokenServer.json(answer).get("error").asText());
        }
    }

    @Test
    void userDisabledWhenStreamOpenThenUserEventPushedAndTheAdminAnswerWaits() throws Exception {
        // PREPARE
        try (EventStreamClient stream = openAtHead()) {
            String id = streamIdOf(stream);

            // TEST
            CompletableFuture<HttpResponse<String>> disable = CompletableFuture.supplyAsync(
                    () -> server.admin("PATCH", "/users/erin", "{\"enabled\":false}"));
            EventStreamClient.Event event = stream.nextExceptHeartbeat();
            boolean answeredBeforeAcknowledgement = disable.isDone();
            acknowledge(introspector, id, event.data().get("cursor").asText());
            HttpResponse<String> answer = disable.get(ACK_TIMEOUT - 500, TimeUnit.MILLISECONDS);

            // VERIFY
            Assertions.assertEquals("user", event.data().get("events").get(0).get("type").asText());
            Assertions.assertEquals("erin", event.data().get("events").get(0).get("value").asText());
            Assertions.assertFalse(answeredBeforeAcknowledgement);
            Assertions.assertEquals(200, answer.statusCode(), answer.body());
        } finally {
            server.admin("PATCH", "/users/erin", "{\"enabled\":true}");
        }
    }

    @Test
    void streamWhenStartedFromAnOlderCursorThenCaughtUpWithEveryLaterEventInOrder() throws Exception {
        // PREPARE: two revocations while no stream is open
        long before = cursor();
        String first = login("alice").get("access_token").asText();
        String second = login("alice").get("access_token").asText();
        Assertions.assertEquals(200, server.postForm("/revoke", app, "token=" + first).statusCode());
        Assertions.assertEquals(200, server.postForm("/revoke", app, "token=" + second).statusCode());

        // TEST
        try (EventStreamClient stream = open("?after=" + before)) {
            EventStreamClient.Event hello = stream.next();
            EventStreamClient.Event events = stream.next();

            // VERIFY
            Assertions.assertEquals(before, hello.data().get("cursor").asLong());
            Assertions.assertEquals("revocations", events.name());
            Assertions.assertEquals(cursor(), events.data().get("cursor").asLong());
            Assertions.assertEquals(Digests.sha256Hex(first), events.data().get("events").get(0).get("value").asText());
            Assertions.assertEquals(Digests.sha256Hex(second), events.data().get("events").get(1).get("value").asText());
            Assertions.assertTrue(events.data().has("t"));
        }
    }

    @Test
    void streamWhenLastEventIdGivenThenResumesAfterIt() throws Exception {
        // PREPARE
        long before = cursor();
        String token = login("alice").get("access_token").asText();
        Assertions.assertEquals(200, server.postForm("/revoke", app, "token=" + token).statusCode());

        // TEST: how a browser's EventSource reconnects
        try (EventStreamClient stream = new EventStreamClient(server.url() + "/revocations", introspector,
                Long.toString(before))) {
            stream.next();
            EventStreamClient.Event events = stream.next();

            // VERIFY
            Assertions.assertEquals(Digests.sha256Hex(token), events.data().get("events").get(0).get("value").asText());
        }
    }

    @Test
    void streamWhenCursorBeyondTheHeadThenTheValveIsToldToDropItsCache() throws Exception {
        // TEST
        try (EventStreamClient stream = open("?after=" + (cursor() + 1000))) {
            stream.next();
            EventStreamClient.Event reset = stream.next();

            // VERIFY
            Assertions.assertEquals("reset", reset.name());
            Assertions.assertEquals(cursor(), reset.data().get("cursor").asLong());
        }
    }

    @Test
    void streamWhenApplicationMayNotIntrospectThenRefusedWithoutStream() throws Exception {
        // TEST
        try (EventStreamClient stream = new EventStreamClient(server.url() + "/revocations", app, null);
                EventStreamClient wrong = new EventStreamClient(server.url() + "/revocations",
                        EmbeddedTokenServer.basic(introspectorCredentials[0], "wrong-secret"), null)) {

            // VERIFY
            Assertions.assertEquals(403, stream.status());
            Assertions.assertEquals(401, wrong.status());
        }
    }

    @Test
    void streamWhenCursorNotANumberThenInvalidRequest() throws Exception {
        // TEST
        try (EventStreamClient stream = open("?after=abc")) {

            // VERIFY
            Assertions.assertEquals(400, stream.status());
        }
    }

    @Test
    void acknowledgeWhenStreamUnknownOrCredentialsDifferOrMissingThenRefused() throws Exception {
        try (EventStreamClient stream = openAtHead()) {
            String id = streamIdOf(stream);

            // TEST
            HttpResponse<String> unknown = acknowledge(introspector, "no-such-stream", "1");
            HttpResponse<String> otherClient = acknowledge(app, id, "1");
            HttpResponse<String> none = acknowledge(null, id, "1");
            List<HttpResponse<String>> badCursors = List.of(acknowledge(introspector, id, "-5"),
                    acknowledge(introspector, id, "-1"), acknowledge(introspector, id, "abc"));
            HttpResponse<String> get = server.send("/revocations", "PUT", introspector, null, null);

            // VERIFY
            Assertions.assertEquals(400, unknown.statusCode());
            Assertions.assertEquals("invalid_request", EmbeddedTokenServer.json(unknown).get("error").asText());
            Assertions.assertEquals(401, otherClient.statusCode());
            Assertions.assertEquals("invalid_client", EmbeddedTokenServer.json(otherClient).get("error").asText());
            Assertions.assertEquals(401, none.statusCode());
            for (HttpResponse<String> badCursor : badCursors) {
                Assertions.assertEquals(400, badCursor.statusCode(), badCursor.body());
                Assertions.assertEquals("Parameter cursor must be an event id (a number, 0 or more)",
                        EmbeddedTokenServer.json(badCursor).get("error_description").asText());
            }
            Assertions.assertEquals(405, get.statusCode());
            Assertions.assertEquals("GET, POST", get.headers().firstValue("Allow").orElse(null));
        }
    }

    @Test
    void secretOfTheStreamsApplicationRegeneratedThenItsStreamIsClosed() throws Exception {
        // PREPARE
        String[] valve = server.createClient(true, "client_credentials");
        try (EventStreamClient stream = new EventStreamClient(server.url() + "/revocations",
                EmbeddedTokenServer.basic(valve[0], valve[1]), null)) {
            Assertions.assertEquals("hello", stream.next().name());

            // TEST
            HttpResponse<String> regenerated = server.admin("POST", "/clients/" + valve[0] + "/secret", null);

            // VERIFY: it gets the event, then must authenticate again with its new secret
            Assertions.assertEquals(200, regenerated.statusCode(), regenerated.body());
            Assertions.assertEquals("client", stream.nextExceptHeartbeat().data().get("events").get(0).get("type")
                    .asText());
            Assertions.assertTrue(stream.awaitEnd(2000));
        }
    }

    @Test
    void jmxWhenStreamOpenThenTheFeedMBeanShowsItAndTheWaits() throws Exception {
        // PREPARE
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("org.scopegate:type=RevocationFeed,context=\"/token\"");
        try (EventStreamClient stream = openAtHead()) {

            // TEST
            Object streams = mbeans.getAttribute(name, "StreamCount");
            Object timeouts = mbeans.getAttribute(name, "WaitTimeoutCount");

            // VERIFY
            Assertions.assertEquals(Integer.valueOf(hub().getStreamCount()), streams);
            Assertions.assertTrue(((Integer) streams).intValue() >= 1);
            Assertions.assertEquals(Long.valueOf(hub().getWaitTimeoutCount()), timeouts);
        }
    }

    private static String streamIdOf(EventStreamClient stream) {
        return stream.streamId();
    }
}
