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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code BenchTool load key=value...} as scripts/bench calls it: the URL and options turned into requests, and the
 * {@code LOAD} line printed.
 */
public class TestLoadCommand {

    private static HttpServer server;
    private static final List<String> targets = new CopyOnWriteArrayList<>();


    @BeforeAll
    static void startServer() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", exchange -> {
            targets.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.getRequestBody().readAllBytes();
            if ("HEAD".equals(exchange.getRequestMethod())) {
                // what a GET would get: 2 bytes; no body with it
                exchange.getResponseHeaders().set("Content-Length", "2");
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, 2);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("ok".getBytes(StandardCharsets.US_ASCII));
            }
        });
        server.start();
    }


    @AfterAll
    static void stopServer() {
        server.stop(0);
    }


    @Test
    void runWhenUrlHasNoPathThenRootRequestedAndLoadLinePrinted() throws Exception {
        // PREPARE
        targets.clear();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();

        // TEST
        String out = capture(Map.of("url", url, "rate", "100", "seconds", "0.2", "connections", "2",
                "label", "no path"));

        // VERIFY
        Assertions.assertTrue(out.startsWith("LOAD label=no_path mode=open rate=100 connections=2 requests=20 sent=20 "),
                out);
        Assertions.assertTrue(out.contains(" errors=0 "), out);
        Assertions.assertEquals(20, targets.size());
        Assertions.assertTrue(targets.stream().allMatch("GET /"::equals), targets.toString());
    }


    @Test
    void runWhenPostWithQueryThenTargetKeptAndBodySent() throws Exception {
        // PREPARE
        targets.clear();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/token/introspect?x=1";

        // TEST
        String out = capture(Map.of("url", url, "method", "POST", "body", "token=abc", "rate", "50", "seconds",
                "0.2", "connections", "1"));

        // VERIFY
        Assertions.assertTrue(out.contains(" requests=10 ") && out.contains(" errors=0 "), out);
        Assertions.assertTrue(targets.stream().allMatch("POST /token/introspect?x=1"::equals), targets.toString());
    }


    @Test
    void runWhenHeadThenAnswersWithoutBodyCounted() throws Exception {
        // PREPARE
        targets.clear();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/orders";

        // TEST
        String out = capture(Map.of("url", url, "method", "HEAD", "rate", "50", "seconds", "0.2", "connections", "1"));

        // VERIFY: each answer announces 2 bytes and sends none; waiting for them would time every request out
        Assertions.assertTrue(out.contains(" requests=10 ") && out.contains(" errors=0 ") && out.contains(" timeouts=0 "),
                out);
        Assertions.assertTrue(targets.stream().allMatch("HEAD /orders"::equals), targets.toString());
    }


    @Test
    void runWhenNotHttpOrNoUrlThenRefused() {
        Assertions.assertThrows(IllegalArgumentException.class, () -> LoadCommand.run(Map.of("url",
                "https://127.0.0.1:1/")));
        Assertions.assertThrows(IllegalArgumentException.class, () -> LoadCommand.run(Map.of("rate", "1")));
    }


    @Test
    void runWhenRequestNeedsTokensAndNoneGivenThenRefused() {
        Assertions.assertThrows(IllegalArgumentException.class, () -> LoadCommand.run(Map.of("url",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/", "bearer", "1")));
    }


    private static String capture(Map<String, String> options) throws Exception {
        PrintStream before = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            LoadCommand.run(options);
        } finally {
            System.setOut(before);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
