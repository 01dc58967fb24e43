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
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends HTTP/1.1 requests over a fixed set of kept-alive connections, in one of two ways:
 * <ul>
 * <li><b>open loop</b> ({@code rate > 0}): request {@code i} is due at {@code start + i / rate}, whatever the server
 * does; its latency is measured from that intended time, so a stall of the server (or of a full set of busy
 * connections) shows in every request that should have been sent meanwhile, instead of being hidden by a client
 * that waits (coordinated omission). A sender thread sleeps until each due time and writes the request on a free
 * connection; a receiver thread reads every answer through one {@link Selector}.</li>
 * <li><b>closed loop</b> ({@code rate == 0}): each connection sends its next request as soon as the previous answer
 * arrived (one thread); latency from the actual send.</li>
 * </ul>
 * Two threads that sleep between events, plain NIO and a byte-level parser: the tool's own CPU is small next to the
 * server's on a 2-core machine, and it is reported (the process's CPU time over the measured window).
 */
public final class LoadGenerator {

    /** How long the answers still due after the last request are awaited. */
    private long drainNanos = TimeUnit.SECONDS.toNanos(10);

    /** An overloaded server: how long past the window's end the backlog of due requests may still be sent. */
    private long overrunNanos = TimeUnit.SECONDS.toNanos(2);

    private final InetSocketAddress address;
    private final RequestTemplate template;
    private final TokenPool tokens;
    private final int connectionCount;
    private final double rate;
    private final int expectedStatus;

    private final ErrorTally errors = new ErrorTally();
    private final AtomicInteger outstanding = new AtomicInteger();
    private LatencyLog latency;
    private LatencyLog service;
    private LatencyLog lag;
    private LatencyLog unsentLog;
    private long allAnswers;
    private long measureFrom;
    private long end;
    private long lastResponse;
    private long timeouts;
    private long queued;
    private long completedMeasured;
    private long sentMeasured;
    private volatile boolean tokensExhausted;
    private volatile boolean senderDone;


    /**
     * The server is slower than the rate: the requests still due from the {@code i}-th on are never sent. They count
     * in the latencies with what they have waited so far (a lower bound), so the figures do not flatter the server.
     */
    private void unsent(long i, long start, double period, long now) {
        for (long k = i;; k++) {
            long d = start + (long) (k * period);
            if (d >= end) {
                break;
            }
            if (d >= measureFrom) {
                unsentLog.add(now - d);
            }
        }
    }


    /**
     * @param address        the server
     * @param template       the request
     * @param tokens         the tokens, each used once, or {@code null} when the request needs none
     * @param connections    kept-alive connections
     * @param rate           requests per second (open loop), or {@code 0} for a closed loop
     * @param expectedStatus the status every answer should have
     */
    public LoadGenerator(InetSocketAddress address, RequestTemplate template, TokenPool tokens, int connections,
            double rate, int expectedStatus) {
        if (template.needsToken() && tokens == null) {
            throw new IllegalArgumentException("the request needs tokens: give tokens=FILE");
        }
        this.address = address;
        this.template = template;
        this.tokens = tokens;
        this.connectionCount = connections;
        this.rate = rate;
        this.expectedStatus = expectedStatus;
    }


    /**
     * Shorter waits than a real run's, for the tests.
     *
     * @param drain   how long answers are awaited after the last request (10 s)
     * @param overrun how long past the window's end due requests may still be sent (2 s)
     *
     * @return this
     */
    LoadGenerator limits(long drain, long overrun) {
        drainNanos = drain;
        overrunNanos = overrun;
        return this;
    }


