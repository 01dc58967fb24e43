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
package org.scopegate.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Assertions;
import org.scopegate.testsupport.Poll;

/**
 * What an attacker sends a Tomcat, as raw bytes on a socket: bad bytes in header names and values, oversized
 * headers and request lines, {@code #} and {@code %00} in the target, bad methods and versions, CRLF injection,
 * broken framing, path tricks, and credentials in the query string (a client mistake the token service answers with
 * 405). Every request carries secrets of its own (in the query, in header values, in the path) so that an answer or
 * a log line that repeats one is found. Each answer must name no exception, no server version, hold no stack trace
 * and echo nothing that was sent; no answer is a 500.
 */
final class HostileRequests {

    /** Exception or error class names, stack frames, Tomcat's name and version. */
    private static final Pattern LEAK = Pattern.compile("[A-Za-z]+(Exception|Error)\\b|\\bat (java|jakarta|org)\\."
            + "|\\b(java|javax|jakarta)\\.[a-z]+\\.|org\\.apache\\.|Apache Tomcat|Tomcat/\\d|Caused by");

    private static final byte[] HEADER_NAME_BYTES = bytes("\u0000\u0001\u0008\t\u000b\u000c\u001f\u007f\u0080\u00ff"
            + "()<>@,;\\\"/[]?={} ");
    private static final byte[] HEADER_VALUE_BYTES = bytes("\u0000\u0001\u0007\u0008\u000b\u000c\u000e\u001b\u001f"
            + "\u007f\r");
    private static final byte[] TARGET_BYTES = bytes("<>\"{}|\\^` \u0000\u0001\u007f\u0080\u00ff");
    private static final String[] METHODS = {"G ET", "GET\u0000", "(GET)", "GET\u007f", "GE\tT", "@GET", "G\u00c9T",
        "GET:", "[GET]", "\u0000"};
    private static final String[] VERSIONS = {"HTTP/1.2", "HTTP/2.0", "HTTP/1", "HTTP/1.1.1", "FOO/1.1", "http/1.1",
        "HTTP/01.1", "HTTP/1.1 extra", "HTTP/1.1\u0000", "HTTP/9.9"};
    private static final String[] QUERY_PATHS = {"/token", "/token/", "/token/revoke", "/token/introspect",
        "/token/revocations", "/token/admin/users", "/token/signup", "/token/api/session", "/orders/42",
        "/token/.well-known/oauth-authorization-server"};

    /**
     * One hostile request. Its secrets (in the query, in header names and values, in a body) must never be echoed nor
     * logged; its path markers (in the path itself, which the access log records) must never be echoed.
     */
    record Probe(String kind, byte[] request, List<String> secrets, List<String> pathMarkers, boolean tls) {
    }

    /** What came back: the whole answer as text (ISO-8859-1), its status, or why there was none. */
    record Answer(Probe probe, String text, int status, String failure) {
    }

    private HostileRequests() {
    }

    // ------------------------------------------------------------------------------------------ the whole test

