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
package org.scopegate.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load tool end to end against a small server on 127.0.0.1: the schedule of a fixed rate, latencies counted from
 * the due time (a stall of the server shows in every request due meanwhile), tokens used once, and failed requests
 * counted with their OAuth error code. Assertions are on counts and lower bounds only: a loaded machine makes
 * everything slower, never faster.
 */
public class TestLoadGenerator {

    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    /** One server for the class: stopping one takes a second (its dispatcher's select timeout). */
    private static HttpServer server;
    private static volatile Function<String, Answer> handler;
    /** What the server received: the token of each request (its bearer token or form parameter), in order. */
    private static final List<String> received = Collections.synchronizedList(new ArrayList<>());
    /** The client ports the requests came from: one per connection. */
    private static final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();


    @BeforeAll
    static void startServer() throws IOException {
        // Without it the server writes head and body in two segments, and the second waits for the client's delayed
        // ACK: 40 ms an answer, far below the rates tested (read once, when the server's configuration is loaded)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // one request at a time, on the dispatcher thread: a handler's sleep stalls the whole server
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.createContext("/", TestLoadGenerator::handle);
        server.setExecutor(null);
        server.start();
    }


    @AfterAll
    static void stopServer() {
        server.stop(0);
    }


    @Test
    void runWhenFixedRateThenRateTimesSecondsSentAndAnswered() throws Exception {
        // PREPARE: 250/s for 0.8 s after a 0.2 s warm-up
        InetSocketAddress address = start(n -> answer(200, "{\"active\":true}", false));
        RequestTemplate template = new RequestTemplate("GET", "/introspect", "127.0.0.1", List.of(), null, false);

        // TEST
        LoadResult result = new LoadGenerator(address, template, null, 4, 250, 200).run(0.2, 0.8);

        // VERIFY: the schedule is exact: 200 requests due in the window (0.8 s at 4 ms), 50 in the warm-up
        Map<String, String> line = loadLine(result, "rate200");
        Assertions.assertEquals("open", line.get("mode"));
        Assertions.assertEquals(200, Long.parseLong(line.get("sent")) + Long.parseLong(line.get("unsent")));
        Assertions.assertTrue(Long.parseLong(line.get("sent")) >= 180, line.toString());
        Assertions.assertEquals(line.get("sent"), line.get("requests"));
        Assertions.assertEquals("0", line.get("errors"));
        Assertions.assertEquals("0", line.get("timeouts"));
        Assertions.assertEquals(received.size(), Integer.parseInt(line.get("all_answers")));
        Assertions.assertTrue(received.size() >= 230, "warm-up and window: " + received.size());
        Assertions.assertEquals(4, clientPorts.size(), "connections kept alive: " + clientPorts);
        Assertions.assertEquals(Long.parseLong(line.get("requests")), result.latencies().length);
        Assertions.assertTrue(Long.parseLong(line.get("p50_us")) > 0);
    }


    @Test
    void runWhenServerStallsThenRequestsDueDuringTheStallShowTheWait() throws Exception {
        // PREPARE: the server answers on one thread and stops for 300 ms at its 40th request; 100/s, so about 30
        // requests fall due during the stall, and 4 connections can hold only 4 of them
        AtomicInteger count = new AtomicInteger();
        InetSocketAddress address = start(n -> {
            if (count.incrementAndGet() == 40) {
                sleep(300);
            }
            return answer(200, "{}", false);
        });
        RequestTemplate template = new RequestTemplate("GET", "/orders", "127.0.0.1", List.of(), null, false);

        // TEST
        LoadResult result = new LoadGenerator(address, template, null, 4, 100, 200).run(0, 1.2);

        // VERIFY
        Map<String, String> line = loadLine(result, "stall");
        long[] latencies = result.latencies();
        Assertions.assertEquals("0", line.get("errors"));
        Assertions.assertTrue(latencies[latencies.length - 1] >= 250 * MS, "max " + line.get("max_us") + " us");
        Assertions.assertTrue(Long.parseLong(line.get("max_us")) >= 250_000, line.toString());
        // due in the first 200 ms of the stall: about 20 requests waited at least 100 ms, far more than the 4 in flight
        // (a client that measured from its own send, or waited for a free connection, would show at most those 4)
        long waited = Arrays.stream(latencies).filter(v -> v >= 100 * MS).count();
        Assertions.assertTrue(waited >= 10, "requests that waited >= 100 ms: " + waited + " " + line);
        Assertions.assertTrue(Long.parseLong(line.get("queued")) >= 1, "requests queued for a free connection");
        Assertions.assertTrue(Long.parseLong(line.get("p99_us")) >= 100_000, line.toString());
    }


