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
package org.scopegate.valve;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.scopegate.valve.introspect.TokenDigest;

/**
 * A token service for tests: protocol.md section 2 (introspection) and section 3 (revocation feed) on a JDK
 * {@link HttpServer} bound to 127.0.0.1, with tokens and failures the test controls. Made with
 * {@link #pushed()}, it also serves the pushed feed of section 3a (streams of server-sent events, heartbeats every
 * 100 ms, acknowledgements); otherwise it answers a stream request with the polled feed's JSON, as a key manager
 * that predates the pushed feed does.
 */
final class FakeTokenService implements AutoCloseable {

    static final String CLIENT_ID = "scope-valve";
    static final String CLIENT_SECRET = "valve-secret-0123456789abcdefghijklmnopq";

    /** How the introspection endpoint behaves. */
    private static final Pattern QUOTA_COUNT = Pattern.compile(
            "\\{\"key\":\"([^\"]+)\",\"window_start\":(\\d+),\"requests\":(\\d+)\\}");

    enum Mode {
        NORMAL, GARBAGE, ERROR, SLOW
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final Map<String, String[]> owners = new ConcurrentHashMap<>();
    private final List<String[]> events = new ArrayList<>();
    private final AtomicInteger introspections = new AtomicInteger();
    private final AtomicInteger polls = new AtomicInteger();
    private final AtomicInteger quotaExchanges = new AtomicInteger();
    private final Map<String, long[]> quotaCounts = new HashMap<>();
    private volatile Mode mode = Mode.NORMAL;
    private volatile boolean feedFailing;


    /** One open stream of the pushed feed. */
    private final class Stream {
        final String id = "stream-" + STREAM_IDS.incrementAndGet();
        final HttpExchange exchange;
        final OutputStream out;
        final long registered = System.nanoTime();
        final CountDownLatch closed = new CountDownLatch(1);
        final long after;
        volatile long acknowledged = -1;

        Stream(HttpExchange exchange, long after) {
            this.exchange = exchange;
            this.out = exchange.getResponseBody();
            this.after = after;
        }

        long t() {
            return (System.nanoTime() - registered) / 1_000_000;
        }