    /**
     * Sends the battery to a running Tomcat and asserts that no answer and no log gives anything away.
     *
     * @param label     for the printed summary (e.g. the Tomcat version)
     * @param count     how many requests
     * @param httpPort  its plain HTTP port on 127.0.0.1
     * @param httpsPort its HTTPS port, or -1 when it has none
     * @param ssl       a TLS context trusting it, or null
     * @param logs      its {@code logs} directory (the access log's prefix {@code localhost_access_log})
     * @throws Exception when sending fails
     */
    static void attack(String label, int count, int httpPort, int httpsPort, SSLContext ssl, Path logs)
            throws Exception {
        // PREPARE
        long seed = System.nanoTime();
        List<Probe> probes = battery(count, "localhost", httpsPort > 0, seed);

        // TEST
        long t0 = System.nanoTime();
        List<Answer> answers = send(probes, httpPort, httpsPort, ssl);
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();

        // VERIFY: the answers
        long answered = answers.stream().filter(a -> a.failure() == null).count();
        System.out.printf("[e2e] %s: %d hostile requests (seed %d) in %d ms, %d answered; by kind and status: %s%n",
                label, Integer.valueOf(probes.size()), Long.valueOf(seed), Long.valueOf(ms), Long.valueOf(answered),
                statuses(answers));
        List<String> leaks = leaks(answers);
        Assertions.assertEquals(0, leaks.size(), () -> leaks.size() + " of " + answers.size()
                + " answers give something away (seed " + seed + "):\n"
                + String.join("\n", leaks.subList(0, Math.min(15, leaks.size()))));
        Assertions.assertTrue(answered >= probes.size() * 9L / 10,
                "only " + answered + " answers: the connector stopped answering");

        // VERIFY: the logs, once the access log has written a last request
        String done = "/orders/hostile-done-" + UUID.randomUUID();
        Answer last = send(new Probe("last", bytes("GET " + done + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n"), List.of(), List.of(), false), httpPort, httpsPort, ssl);
        Assertions.assertTrue(last.status() > 0, last::toString);
        Poll.await("the access log holds the last request", Duration.ofSeconds(40), () -> accessLogHolds(logs, done));
        List<String> secrets = new ArrayList<>();
        probes.forEach(p -> secrets.addAll(p.secrets()));
        List<String> logLeaks = logLeaks(logs, secrets);
        Assertions.assertEquals(0, logLeaks.size(), () -> logLeaks.size() + " log lines keep what was sent (seed "
                + seed + "):\n" + String.join("\n", logLeaks.subList(0, Math.min(15, logLeaks.size()))));
    }

    private static Boolean accessLogHolds(Path logs, String part) throws IOException {
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("localhost_access_log")).toList()) {
                if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(part)) {
                    return Boolean.TRUE;
                }
            }
        }
        return Boolean.FALSE;
    }

    // ------------------------------------------------------------------------------------------ the battery

    /**
     * @param count how many requests
     * @param host  the Host header of the well-formed parts
     * @param tls   whether every fifth request goes over TLS
     * @param seed  the random seed (printed by the caller, so that a failure can be replayed)
     * @return the requests
     */
    static List<Probe> battery(int count, String host, boolean tls, long seed) {
        Random random = new Random(seed);
        List<BiFunction<Integer, Random, Probe>> kinds = List.of(
                HostileRequests::badHeaderName, HostileRequests::badHeaderValue, HostileRequests::oversizedHeader,
                HostileRequests::tooManyHeaders, HostileRequests::oversizedRequestLine, HostileRequests::hashInTarget,
                HostileRequests::nulInTarget, HostileRequests::badMethod, HostileRequests::badVersion,
                HostileRequests::crlfInjection, HostileRequests::credentialsInQuery,
                HostileRequests::badTargetCharacter, HostileRequests::badHost, HostileRequests::badFraming,
                HostileRequests::pathTricks);
        List<Probe> probes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Probe p = kinds.get(i % kinds.size()).apply(Integer.valueOf(i), random);
            String text = new String(p.request(), StandardCharsets.ISO_8859_1).replace("{HOST}", host);
            probes.add(new Probe(p.kind(), bytes(text), p.secrets(), p.pathMarkers(), tls && i % 5 == 4));
        }
        return probes;
    }

    private static String secret(int i, Random r) {
        byte[] b = new byte[8];
        r.nextBytes(b);
        return "Sg" + i + "q" + HexFormat.of().formatHex(b);
    }

    private static Probe probe(String kind, String request, String... secrets) {
        return new Probe(kind, bytes(request), List.of(secrets), List.of(), false);
    }

    private static Probe probeWithPathMarker(String kind, String request, String marker, String... secrets) {
        return new Probe(kind, bytes(request), List.of(secrets), List.of(marker), false);
    }

    private static Probe badHeaderName(Integer i, Random r) {
        String s1 = secret(i, r);
        String s2 = secret(i, r);
        char bad = (char) (HEADER_NAME_BYTES[r.nextInt(HEADER_NAME_BYTES.length)] & 0xff);
        return probe("bad byte in a header name", "GET " + QUERY_PATHS[r.nextInt(QUERY_PATHS.length)]
                + " HTTP/1.1\r\nHost: {HOST}\r\nX-Tr" + bad + "ace-" + s1 + ": " + s1 + "\r\nAuthorization: Bearer "
                + s2 + "\r\nConnection: close\r\n\r\n", s1, s2);
    }

    private static Probe badHeaderValue(Integer i, Random r) {
        String s1 = secret(i, r);
        String s2 = secret(i, r);
        char bad = (char) (HEADER_VALUE_BYTES[r.nextInt(HEADER_VALUE_BYTES.length)] & 0xff);
        String header = r.nextBoolean() ? "Authorization: Bearer " + s1 + bad + "tail"
                : "Authorization: Basic " + base64(s1 + ":" + s2) + bad;
        return probe("bad byte in a header value", "GET /orders/42 HTTP/1.1\r\nHost: {HOST}\r\nX-Other: " + s2
                + "\r\n" + header + "\r\nConnection: close\r\n\r\n", s1, s2);
    }

    private static Probe oversizedHeader(Integer i, Random r) {
        String s1 = secret(i, r);
        String s2 = secret(i, r);
        String big = "A".repeat(8 * 1024 + r.nextInt(16 * 1024));
        return probe("oversized header", "POST /token HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Basic "
                + base64(s2 + ":" + s1) + "\r\nX-Big: " + s1 + big + s2 + "\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n", s1, s2);
    }

    private static Probe tooManyHeaders(Integer i, Random r) {
        String s1 = secret(i, r);
        StringBuilder sb = new StringBuilder("GET /orders/42 HTTP/1.1\r\nHost: {HOST}\r\n");
        int n = 101 + r.nextInt(100);
        for (int h = 0; h < n; h++) {
            sb.append("X-H").append(h).append(": ").append(s1).append("\r\n");
        }
        sb.append("Authorization: Bearer ").append(s1).append("\r\nConnection: close\r\n\r\n");
        return probe("too many headers", sb.toString(), s1);
    }

    private static Probe oversizedRequestLine(Integer i, Random r) {
        String s1 = secret(i, r);
        String path = QUERY_PATHS[r.nextInt(QUERY_PATHS.length)];
        return probe("oversized request line", "GET " + path + "?password=" + s1 + "&pad="
                + "b".repeat(8 * 1024 + r.nextInt(8 * 1024)) + " HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n",
                s1);
    }

    private static Probe hashInTarget(Integer i, Random r) {
        String s1 = secret(i, r);
        String s2 = secret(i, r);
        String path = QUERY_PATHS[r.nextInt(QUERY_PATHS.length)];
        String target = switch (r.nextInt(3)) {
            case 0 -> path + "#" + s2 + "?password=" + s1;
            case 1 -> path + "?password=" + s1 + "#" + s2;
            default -> path + "#?client_secret=" + s1 + "&x=" + s2;
        };
        return probe("# in the target", "GET " + target + " HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n",
                s1, s2);
    }

    private static Probe nulInTarget(Integer i, Random r) {
        String s1 = secret(i, r);
        String m = secret(i, r);
        String path = QUERY_PATHS[r.nextInt(QUERY_PATHS.length)];
        String target = switch (r.nextInt(3)) {
            case 0 -> path + "%00" + "?password=" + s1;
            case 1 -> path + "?password=" + s1 + "%00";
            default -> path + "/%00" + m + "?password=" + s1;
        };
        return probeWithPathMarker("%00 in the target", "GET " + target + " HTTP/1.1\r\nHost: {HOST}\r\n"
                + "Connection: close\r\n\r\n", m, s1);
    }

    private static Probe badMethod(Integer i, Random r) {
        String s1 = secret(i, r);
        return probe("bad method", METHODS[r.nextInt(METHODS.length)] + " /token?password=" + s1
                + " HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer " + s1 + "\r\nConnection: close\r\n\r\n", s1);
    }

    private static Probe badVersion(Integer i, Random r) {
        String s1 = secret(i, r);
        return probe("bad version", "GET /token?password=" + s1 + " " + VERSIONS[r.nextInt(VERSIONS.length)]
                + "\r\nHost: {HOST}\r\nAuthorization: Bearer " + s1 + "\r\nConnection: close\r\n\r\n", s1);
    }

    private static Probe crlfInjection(Integer i, Random r) {
        String s1 = secret(i, r);
        String s2 = secret(i, r);
        String request = switch (r.nextInt(5)) {
            case 0 -> "GET /orders/42?x=\r\nX-Injected: " + s1 + " HTTP/1.1\r\nHost: {HOST}\r\n"
                    + "Connection: close\r\n\r\n";
            case 1 -> "GET /orders/42 HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer " + s1 + "\nX-Injected: " + s2
                    + "\r\nConnection: close\r\n\r\n";
            case 2 -> "GET /orders/42 HTTP/1.1\r\nHost: {HOST}\r\nX-A: a\r\n " + s1 + "\r\nAuthorization: Bearer "
                    + s2 + "\r\nConnection: close\r\n\r\n";
            case 3 -> "GET /orders/42 HTTP/1.1\r\nHost: {HOST}\r\nX-A: " + s1 + "\rX-B: " + s2
                    + "\r\nConnection: close\r\n\r\n";
            default -> null;
        };
        if (request == null) {
            // an encoded CRLF in the path: the path (logged as it is) must not come back as a header
            return probeWithPathMarker("CRLF injection", "GET /token%0d%0aSet-Cookie:%20" + s1 + "?password=" + s2
                    + " HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n", s1, s2);
        }
        return probe("CRLF injection", request, s1, s2);
    }

    private static Probe credentialsInQuery(Integer i, Random r) {
        String s1 = secret(i, r);
        String s2 = secret(i, r);
        String s3 = secret(i, r);
        String[] methods = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"};
        String method = methods[r.nextInt(methods.length)];
        String path = QUERY_PATHS[r.nextInt(QUERY_PATHS.length)];
        String query = switch (r.nextInt(4)) {
            case 0 -> "grant_type=password&username=nobody&password=" + s1 + "&client_secret=" + s2;
            case 1 -> "token=" + s1 + "&token_type_hint=access_token&client_secret=" + s2;
            case 2 -> "access_token=" + s1 + "&refresh_token=" + s2;
            default -> "Authorization=Bearer%20" + s1 + "&password=" + s2;
        };
        // The Basic user is a client id, which is no secret (the audit log writes an unknown one as a digest prefix
        // only), so it is not one of the secrets looked for in the logs
        String auth = r.nextBoolean() ? "Authorization: Bearer " + s3
                : "Authorization: Basic " + base64("hostile-client-" + i + ":" + s3);
        return probe("credentials in the query", method + " " + path + "?" + query + " HTTP/1.1\r\nHost: {HOST}\r\n"
                + auth + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", s1, s2, s3);
    }

    private static Probe badTargetCharacter(Integer i, Random r) {
        String s1 = secret(i, r);
        String m = secret(i, r);
        char bad = (char) (TARGET_BYTES[r.nextInt(TARGET_BYTES.length)] & 0xff);
        String path = QUERY_PATHS[r.nextInt(QUERY_PATHS.length)];
        String target = r.nextBoolean() ? path + "?password=" + s1 + bad + "x" : path + bad + m + "?p=" + s1;
        return probeWithPathMarker("bad character in the target", "GET " + target + " HTTP/1.1\r\nHost: {HOST}\r\n"
                + "Connection: close\r\n\r\n", m, s1);
    }

    private static Probe badHost(Integer i, Random r) {
        String s1 = secret(i, r);
        String request = switch (r.nextInt(5)) {
            case 0 -> "GET /token?password=" + s1 + " HTTP/1.1\r\nHost: " + s1 + "!bad host\r\n"
                    + "Connection: close\r\n\r\n";
            case 1 -> "GET /token?password=" + s1 + " HTTP/1.1\r\nHost: {HOST}\r\nHost: " + s1
                    + ".example\r\nConnection: close\r\n\r\n";
            case 2 -> "GET /token?password=" + s1 + " HTTP/1.1\r\nHost: [::1\r\nConnection: close\r\n\r\n";
            case 3 -> "GET /token?password=" + s1 + " HTTP/1.1\r\nConnection: close\r\n\r\n";
            default -> "GET http://" + s1 + ".example/token?password=" + s1 + " HTTP/1.1\r\nHost: {HOST}\r\n"
                    + "Connection: close\r\n\r\n";
        };
        return probe("bad Host", request, s1);
    }

    private static Probe badFraming(Integer i, Random r) {
        String s1 = secret(i, r);
        String body = "password=" + s1;
        String head = "POST /token HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Connection: close\r\n";
        String request = switch (r.nextInt(6)) {
            case 0 -> head + "Content-Length: -" + body.length() + "\r\n\r\n" + body;
            case 1 -> head + "Content-Length: " + s1 + "\r\n\r\n" + body;
            case 2 -> head + "Content-Length: " + body.length() + "\r\nContent-Length: 1\r\n\r\n" + body;
            case 3 -> head + "Transfer-Encoding: " + s1 + "\r\n\r\n" + body;
            case 4 -> head + "Transfer-Encoding: chunked\r\n\r\nzz" + s1 + "\r\n" + body + "\r\n0\r\n\r\n";
            default -> head + "Transfer-Encoding: chunked\r\nContent-Length: " + body.length() + "\r\n\r\n"
                    + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
        };
        return probe("broken framing", request, s1);
    }

    private static Probe pathTricks(Integer i, Random r) {
        String s1 = secret(i, r);
        String m = secret(i, r);
        String[] targets = {"/token/../../../etc/passwd?p=" + s1, "/%2e%2e/%2e%2e/conf/server.xml?p=" + s1,
            "/token;jsessionid=" + m + "?password=" + s1, "/token/%zz?password=" + s1, "/token%2Fadmin/users?p=" + s1,
            "/orders/..;/token/admin/users?p=" + s1, "/token/%c0%ae%c0%ae/?p=" + s1, "//token?password=" + s1,
            "/token/\u00e9" + m, "*", "/token/ui/../../orders/42?access_token=" + s1};
        return probeWithPathMarker("path tricks", "GET " + targets[r.nextInt(targets.length)]
                + " HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer " + s1 + "\r\nConnection: close\r\n\r\n", m, s1);
    }

    // ------------------------------------------------------------------------------------------ sending

    /**
     * Sends every probe on its own connection, a few at a time.
     *
     * @param probes    the requests
     * @param httpPort  the plain HTTP port on 127.0.0.1
     * @param httpsPort the HTTPS port (for probes marked tls)
     * @param ssl       the TLS context trusting the server, or null without TLS probes
     * @return the answers, in order
     * @throws Exception when the pool fails
     */
    static List<Answer> send(List<Probe> probes, int httpPort, int httpsPort, SSLContext ssl) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Answer>> futures = new ArrayList<>();
            for (Probe p : probes) {
                futures.add(pool.submit(() -> send(p, httpPort, httpsPort, ssl)));
            }
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> f : futures) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Answer send(Probe p, int httpPort, int httpsPort, SSLContext ssl) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        String failure = null;
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", p.tls() ? httpsPort : httpPort), 5000);
            plain.setSoTimeout(10_000);
            Socket socket = plain;
            if (p.tls()) {
                SSLSocket tls = (SSLSocket) ssl.getSocketFactory().createSocket(plain, "localhost", httpsPort, true);
                tls.startHandshake();
                socket = tls;
            }
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            try {
                out.write(p.request());
                out.flush();
            } catch (IOException e) {
                failure = "write: " + e; // the server may have answered and closed already: read what came
            }
            readAnswer(in, got);
        } catch (IOException e) {
            failure = (failure == null ? "" : failure + "; ") + e;
        }
        String text = got.toString(StandardCharsets.ISO_8859_1);
        int status = -1;
        Matcher m = Pattern.compile("^HTTP/1\\.[01] (\\d{3})").matcher(text);
        if (m.find()) {
            status = Integer.parseInt(m.group(1));
        }
        return new Answer(p, text, status, text.isEmpty() ? failure : null);
    }

    /** Reads one answer: headers, then Content-Length or chunked body, else to the end of the stream. */
    private static void readAnswer(InputStream in, ByteArrayOutputStream got) throws IOException {
        int b;
        int last = 0; // the last four bytes
        while ((b = in.read()) != -1) {
            got.write(b);
            last = (last << 8) | b;
            if (last == 0x0d0a0d0a || (last & 0xffff) == 0x0a0a) {
                break;
            }
        }
        if (b == -1) {
            return;
        }
        String head = got.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        Matcher length = Pattern.compile("\ncontent-length:\\s*(\\d+)").matcher(head);
        if (!head.startsWith("http/") || head.contains("\ntransfer-encoding: chunked")) {
            got.write(in.readAllBytes()); // the server closes: Connection: close, or an error
        } else if (length.find()) {
            got.write(in.readNBytes(Integer.parseInt(length.group(1))));
        } else if (!head.matches("(?s)http/1\\.[01] (1\\d\\d|204|304).*")) {
            got.write(in.readAllBytes());
        }
    }

    // ------------------------------------------------------------------------------------------ checks

    /**
     * @param answers what came back
     * @return every answer that names an exception or Tomcat's version, holds a stack trace, echoes a secret it was
     *         sent, or is a 500; as readable lines
     */
    static List<String> leaks(List<Answer> answers) {
        List<String> problems = new ArrayList<>();
        for (Answer a : answers) {
            List<String> why = new ArrayList<>();
            Matcher m = LEAK.matcher(a.text());
            if (m.find()) {
                why.add("names [" + m.group() + "]");
            }
            for (String s : a.probe().secrets()) {
                if (a.text().contains(s)) {
                    why.add("echoes the secret [" + s + "]");
                }
            }
            for (String s : a.probe().pathMarkers()) {
                if (a.text().contains(s)) {
                    why.add("echoes the path [" + s + "]");
                }
            }
            if (a.status() >= 500 && a.status() != 501 && a.status() != 503 && a.status() != 505) {
                why.add("status " + a.status());
            }
            if (!why.isEmpty()) {
                problems.add(a.probe().kind() + (a.probe().tls() ? " (TLS)" : "") + ": " + String.join(", ", why)
                        + "\n    sent:   "
                        + printable(new String(a.probe().request(), StandardCharsets.ISO_8859_1), 300)
                        + "\n    answer: " + printable(a.text(), 600));
            }
        }
        return problems;
    }

    /**
     * @param answers what came back
     * @return how many answers of each kind and status ({@code -1}: no answer)
     */
    static Map<String, Integer> statuses(List<Answer> answers) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Answer a : answers) {
            counts.merge(a.probe().kind() + " " + a.status(), Integer.valueOf(1), Integer::sum);
        }
        return counts;
    }

    /**
     * @param logs    a Tomcat's {@code logs} directory
     * @param secrets what was sent
     * @return every log line that holds one of the secrets, or an access log line with a query string on
     *         {@code /token}
     * @throws IOException when a log cannot be read
     */
    static List<String> logLeaks(Path logs, Collection<String> secrets) throws IOException {
        List<String> problems = new ArrayList<>();
        Pattern tokenQuery = Pattern.compile("\"[A-Z]* /token[^ \"]*\\?");
        Pattern secretShape = Pattern.compile("Sg\\d+q[0-9a-f]{16}");
        Set<String> sent = new HashSet<>(secrets);
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                List<String> lines = List.of(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)
                        .split("\n"));
                for (String line : lines) {
                    Matcher m = secretShape.matcher(line);
                    while (m.find()) {
                        if (sent.contains(m.group())) {
                            problems.add(f.getFileName() + ": holds [" + m.group() + "]: " + printable(line, 400));
                            break;
                        }
                    }
                    if (f.getFileName().toString().contains("access_log") && tokenQuery.matcher(line).find()) {
                        problems.add(f.getFileName() + ": a query string on /token: " + printable(line, 400));
                    }
                }
            }
        }
        return problems;
    }

    private static String printable(String s, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format("\\x%02x", Integer.valueOf(c)));
            } else {
                sb.append(c);
            }
        }
        return s.length() > max ? sb + "…" : sb.toString();
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