    @Test
    void runWhenServerRefusesSomeTokensThenErrorsCountedWithTheirCode() throws Exception {
        // PREPARE: 100 refresh tokens, refused when their number is a multiple of 5
        Path tokens = tokenFile("rt-", 100);
        InetSocketAddress address = start(token -> Integer.parseInt(token.substring(3)) % 5 == 0
                ? answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token replayed\"}", false)
                : answer(200, "{\"access_token\":\"a\",\"refresh_token\":\"r\"}", false));
        RequestTemplate template = new RequestTemplate("POST", "/token", "127.0.0.1", List.of(),
                "grant_type=refresh_token&refresh_token=%TOKEN%", false);

        // TEST: 200/s for 0.5 s is exactly the 100 tokens
        LoadResult result = new LoadGenerator(address, template, TokenPool.read(tokens, false), 4, 200, 200)
                .run(0, 0.5);

        // VERIFY
        String out = result.format("refresh");
        Map<String, String> line = loadLine(result, "refresh");
        Assertions.assertEquals(20, result.errorCount(), out);
        Assertions.assertEquals("20", line.get("errors"));
        List<String> errorLines = out.lines().filter(l -> l.startsWith("LOAD_ERROR ")).toList();
        Assertions.assertEquals(1, errorLines.size(), out);
        String error = errorLines.get(0);
        Assertions.assertTrue(error.startsWith("LOAD_ERROR label=refresh count=20 status=400 error=invalid_grant "
                + "first_token_line="), error);
        int firstLine = Integer.parseInt(error.replaceAll(".* first_token_line=(\\d+) .*", "$1"));
        Assertions.assertEquals(0, firstLine % 5, error);
        Assertions.assertTrue(error.contains("sample={\"error\":\"invalid_grant\""), error);
        Assertions.assertFalse(error.contains("rt-" + firstLine + " ") || error.endsWith("rt-" + firstLine), error);
        Assertions.assertEquals(100, received.size());
        Assertions.assertEquals(100, new HashSet<>(received).size(), "a token presented twice");
    }


    @Test
    void runWhenTokensRunOutThenStopsAndNeverReusesOne() throws Exception {
        // PREPARE: 50 bearer tokens for a run that would need 200
        Path tokens = tokenFile("at-", 50);
        InetSocketAddress address = start(token -> answer(200, "{}", false));
        RequestTemplate template = new RequestTemplate("GET", "/orders", "127.0.0.1", List.of(), null, true);

        // TEST
        LoadResult result = new LoadGenerator(address, template, TokenPool.read(tokens, false), 4, 200, 200)
                .run(0, 1.0);

        // VERIFY
        Map<String, String> line = loadLine(result, "exhausted");
        Assertions.assertEquals("1", line.get("tokens_exhausted"));
        Assertions.assertEquals("50", line.get("tokens_used"));
        Assertions.assertEquals("50", line.get("sent"));
        Assertions.assertEquals("50", line.get("requests"));
        Assertions.assertEquals("0", line.get("errors"));
        Assertions.assertEquals(50, received.size());
        Assertions.assertEquals(50, new HashSet<>(received).size(), "a token presented twice");
        Assertions.assertTrue(received.stream().allMatch(t -> t.startsWith("at-")), received.toString());
    }


    @Test
    void runWhenServerClosesConnectionsThenReopensWithoutErrors() throws Exception {
        // PREPARE: every 7th answer says Connection: close
        AtomicInteger count = new AtomicInteger();
        InetSocketAddress address = start(n -> answer(200, "{}", count.incrementAndGet() % 7 == 0));
        RequestTemplate template = new RequestTemplate("GET", "/orders", "127.0.0.1", List.of(), null, false);

        // TEST
        LoadResult result = new LoadGenerator(address, template, null, 2, 200, 200).run(0, 0.5);

        // VERIFY
        Map<String, String> line = loadLine(result, "close");
        Assertions.assertEquals("0", line.get("errors"), result.format("close"));
        Assertions.assertEquals("100", line.get("requests"));
        Assertions.assertEquals(100, received.size());
        Assertions.assertTrue(clientPorts.size() >= 10, "connections: " + clientPorts.size());
    }


    @Test
    void runWhenClosedLoopThenEveryAnswerCountedOnce() throws Exception {
        // PREPARE
        InetSocketAddress address = start(n -> answer(200, "{}", false));
        RequestTemplate template = new RequestTemplate("GET", "/orders", "127.0.0.1", List.of(), null, false);

        // TEST
        LoadResult result = new LoadGenerator(address, template, null, 2, 0, 200).run(0, 0.3);

        // VERIFY
        Map<String, String> line = loadLine(result, "closed");
        Assertions.assertEquals("closed", line.get("mode"));
        Assertions.assertEquals("0", line.get("errors"));
        Assertions.assertTrue(Long.parseLong(line.get("requests")) > 0);
        Assertions.assertEquals(received.size(), Integer.parseInt(line.get("all_answers")));
        Assertions.assertEquals(line.get("sent"), line.get("requests"));
    }


    @Test
    void runWhenServerSpeaksOnAnIdleConnectionThenNotCountedAsAnAnswer() throws Exception {
        // PREPARE: a raw server that, 10 ms after its 3rd answer, sends a 408 on the idle connection and closes it
        // (what a server does at its keep-alive timeout); one connection at 20/s: the next request is 50 ms away
        try (ServerSocket raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger answered = new AtomicInteger();
            Thread acceptor = new Thread(() -> serveRaw(raw, answered, false), "raw-server");
            acceptor.setDaemon(true);
            acceptor.start();
            RequestTemplate template = new RequestTemplate("GET", "/orders", "127.0.0.1", List.of(), null, false);

            // TEST
            LoadResult result = new LoadGenerator((InetSocketAddress) raw.getLocalSocketAddress(), template, null, 1,
                    20, 200).run(0, 0.5);

            // VERIFY: ten requests, ten answers; the 408 answered none of them (nor is the connection counted twice
            // as free, nor does the run wait for an answer it already had)
            // (the answers the tool counts as right are the 200s the server sent; were the 408 counted, the last
            // request's answer would be missed instead, and a refusal reported that answered no request)
            String out = result.format("idle");
            Map<String, String> line = loadLine(result, "idle");
            Assertions.assertEquals("10", line.get("sent"), out);
            Assertions.assertEquals("10", line.get("requests"), out);
            Assertions.assertEquals("10", line.get("all_answers"), out);
            Assertions.assertEquals("0", line.get("timeouts"), out);
            // the 408 answers a request only when a slow machine sent the next one before it arrived
            Assertions.assertEquals(answered.get(), 10 - result.errorCount(), out);
        }
    }


    @Test
    void runWhenServerSendsTwoAnswersForOneRequestThenTheExtraOneIgnored() throws Exception {
        // PREPARE: the 3rd answer comes with a second one in the same write, on a connection kept open
        try (ServerSocket raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger answered = new AtomicInteger();
            Thread acceptor = new Thread(() -> serveRaw(raw, answered, true), "raw-server");
            acceptor.setDaemon(true);
            acceptor.start();
            RequestTemplate template = new RequestTemplate("GET", "/orders", "127.0.0.1", List.of(), null, false);

            // TEST
            LoadResult result = new LoadGenerator((InetSocketAddress) raw.getLocalSocketAddress(), template, null, 1,
                    20, 200).run(0, 0.5);

            // VERIFY: the extra answer is not taken for the 4th request's
            String out = result.format("extra");
            Map<String, String> line = loadLine(result, "extra");
            Assertions.assertEquals("10", line.get("requests"), out);
            Assertions.assertEquals("10", line.get("all_answers"), out);
            Assertions.assertEquals("0", line.get("errors"), out);
            Assertions.assertEquals(10, answered.get());
        }
    }


    @Test
    void runWhenARequestIsNeverAnsweredThenTimeoutWithItsTokenAndItsWholeWait() throws Exception {
        // PREPARE: a server that never answers the 5th request (due at 80 ms at 50/s); answers are awaited 300 ms
        Path tokens = tokenFile("at-", 100);
        try (ServerSocket raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger seen = new AtomicInteger();
            Thread acceptor = new Thread(() -> serveRawHolding(raw, seen, 5), "raw-server");
            acceptor.setDaemon(true);
            acceptor.start();
            RequestTemplate template = new RequestTemplate("GET", "/orders", "127.0.0.1", List.of(), null, true);

            // TEST
            LoadResult result = new LoadGenerator((InetSocketAddress) raw.getLocalSocketAddress(), template,
                    TokenPool.read(tokens, false), 2, 50, 200).limits(300 * MS, 300 * MS).run(0, 0.4);

            // VERIFY: one timeout, with the token it carried, and a latency of at least the window's rest and the
            // drain (400 - 80 + 300 ms: the request waited from its due time until the run gave up)
            String out = result.format("hold");
            Map<String, String> line = loadLine(result, "hold");
            Assertions.assertEquals("1", line.get("timeouts"), out);
            Assertions.assertEquals(1, result.errorCount(), out);
            Assertions.assertTrue(out.contains("LOAD_ERROR label=hold count=1 timeout=300ms first_token_line="), out);
            Assertions.assertTrue(Long.parseLong(line.get("max_us")) >= 600_000, out);
            Assertions.assertEquals("20", line.get("sent"), out);
            Assertions.assertEquals("19", line.get("requests"), out);
            Assertions.assertEquals(20, result.latencies().length, "the unanswered one is in the tail");
        }
    }


    /** Answers each request with 200 but the {@code hold}-th, whose connection then stays silent and open. */
    private static void serveRawHolding(ServerSocket raw, AtomicInteger seen, int hold) {
        while (!raw.isClosed()) {
            try {
                Socket s = raw.accept();
                Thread t = new Thread(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        while (readHead(in)) {
                            if (seen.incrementAndGet() == hold) {
                                while (in.read() >= 0) {
                                    // silent until the client closes
                                }
                                return;
                            }
                            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        }
                    } catch (IOException e) {
                        // the client closed the connection at the end of its run
                    }
                }, "raw-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }


    /**
     * Answers each GET with 200. After the 3rd answer: with {@code together}, a 408 in the same write, the connection
     * kept open; otherwise a 408 10 ms later, on the then idle connection, and the connection closed.
     */
    private static void serveRaw(ServerSocket raw, AtomicInteger answered, boolean together) {
        while (!raw.isClosed()) {
            try {
                Socket s = raw.accept();
                Thread t = new Thread(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        String ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
                        String timeout = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
                        while (readHead(in)) {
                            boolean third = answered.incrementAndGet() == 3;
                            out.write((third && together ? ok + timeout : ok).getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            if (third && !together) {
                                sleep(10);
                                out.write(timeout.getBytes(StandardCharsets.US_ASCII));
                                out.flush();
                                return;
                            }
                        }
                    } catch (IOException e) {
                        // the client closed the connection at the end of its run
                    }
                }, "raw-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }


    /** Reads a request head (no body); false at the end of the stream. */
    private static boolean readHead(InputStream in) throws IOException {
        int matched = 0;
        for (int b = in.read(); b >= 0; b = in.read()) {
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return true;
            }
        }
        return false;
    }


    // ------------------------------------------------------------------------------------------ the server

    private record Answer(int status, String body, boolean close) {
    }


    private static Answer answer(int status, String body, boolean close) {
        return new Answer(status, body, close);
    }


    /** Makes the server answer with {@code h} (given each request's token) and forgets the previous requests. */
    private static InetSocketAddress start(Function<String, Answer> h) {
        handler = h;
        received.clear();
        clientPorts.clear();
        return server.getAddress();
    }


    private static void handle(HttpExchange exchange) throws IOException {
        clientPorts.add(exchange.getRemoteAddress().getPort());
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String token = null;
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.startsWith("Bearer ")) {
            token = authorization.substring(7);
        }
        int k = body.indexOf("refresh_token=");
        if (k >= 0) {
            token = body.substring(k + 14);
        }
        received.add(token == null ? "" : token);
        Answer a = handler.apply(token);
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (a.close()) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
        exchange.sendResponseHeaders(a.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }


    private Path tokenFile(String prefix, int n) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            b.append(prefix).append(i).append('\n');
        }
        Path file = dir.resolve(prefix + "tokens.txt");
        Files.writeString(file, b.toString(), StandardCharsets.US_ASCII);
        return file;
    }


    /** The {@code LOAD} line as scripts/bench reads it: key=value words. */
    private static Map<String, String> loadLine(LoadResult result, String label) {
        String line = result.format(label).lines().filter(l -> l.startsWith("LOAD ")).findFirst().orElseThrow();
        Map<String, String> values = new HashMap<>();
        for (String kv : line.substring(5).split(" ")) {
            int eq = kv.indexOf('=');
            values.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Assertions.assertEquals(label, values.get("label"));
        return values;
    }


    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