        synchronized void write(String event, String data) {
            try {
                out.write(("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                close();
            }
        }

        void close() {
            streams.remove(this);
            try {
                exchange.close();
            } finally {
                closed.countDown();
            }
        }
    }

    private static final AtomicInteger STREAM_IDS = new AtomicInteger();

    private final boolean pushed;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final List<Long> streamStarts = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    private volatile boolean heartbeating = true;
    private volatile boolean acknowledgementsRefused;
    private volatile long lease = 2000;


    FakeTokenService() throws IOException {
        this(false);
    }


    /**
     * @return a token service with the pushed feed
     */
    static FakeTokenService pushed() throws IOException {
        return new FakeTokenService(true);
    }


    private FakeTokenService(boolean pushed) throws IOException {
        this.pushed = pushed;
        if (pushed) {
            heartbeats.scheduleAtFixedRate(() -> {
                // Under the same lock as the events: a heartbeat vouches for every event added before it
                synchronized (this) {
                    if (heartbeating) {
                        for (Stream s : streams) {
                            s.write("heartbeat", "{\"t\":" + s.t() + "}");
                        }
                    }
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token/introspect", this::introspect);
        server.createContext("/token/revocations", this::revocations);
        server.createContext("/token/quota-counts", this::quotaCounts);
        server.setExecutor(executor);
        server.start();
    }


    String introspectionUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token/introspect";
    }


    void addToken(String token, String username, String clientId, String scope, long exp) {
        addToken(token, username, clientId, scope, exp, null);
    }


    /**
     * @param throttling the introspection answer's {@code throttling} member (JSON), or {@code null}
     */
    void addToken(String token, String username, String clientId, String scope, long exp, String throttling) {
        StringBuilder sb = new StringBuilder("{\"active\":true,\"scope\":\"").append(scope)
                .append("\",\"client_id\":\"").append(clientId).append('"');
        if (username != null) {
            sb.append(",\"username\":\"").append(username).append("\",\"sub\":\"").append(username).append('"');
        } else {
            sb.append(",\"sub\":\"").append(clientId).append('"');
        }
        sb.append(",\"token_type\":\"Bearer\",\"exp\":").append(exp).append(",\"iat\":").append(exp - 3600);
        if (throttling != null) {
            sb.append(",\"throttling\":").append(throttling);
        }
        sb.append('}');
        answers.put(token, sb.toString());
        owners.put(token, new String[] { clientId, username });
    }


    /** Revokes one token, as RFC 7009 revocation does: inactive at once, and a {@code token} event. */
    void revoke(String token) {
        answers.remove(token);
        addEvent("token", TokenDigest.of(token).hex());
    }


    /** Revokes every token of an application, as a secret regeneration does. */
    void revokeClient(String clientId) {
        owners.forEach((token, owner) -> {
            if (clientId.equals(owner[0])) {
                answers.remove(token);
            }
        });
        addEvent("client", clientId);
    }


    synchronized void addEvent(String type, String value) {
        events.add(new String[] { type, value });
        long id = events.size();
        for (Stream s : streams) {
            s.write("revocations", "{\"cursor\":" + id + ",\"t\":" + s.t() + ",\"events\":[{\"type\":\"" + type
                    + "\",\"value\":\"" + value + "\"}]}");
        }
    }


    /**
     * Waits, as a key manager's revoking call does, until every open stream has acknowledged the newest event.
     *
     * @param millis the longest wait
     * @return whether they all did
     */
    boolean awaitAcknowledged(long millis) throws InterruptedException {
        long cursor;
        synchronized (this) {
            cursor = events.size();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (Stream s : streams) {
                all &= s.acknowledged >= cursor;
            }
            if (all) {
                return true;
            }
            Thread.sleep(1);
        }
        return false;
    }


    /** Ends every open stream, as a key manager that drops a valve out of contact does. */
    void closeStreams() {
        for (Stream s : streams) {
            s.close();
        }
    }


    /** Stops or resumes the heartbeats (the streams stay open). */
    void setHeartbeating(boolean heartbeating) {
        this.heartbeating = heartbeating;
    }


    /** Answers acknowledgements with 400, as a key manager that no longer knows the stream. */
    void setAcknowledgementsRefused(boolean refused) {
        this.acknowledgementsRefused = refused;
    }


    /** The lease told in the hello (the acknowledgement timeout of a key manager). */
    void setLease(long lease) {
        this.lease = lease;
    }


    /** @return open streams */
    int streamCount() {
        return streams.size();
    }


    /** @return the {@code after} of every stream request so far, in order */
    List<Long> streamStarts() {
        return streamStarts;
    }


    void setMode(Mode mode) {
        this.mode = mode;
    }


    void setFeedFailing(boolean feedFailing) {
        this.feedFailing = feedFailing;
    }


    int introspections() {
        return introspections.get();
    }


    int polls() {
        return polls.get();
    }


    private boolean authenticated(HttpExchange exchange) {
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        return expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
    }


    private void introspect(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!"POST".equals(exchange.getRequestMethod()) || !authenticated(exchange)) {
                send(exchange, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            introspections.incrementAndGet();
            String token = null;
            for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
                if (pair.startsWith("token=")) {
                    token = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
                }
            }
            switch (mode) {
                case GARBAGE -> send(exchange, 200, "<html>not json</html>");
                case ERROR -> send(exchange, 500, "{\"error\":\"server_error\"}");
                case SLOW -> {
                    sleep(3000);
                    send(exchange, 200, "{\"active\":false}");
                }
                default -> send(exchange, 200, token == null ? "{\"active\":false}" :
                        answers.getOrDefault(token, "{\"active\":false}"));
            }
        }
    }


    private void revocations(HttpExchange exchange) throws IOException {
        if (pushed && "POST".equals(exchange.getRequestMethod())) {
            acknowledge(exchange);
            return;
        }
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (pushed && accept != null && accept.contains("text/event-stream") && authenticated(exchange)
                && !feedFailing) {
            stream(exchange);
            return;
        }
        try (exchange) {
            if (!authenticated(exchange)) {
                send(exchange, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            polls.incrementAndGet();
            if (feedFailing) {
                send(exchange, 500, "{\"error\":\"server_error\"}");
                return;
            }
            String query = exchange.getRequestURI().getQuery();
            long after = query != null && query.startsWith("after=") ? Long.parseLong(query.substring(6)) : -1;
            StringBuilder sb = new StringBuilder();
            synchronized (this) {
                long current = events.size();
                if (after < 0) {
                    sb.append("{\"cursor\":").append(current).append(",\"reset\":false,\"events\":[]}");
                } else {
                    sb.append("{\"cursor\":").append(current).append(",\"reset\":false,\"events\":[");
                    for (long id = after + 1; id <= current; id++) {
                        String[] e = events.get((int) id - 1);
                        sb.append(id > after + 1 ? "," : "").append("{\"type\":\"").append(e[0])
                                .append("\",\"value\":\"").append(e[1]).append("\"}");
                    }
                    sb.append("]}");
                }
            }
            exchange.getResponseHeaders().add("Cache-Control", "no-store");
            send(exchange, 200, sb.toString());
        }
    }


    int quotaExchanges() {
        return quotaExchanges.get();
    }


    /**
     * The key manager's {@code /token/quota-counts}: one count per counter and window, a newer window starting it
     * again, a report for an older window added to the newer one.
     */
    private void quotaCounts(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!"POST".equals(exchange.getRequestMethod()) || !authenticated(exchange)) {
                send(exchange, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            if (feedFailing) {
                send(exchange, 500, "{\"error\":\"server_error\"}");
                return;
            }
            quotaExchanges.incrementAndGet();
            Matcher m = QUOTA_COUNT.matcher(new String(body, StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder("{\"counts\":[");
            synchronized (quotaCounts) {
                while (m.find()) {
                    String key = m.group(1);
                    long window = Long.parseLong(m.group(2));
                    long requests = Long.parseLong(m.group(3));
                    long[] count = quotaCounts.computeIfAbsent(key, k -> new long[] { window, 0 });
                    if (window > count[0]) {
                        count[0] = window;
                        count[1] = 0;
                    }
                    count[1] += requests;
                    sb.append(sb.length() > 11 ? "," : "").append("{\"key\":\"").append(key)
                            .append("\",\"window_start\":").append(count[0]).append(",\"requests\":")
                            .append(count[1]).append('}');
                }
            }
            send(exchange, 200, sb.append("]}").toString());
        }
    }


    private void stream(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        long after = query != null && query.startsWith("after=") ? Long.parseLong(query.substring(6)) : -1;
        streamStarts.add(Long.valueOf(after));
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream;charset=UTF-8");
        exchange.sendResponseHeaders(200, 0);
        Stream s = new Stream(exchange, after);
        synchronized (this) {
            long current = events.size();
            s.write("hello", "{\"stream\":\"" + s.id + "\",\"cursor\":" + (after < 0 ? current : after)
                    + ",\"heartbeat\":100,\"lease\":" + lease + "}");
            if (after >= 0 && after < current) {
                StringBuilder sb = new StringBuilder("{\"cursor\":" + current + ",\"t\":" + s.t() + ",\"events\":[");
                for (long id = after + 1; id <= current; id++) {
                    String[] e = events.get((int) id - 1);
                    sb.append(id > after + 1 ? "," : "").append("{\"type\":\"").append(e[0])
                            .append("\",\"value\":\"").append(e[1]).append("\"}");
                }
                s.write("revocations", sb.append("]}").toString());
            } else {
                s.write("heartbeat", "{\"t\":" + s.t() + "}");
            }
            streams.add(s);
        }
        try {
            // The exchange stays open until the test or the valve ends it
            s.closed.await();
        } catch (InterruptedException e) {
            s.close();
        }
    }


    private void acknowledge(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.US_ASCII);
            String stream = null;
            long cursor = -1;
            for (String pair : body.split("&")) {
                if (pair.startsWith("stream=")) {
                    stream = URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
                } else if (pair.startsWith("cursor=")) {
                    cursor = Long.parseLong(pair.substring(7));
                }
            }
            if (!authenticated(exchange) || acknowledgementsRefused) {
                send(exchange, 400, "{\"error\":\"invalid_request\"}");
                return;
            }
            for (Stream s : streams) {
                if (s.id.equals(stream)) {
                    s.acknowledged = Math.max(s.acknowledged, cursor);
                    exchange.sendResponseHeaders(204, -1);
                    return;
                }
            }
            send(exchange, 400, "{\"error\":\"invalid_request\"}");
        }
    }


    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }


    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }


    @Override
    public void close() {
        heartbeats.shutdownNow();
        closeStreams();
        server.stop(0);
        executor.shutdownNow();
    }
}
