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

import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayDeque;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

/**
 * One valve's held stream: an async request whose response is written with non-blocking writes (no thread waits
 * for a slow valve), what the stream has been sent, and what the valve has acknowledged.
 * <p>
 * Threads: messages are queued by the hub's dispatcher thread and written by whichever thread finds the socket
 * ready (the dispatcher, or a container thread in {@link #onWritePossible()}), under this object's monitor; the
 * acknowledgement is set by the request thread of the valve's acknowledgement.
 */
final class FeedSubscriber implements WriteListener, AsyncListener {

    /** Queued bytes beyond which a valve that does not read is dropped. */
    static final int MAX_QUEUED_BYTES = 1 << 20;

    private final RevocationHub hub;
    private final String id;
    private final byte[] authorizationDigest;
    private final String clientId;
    private final String remote;
    private final long registeredNanos;
    private final long startCursor;
    private final AsyncContext async;
    private final ServletOutputStream out;

    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int queuedBytes;
    private boolean unflushed;
    private volatile boolean closed;

    /** The newest event id this valve has applied (acknowledged); set by the dispatcher and the ack request. */
    private volatile long acknowledged;
    /** The newest event id queued to this stream; the dispatcher's own. */
    private volatile long sentThrough;


    FeedSubscriber(RevocationHub hub, String id, byte[] authorizationDigest, String clientId, String remote,
            long registeredNanos, long startCursor, AsyncContext async, ServletOutputStream out) {
        this.hub = hub;
        this.id = id;
        this.authorizationDigest = authorizationDigest;
        this.clientId = clientId;
        this.remote = remote;
        this.registeredNanos = registeredNanos;
        this.startCursor = startCursor;
        this.async = async;
        this.out = out;
        // A valve that starts from a cursor has applied everything up to it; one without has nothing cached
        this.acknowledged = startCursor;
        this.sentThrough = startCursor;
    }


    String id() {
        return id;
    }


    String clientId() {
        return clientId;
    }


    String remote() {
        return remote;
    }


    long registeredNanos() {
        return registeredNanos;
    }


    long startCursor() {
        return startCursor;
    }


    boolean isClosed() {
        return closed;
    }


    long acknowledged() {
        return acknowledged;
    }


    long sentThrough() {
        return sentThrough;
    }


    /**
     * Dispatcher only: the stream has been sent everything through a cursor (before its {@code hello}, so before
     * any acknowledgement).
     *
     * @param cursor       the newest event sent
     * @param acknowledged what the valve has applied already: the cursor it started from, the head for a valve
     *                     that had nothing cached, {@code -1} for one told to drop its cache
     */
    void caughtUp(long cursor, long acknowledged) {
        sentThrough = cursor;
        this.acknowledged = acknowledged;
    }


    /**
     * Dispatcher only.
     */
    void sent(long cursor) {
        sentThrough = Math.max(sentThrough, cursor);
    }


    /**
     * @param authorization the digest of the acknowledgement's {@code Authorization} header
     * @return whether it is the header that opened the stream (compared in constant time)
     */
    boolean isOpenedWith(byte[] authorization) {
        return MessageDigest.isEqual(authorizationDigest, authorization);
    }


    /**
     * Records an acknowledgement; never beyond what the stream was sent.
     *
     * @param cursor the newest event the valve applied
     */
    void acknowledge(long cursor) {
        synchronized (this) {
            long bounded = Math.min(cursor, sentThrough);
            if (bounded > acknowledged) {
                acknowledged = bounded;
            }
        }
    }


    /**
     * Queues a message and writes what the socket takes now.
     *
     * @param message the bytes
     */
    void send(byte[] message) {
        boolean overflow;
        synchronized (this) {
            if (closed) {
                return;
            }
            overflow = queuedBytes + message.length > MAX_QUEUED_BYTES;
            if (!overflow) {
                queue.add(message);
                queuedBytes += message.length;
                pump();
            }
        }
        if (overflow) {
            hub.drop(this, RevocationHub.DropReason.TOO_SLOW);
        }
    }


    @Override
    public void onWritePossible() {
        synchronized (this) {
            pump();
        }
    }


    private void pump() {
        if (closed) {
            return;
        }
        try {
            while (out.isReady()) {
                byte[] next = queue.poll();
                if (next == null) {
                    if (unflushed) {
                        unflushed = false;
                        out.flush();
                        continue;
                    }
                    return;
                }
                queuedBytes -= next.length;
                out.write(next);
                unflushed = true;
            }
        } catch (IOException | IllegalStateException e) {
            hub.closed(this);
        }
    }


    /**
     * Ends the response (the valve sees its stream end) and forgets the queue. Idempotent.
     */
    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            queuedBytes = 0;
        }
        try {
            async.complete();
        } catch (IllegalStateException e) {
            // Already completed by the container (the connection was lost)
        }
    }


    @Override
    public void onError(Throwable t) {
        hub.closed(this);
    }


    @Override
    public void onComplete(AsyncEvent event) {
        hub.closed(this);
    }


    @Override
    public void onTimeout(AsyncEvent event) {
        hub.closed(this);
    }


    @Override
    public void onError(AsyncEvent event) {
        hub.closed(this);
    }


    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }
}