    /**
     * Runs a warm-up (not recorded) and then the measured window.
     *
     * @param warmupSeconds seconds sent first, not recorded
     * @param seconds       the measured window
     *
     * @return the figures
     *
     * @throws IOException          when the connections cannot be opened
     * @throws InterruptedException when interrupted
     */
    public LoadResult run(double warmupSeconds, double seconds) throws IOException, InterruptedException {
        int expected = rate > 0 ? (int) (rate * seconds * 1.05) + 1000 : 100_000;
        latency = new LatencyLog(expected);
        service = new LatencyLog(expected);
        lag = new LatencyLog(expected);
        unsentLog = new LatencyLog(16);
        Selector selector = Selector.open();
        Connection[] connections = new Connection[connectionCount];
        int bufferSize = template.maxSize(tokens == null ? 0 : tokens.maxLength());
        for (int i = 0; i < connectionCount; i++) {
            connections[i] = new Connection(bufferSize);
            connections[i].open(selector);
        }
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        measureFrom = start + (long) (warmupSeconds * 1e9);
        end = measureFrom + (long) (seconds * 1e9);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] cpuAtMeasure = { -1 };
        long cpuEnd;
        try {
            if (rate > 0) {
                ArrayBlockingQueue<Connection> free = new ArrayBlockingQueue<>(connectionCount);
                for (Connection c : connections) {
                    free.add(c);
                }
                Thread sender = new Thread(() -> sendOpenLoop(start, free, os, cpuAtMeasure), "load-sender");
                sender.setDaemon(true);
                sender.start();
                receive(selector, free, connections);
                sender.join();
            } else {
                closedLoop(selector, connections, start, os, cpuAtMeasure);
            }
            cpuEnd = os.getProcessCpuTime();
        } finally {
            for (Connection c : connections) {
                c.close();
            }
            selector.close();
        }
        // the measured window; shorter when the tokens ran out before its end
        long window = (tokensExhausted ? Math.min(lastResponse, end) : end) - measureFrom;
        long[] all = unsentLog.sorted();
        for (long v : all) {
            latency.add(v);
        }
        return new LoadResult(rate, connectionCount, latency.sorted(), service.sorted(), lag.sorted(),
                completedMeasured, sentMeasured, Math.max(1, window), errors, timeouts, queued, tokensExhausted,
                tokens == null ? 0 : tokens.used(), cpuAtMeasure[0] < 0 ? 0 : cpuEnd - cpuAtMeasure[0], allAnswers,
                all.length);
    }


    // ------------------------------------------------------------------------------------------ open loop

    private void sendOpenLoop(long start, ArrayBlockingQueue<Connection> free,
            com.sun.management.OperatingSystemMXBean os, long[] cpuAtMeasure) {
        double period = 1e9 / rate;
        try {
            for (long i = 0;; i++) {
                long due = start + (long) (i * period);
                if (due >= end) {
                    break;
                }
                long now = System.nanoTime();
                if (now - end > overrunNanos) {
                    unsent(i, start, period, now);
                    break;
                }
                while (due - now > 20_000) {
                    LockSupport.parkNanos(due - now);
                    now = System.nanoTime();
                }
                if (cpuAtMeasure[0] < 0 && due >= measureFrom) {
                    cpuAtMeasure[0] = os.getProcessCpuTime();
                }
                Connection c = free.poll();
                if (c == null) {
                    // Every connection busy: the request waits, and its latency still counts from its due time
                    if (due >= measureFrom) {
                        queued++;
                    }
                    while (c == null && System.nanoTime() - end <= overrunNanos) {
                        c = free.poll(100, TimeUnit.MILLISECONDS);
                    }
                    if (c == null) {
                        // every connection stuck past the overrun: what is still due is never sent
                        unsent(i, start, period, System.nanoTime());
                        break;
                    }
                }
                int index = -1;
                if (tokens != null) {
                    index = tokens.take();
                    if (index < 0) {
                        tokensExhausted = true;
                        free.offer(c);
                        break;
                    }
                }
                outstanding.incrementAndGet();
                long sent = c.send(index, due);
                if (due >= measureFrom) {
                    lag.add(sent - due);
                    sentMeasured++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            senderDone = true;
        }
    }


    private void receive(Selector selector, ArrayBlockingQueue<Connection> free, Connection[] connections)
            throws IOException {
        long drainUntil = Long.MAX_VALUE;
        while (true) {
            if (senderDone) {
                if (outstanding.get() == 0) {
                    break;
                }
                if (drainUntil == Long.MAX_VALUE) {
                    drainUntil = System.nanoTime() + drainNanos;
                } else if (System.nanoTime() > drainUntil) {
                    break;
                }
            }
            selector.select(50);
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                Connection c = (Connection) key.attachment();
                if (c.readAnswer(selector, free)) {
                    outstanding.decrementAndGet();
                    free.offer(c);
                }
            }
        }
        countTimeouts(connections);
    }


    // ------------------------------------------------------------------------------------------ closed loop

    private void closedLoop(Selector selector, Connection[] connections, long start,
            com.sun.management.OperatingSystemMXBean os, long[] cpuAtMeasure) throws IOException {
        while (System.nanoTime() < start) {
            LockSupport.parkNanos(start - System.nanoTime());
        }
        for (Connection c : connections) {
            sendNextClosed(c);
        }
        long drainUntil = end + drainNanos;
        while (outstanding.get() > 0 && System.nanoTime() < drainUntil) {
            if (cpuAtMeasure[0] < 0 && System.nanoTime() >= measureFrom) {
                cpuAtMeasure[0] = os.getProcessCpuTime();
            }
            selector.select(50);
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                Connection c = (Connection) key.attachment();
                if (c.readAnswer(selector, null)) {
                    outstanding.decrementAndGet();
                    sendNextClosed(c);
                }
            }
        }
        countTimeouts(connections);
    }


    private void sendNextClosed(Connection c) {
        long now = System.nanoTime();
        if (now >= end) {
            return;
        }
        int index = -1;
        if (tokens != null) {
            index = tokens.take();
            if (index < 0) {
                tokensExhausted = true;
                return;
            }
        }
        outstanding.incrementAndGet();
        c.send(index, now);
        if (now >= measureFrom) {
            sentMeasured++;
        }
    }


    private void countTimeouts(Connection[] connections) {
        long now = System.nanoTime();
        // Requests never answered: errors with their token, and in the latency log with the time they have waited
        // since they were due (the worst of the tail; a lower bound still)
        String kind = "timeout=" + (drainNanos % 1_000_000_000L == 0 ? drainNanos / 1_000_000_000L + "s"
                : drainNanos / 1_000_000L + "ms");
        for (Connection c : connections) {
            if (c.busy) {
                timeouts++;
                int index = c.tokenIndex;
                errors.add(kind, "", index < 0 ? null : tokens.token(index), index + 1);
                long due = c.intended;
                if (due >= measureFrom && due < end) {
                    latency.add(now - due);
                }
            }
        }
    }


    // ------------------------------------------------------------------------------------------ a connection

    /**
     * One kept-alive connection with at most one request in flight.
     */
    private final class Connection {

        private final ByteBuffer out;
        private final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        private final HttpResponseParser parser = new HttpResponseParser(template.isHead());
        private volatile SocketChannel channel;
        private volatile long intended;
        private volatile long sent;
        private volatile int tokenIndex;
        private volatile boolean busy;


        Connection(int bufferSize) {
            out = ByteBuffer.allocate(bufferSize);
        }


        void open(Selector selector) throws IOException {
            SocketChannel ch = SocketChannel.open(address);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ, this);
            parser.reset();
            in.clear();
            channel = ch;
        }


        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // closing at the end of a run
            }
        }


        /** Writes a request; returns the time it was written. */
        long send(int index, long due) {
            template.write(index < 0 ? null : tokens.token(index), out);
            tokenIndex = index;
            intended = due;
            busy = true;
            long now = System.nanoTime();
            sent = now;
            try {
                SocketChannel ch = channel;
                while (out.hasRemaining()) {
                    if (ch.write(out) == 0) {
                        Thread.onSpinWait();
                    }
                }
            } catch (IOException e) {
                // the receiver sees the broken connection and reports it with the request
            }
            return now;
        }


        /**
         * Reads what arrived; on a whole answer records it and returns {@code true} (the connection is free again).
         *
         * @param free the free connections (open loop: the sender takes from it concurrently), or {@code null}
         */
        boolean readAnswer(Selector selector, BlockingQueue<Connection> free) throws IOException {
            if (!busy) {
                idle(selector, free);
                return false;
            }
            int n;
            try {
                n = channel.read(in);
            } catch (IOException e) {
                return failed(selector, "io=" + e.getClass().getSimpleName());
            }
            if (n < 0) {
                return failed(selector, "io=closed-by-server");
            }
            in.flip();
            boolean done;
            try {
                done = parser.feed(in);
            } catch (HttpProtocolException e) {
                return failed(selector, "protocol=" + e.getMessage().replace(' ', '_'));
            } finally {
                in.compact();
            }
            if (!done) {
                return false;
            }
            busy = false;
            long now = System.nanoTime();
            lastResponse = now;
            allAnswers++;
            long due = intended;
            if (due >= measureFrom && due < end) {
                latency.add(now - due);
                service.add(now - sent);
                completedMeasured++;
            }
            int status = parser.status();
            if (status != expectedStatus) {
                String code = parser.errorCode();
                int index = tokenIndex;
                errors.add("status=" + status + (code == null ? "" : " error=" + code), parser.sample(),
                        index < 0 ? null : tokens.token(index), index + 1);
            }
            // Bytes after the answer answer no request (one request in flight): the connection is out of step
            boolean close = parser.isClose() || in.position() > 0;
            parser.reset();
            if (close) {
                reopen(selector);
            }
            return true;
        }


        /**
         * The server spoke on a connection with no request in flight: the end of the stream at its keep-alive
         * timeout, or an answer to no request (a 408 before closing). Either way the connection is done; it is not an
         * answer, and nothing was lost. The open loop's sender may be taking this connection at this very moment:
         * only a connection taken back from the free queue is replaced; one the sender holds is left as it is, and
         * its request then gets the server's bytes or its closing as the answer, counted once.
         */
        private void idle(Selector selector, BlockingQueue<Connection> free) throws IOException {
            if (free == null || free.remove(this)) {
                reopen(selector);
                if (free != null) {
                    free.offer(this);
                }
            }
        }


        private boolean failed(Selector selector, String kind) throws IOException {
            busy = false;
            int index = tokenIndex;
            errors.add(kind, "", index < 0 ? null : tokens.token(index), index + 1);
            reopen(selector);
            return true;
        }


        private void reopen(Selector selector) throws IOException {
            SocketChannel old = channel;
            old.keyFor(selector).cancel();
            old.close();
            open(selector);
        }
    }
}
