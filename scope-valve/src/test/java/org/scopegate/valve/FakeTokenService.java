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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.scopegate.valve.introspect.TokenDigest;

/**
 * A token service for tests: protocol.md section 2 (introspection) and section 3 (revocation feed) on a JDK
 * {@link HttpServer} bound to 127.0.0.1, with tokens and failures the test controls.
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


    FakeTokenService() throws IOException {
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
        server.stop(0);
        executor.shutdownNow();
    }
}
