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
package org.scopegate.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The revocation feed's part of {@code scripts/bench} (scripts/lib/bench-feed.sh), for what {@code wrk} cannot do:
 * <ul>
 * <li>{@code revocation token=URL revoke=URL gateway=URL client=ID secret=S user=U password=P samples=N}: N rounds
 * of: a fresh access token (refresh grant), two uses at the gateway (cached), its revocation at the key manager,
 * then uses at the gateway until one is refused. Prints {@code revoke_call_p50_ms=} (the revocation's own time)
 * and {@code revocation_visible_p99_ms=} (from the revocation's answer to the first refusal's answer), with
 * {@code admitted_after_revoke=} (rounds in which a use after the answer was still admitted).</li>
 * <li>{@code failover token=URL1,URL2 gateway=URL client=ID secret=S user=U password=P pid=PID threads=N seconds=S
 * killAfter=S fresh=N}: load through the gateway (a third of the requests with a token never used before, so that
 * introspection runs), and {@code kill -9} of process {@code pid} (a key manager) after {@code killAfter} s.
 * Prints {@code ha_failover_failed_requests=} (requests that got anything but 200) and the counts.</li>
 * <li>{@code streams feed=URL client=ID secret=S count=N seconds=S}: holds N pushed-feed streams open at once for
 * S seconds, as N valves would, and counts what they receive ({@code streams_open=}, {@code streams_bytes=}).
 * The script measures the key manager's memory and CPU around it.</li>
 * </ul>
 * Talks plain HTTP to 127.0.0.1 (the demo's loopback connector).
 */
public final class FeedBench {

    private static final Pattern ACCESS = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    private static final Pattern REFRESH = Pattern.compile("\"refresh_token\":\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String basic;

    private FeedBench(Map<String, String> o) {
        String pair = URLEncoder.encode(require(o, "client"), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(require(o, "secret"), StandardCharsets.UTF_8);
        basic = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param args the sub-command and its {@code key=value} arguments
     * @throws Exception on any failure (the exit status is then non-zero)
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: FeedBench revocation|failover|streams key=value...");
            System.exit(2);
        }
        Map<String, String> o = new HashMap<>();
        for (String a : Arrays.copyOfRange(args, 1, args.length)) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got " + a);
            }
            o.put(a.substring(0, eq), a.substring(eq + 1));
        }
        FeedBench bench = new FeedBench(o);
        switch (args[0]) {
            case "revocation" -> bench.revocation(o);
            case "failover" -> bench.failover(o);
            case "streams" -> bench.streams(o);
            default -> throw new IllegalArgumentException("unknown sub-command " + args[0]);
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------------------------------ revocation

    private void revocation(Map<String, String> o) throws Exception {
        String token = require(o, "token");
        String revoke = require(o, "revoke");
        String gateway = require(o, "gateway");
        int samples = Integer.parseInt(o.getOrDefault("samples", "200"));
        String refresh = grant(token, "grant_type=password&username=" + form(require(o, "user")) + "&password="
                + form(require(o, "password")) + "&scope=read", REFRESH);
        // warm-up: the paths compiled, the gateway's feed connected
        for (int i = 0; i < 20; i++) {
            String[] pair = refresh(token, refresh);
            refresh = pair[1];
            get(gateway, pair[0]);
            get(gateway, pair[0]);
        }
        long[] call = new long[samples];
        long[] visible = new long[samples];
        int admitted = 0;
        for (int i = 0; i < samples; i++) {
            String[] pair = refresh(token, refresh);
            refresh = pair[1];
            String access = pair[0];
            expect(200, get(gateway, access), "a fresh token at the gateway");
            expect(200, get(gateway, access), "a cached token at the gateway");
            long t0 = System.nanoTime();
            HttpResponse<String> r = post(revoke, "token=" + form(access));
            long answered = System.nanoTime();
            expect(200, r.statusCode(), "the revocation");
            call[i] = answered - t0;
            int uses = 0;
            long refusedAt;
            while (true) {
                int status = get(gateway, access);
                uses++;
                if (status != 200) {
                    expect(401, status, "the revoked token at the gateway");
                    refusedAt = System.nanoTime();
                    break;
                }
                if (System.nanoTime() - answered > TimeUnit.SECONDS.toNanos(10)) {
                    throw new IllegalStateException("the revoked token was still admitted after 10 s");
                }
            }
            if (uses > 1) {
                admitted++;
            }
            visible[i] = refusedAt - answered;
        }
        Arrays.sort(call);
        Arrays.sort(visible);
        System.out.println("revocation_samples=" + samples);
        System.out.println("revoke_call_p50_ms=" + ms(call[samples / 2]));
        System.out.println("revoke_call_p99_ms=" + ms(call[samples * 99 / 100]));
        System.out.println("revocation_visible_p50_ms=" + ms(visible[samples / 2]));
        System.out.println("revocation_visible_p99_ms=" + ms(visible[samples * 99 / 100]));
        System.out.println("revocation_visible_max_ms=" + ms(visible[samples - 1]));
        System.out.println("admitted_after_revoke=" + admitted);
    }

    // ------------------------------------------------------------------------------------------ failover

    private void failover(Map<String, String> o) throws Exception {
        String[] tokenUrls = require(o, "token").split(",");
        String gateway = require(o, "gateway");
        long pid = Long.parseLong(require(o, "pid"));
        int threads = Integer.parseInt(o.getOrDefault("threads", "4"));
        long seconds = Long.parseLong(o.getOrDefault("seconds", "10"));
        long killAfter = Long.parseLong(o.getOrDefault("killAfter", "3"));
        int freshCount = Integer.parseInt(o.getOrDefault("fresh", "1500"));
        String password = "grant_type=password&username=" + form(require(o, "user")) + "&password="
                + form(require(o, "password")) + "&scope=read";

        // Tokens from both key managers: a few used over and over (cached), many used once (introspected)
        List<String> cached = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String t = grant(tokenUrls[i % tokenUrls.length], password, ACCESS);
            expect(200, get(gateway, t), "a token at the gateway");
            cached.add(t);
        }
        // Half of them kept for after the kill, so that introspection is exercised right when it matters
        ConcurrentLinkedQueue<String> freshBefore = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> freshAfter = new ConcurrentLinkedQueue<>();
        String[] refresh = new String[tokenUrls.length];
        for (int k = 0; k < tokenUrls.length; k++) {
            refresh[k] = grant(tokenUrls[k], password, REFRESH);
        }
        for (int i = 0; i < freshCount; i++) {
            int k = i % tokenUrls.length;
            String[] pair = refresh(tokenUrls[k], refresh[k]);
            refresh[k] = pair[1];
            (i % 2 == 0 ? freshBefore : freshAfter).add(pair[0]);
        }

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean killed = new AtomicBoolean();
        AtomicLong requests = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong freshAfterKill = new AtomicLong();
        AtomicInteger shown = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            workers.add(pool.submit(() -> {
                while (running.get()) {
                    String t = ThreadLocalRandom.current().nextInt(3) != 0 ? null
                            : (killed.get() ? freshAfter : freshBefore).poll();
                    boolean isFresh = t != null;
                    if (t == null) {
                        t = cached.get(ThreadLocalRandom.current().nextInt(cached.size()));
                    }
                    int status;
                    try {
                        status = get(gateway, t);
                    } catch (IOException e) {
                        status = -1;
                    }
                    requests.incrementAndGet();
                    if (status != 200) {
                        failed.incrementAndGet();
                        if (shown.incrementAndGet() <= 5) {
                            System.out.println("ha_failed_request=" + status + (killed.get() ? " after" : " before")
                                    + " the kill");
                        }
                    } else if (isFresh && killed.get()) {
                        freshAfterKill.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(killAfter));
        ProcessHandle victim = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        victim.destroyForcibly();
        victim.onExit().get(30, TimeUnit.SECONDS);
        killed.set(true);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds - killAfter));
        running.set(false);
        for (Future<?> f : workers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        System.out.println("ha_requests=" + requests.get());
        System.out.println("ha_fresh_tokens_after_kill=" + freshAfterKill.get());
        System.out.println("ha_failover_failed_requests=" + failed.get());
    }

    // ------------------------------------------------------------------------------------------ streams

    private void streams(Map<String, String> o) throws Exception {
        String feed = require(o, "feed");
        int count = Integer.parseInt(o.getOrDefault("count", "1000"));
        long seconds = Long.parseLong(o.getOrDefault("seconds", "10"));
        AtomicLong bytes = new AtomicLong();
        AtomicInteger open = new AtomicInteger();
        AtomicInteger hellos = new AtomicInteger();
        List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
        List<Flow.Subscription> subscriptions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(feed + "?after=-1"))
                    .header("Accept", "text/event-stream").header("Authorization", basic).GET().build();
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(
                    new Flow.Subscriber<String>() {
                        @Override
                        public void onSubscribe(Flow.Subscription s) {
                            synchronized (subscriptions) {
                                subscriptions.add(s);
                            }
                            open.incrementAndGet();
                            s.request(Long.MAX_VALUE);
                        }

                        @Override
                        public void onNext(String line) {
                            bytes.addAndGet(line.length() + 1);
                            if (line.equals("event: hello")) {
                                hellos.incrementAndGet();
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            open.decrementAndGet();
                        }

                        @Override
                        public void onComplete() {
                            open.decrementAndGet();
                        }
                    })));
            if (i % 100 == 99) {
                // Let the key manager catch up: they are valves starting one after the other
                Thread.sleep(200);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (hellos.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        System.out.println("streams_ready=" + hellos.get());
        // The script samples the key manager's CPU and memory now, for this long
        System.out.println("streams_holding_s=" + seconds);
        System.out.flush();
        long before = bytes.get();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        System.out.println("streams_open=" + open.get());
        System.out.println("streams_bytes_per_second=" + (bytes.get() - before) / seconds);
        synchronized (subscriptions) {
            for (Flow.Subscription s : subscriptions) {
                s.cancel();
            }
        }
    }

    // ------------------------------------------------------------------------------------------ HTTP

    private String grant(String url, String body, Pattern field) throws IOException, InterruptedException {
        HttpResponse<String> r = post(url, body);
        expect(200, r.statusCode(), "a grant at " + url + ": " + r.body());
        Matcher m = field.matcher(r.body());
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + r.body());
        }
        return m.group(1);
    }

    private String[] refresh(String url, String refresh) throws IOException, InterruptedException {
        HttpResponse<String> r = post(url, "grant_type=refresh_token&refresh_token=" + form(refresh));
        expect(200, r.statusCode(), "a refresh grant: " + r.body());
        Matcher a = ACCESS.matcher(r.body());
        Matcher f = REFRESH.matcher(r.body());
        if (!a.find() || !f.find()) {
            throw new IllegalStateException("not a token answer: " + r.body());
        }
        return new String[] { a.group(1), f.group(1) };
    }

    private HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private int get(String url, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void expect(int expected, int status, String what) {
        if (status != expected) {
            throw new IllegalStateException(what + ": status " + status + ", expected " + expected);
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.2f", nanos / 1_000_000.0);
    }

    private static String require(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing " + key + "=");
        }
        return v;
    }
}
