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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.token.Messages;
import org.scopegate.token.crypto.SecretGenerator;
import org.scopegate.token.store.Database;
import org.scopegate.token.store.RevocationCommitListener;
import org.scopegate.token.store.RevocationEvent;
import org.scopegate.token.store.RevocationEventStore;
import org.scopegate.token.store.SettingStore;

/**
 * The key manager's side of the pushed revocation feed (protocol.md section 3a): it holds the valves' streams,
 * knows the committed head of the event table, pushes every new event to every stream the moment it learns of
 * it, and makes a revoking call wait until the valves have acknowledged its event.
 * <p>
 * <b>How it learns of events.</b> One dispatcher thread reads the events after the newest it has pushed
 * ({@code SELECT … WHERE id > ?}, on the primary key). It does so when a transaction of this key manager that wrote
 * events has committed ({@link #eventsCommitted}, called by {@link Database} right after the commit), when a
 * PostgreSQL notification says another key manager committed some ({@link PostgresNotifications}), and once per
 * heartbeat interval whatever happens, which is the safety net and the only cross-server path on a database
 * without notifications. Event ids are committed in order (the table lock of {@link RevocationEventStore}), so
 * reading after the last id pushed can never skip one.
 * <p>
 * <b>What a heartbeat vouches for.</b> Every heartbeat, and every batch that completes a read of the table, carries
 * {@code t}: the time (ms since the stream was opened, on this server's monotonic clock) at which the last
 * complete read started. Every event committed before that instant has been sent on the stream before that
 * message. A valve that sent its stream request at its own time {@code s0} trusts its cache, on the strength of
 * this stream, until {@code s0 + t + lease}; {@code lease} is the acknowledgement timeout. So when a revoking call
 * stops waiting for a valve (after the timeout) the valve's lease on anything sent before the event has run out,
 * whichever key manager it hears from: a valve that is in contact has the event, one that is not no longer trusts
 * its cache. When the store cannot be read, {@code t} stops advancing and the valves stop trusting their caches.
 * <p>
 * <b>Acknowledgements.</b> A valve acknowledges the newest event it has applied with a small POST naming its
 * stream ({@link #acknowledge}). {@link #eventsCommitted} returns once every stream open when the event committed
 * has acknowledged it, or after the timeout; a stream that has not acknowledged by then is closed, so that its valve
 * reconnects (and catches up) rather than being taken for in contact.
 */
public final class RevocationHub implements RevocationCommitListener, RevocationHubMBean {

    /** Name of the servlet context attribute holding the hub. */
    public static final String ATTRIBUTE = "org.scopegate.token.feed.RevocationHub";

    /** Most events sent in one message. */
    static final int BATCH = 1000;
    /** Most events a stream is caught up with; beyond, it is told to drop its cache (a reset). */
    static final int MAX_CATCH_UP = 5000;
    /** Most new events read in one pass of the dispatcher. */
    static final int MAX_PER_PASS = 5000;

    private static final Log log = LogFactory.getLog(RevocationHub.class);

    /** Why a stream is closed by the key manager. */
    enum DropReason {
        /** No acknowledgement within the timeout. */
        NO_ACKNOWLEDGEMENT,
        /** The valve does not read what it is sent. */
        TOO_SLOW,
        /** The application the stream was opened with lost its tokens (its secret changed, it was disabled). */
        CLIENT_REVOKED,
        /** The key manager stops. */
        SHUTDOWN
    }

    private final Database database;
    private final RevocationEventStore events;
    private final SettingStore settings;
    private final SecretGenerator secrets;
    private final RevocationFeedConfig config;
    private final EventStreamMessages messages;
    private final LongSupplier nanoClock;

    private final Map<String, FeedSubscriber> streams = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<FeedSubscriber> pending = new ConcurrentLinkedQueue<>();
    private final Object signal = new Object();
    private final Object ackLock = new Object();
    private boolean refreshRequested;
    private int ackWaiters;
    private volatile boolean stopped;
    private Thread dispatcher;

    // The dispatcher's own state
    private final List<FeedSubscriber> active = new ArrayList<>();
    private long deliveredHead = -1;
    private long vouchNanos;
    private boolean vouched;
    private boolean storeFailing;

    private volatile long knownHead = -1;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong acknowledgements = new AtomicLong();
    private final AtomicLong waits = new AtomicLong();
    private final AtomicLong waitTimeouts = new AtomicLong();
    private final AtomicLong waitNanos = new AtomicLong();


    /**
     * @param database  the store
     * @param events    the event store
     * @param settings  the setting store (how far events were purged)
     * @param secrets   random source of stream ids
     * @param mapper    JSON writer
     * @param config    heartbeat, acknowledgement timeout, stream limit
     * @param nanoClock monotonic clock
     */
    public RevocationHub(Database database, RevocationEventStore events, SettingStore settings, SecretGenerator secrets,
            ObjectMapper mapper, RevocationFeedConfig config, LongSupplier nanoClock) {
        this.database = database;
        this.events = events;
        this.settings = settings;
        this.secrets = secrets;
        this.config = config;
        this.messages = new EventStreamMessages(mapper);
        this.nanoClock = nanoClock;
    }


    // ------------------------------------------------------------------------------------------ lifecycle

    /**
     * Starts the dispatcher thread.
     */
    public synchronized void start() {
        if (dispatcher != null) {
            return;
        }
        Thread t = new Thread(this::dispatch, "scopegate-revocation-hub");
        t.setDaemon(true);
        dispatcher = t;
        t.start();
    }


    /**
     * Closes every stream and stops the dispatcher.
     */
    public void stop() {
        Thread t;
        synchronized (this) {
            stopped = true;
            t = dispatcher;
        }
        synchronized (signal) {
            signal.notifyAll();
        }
        if (t != null) {
            // No interrupt: it may be inside a JDBC call, and embedded Derby takes interrupts badly
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (FeedSubscriber s : new ArrayList<>(streams.values())) {
            drop(s, DropReason.SHUTDOWN);
        }
        synchronized (ackLock) {
            ackLock.notifyAll();
        }
    }


    /**
     * @return the configuration
     */
    public RevocationFeedConfig config() {
        return config;
    }


    // ------------------------------------------------------------------------------------------ streams

    /**
     * Turns a feed request into a held stream: starts async processing, sends the SSE preamble and hands the stream
     * to the dispatcher, which sends the {@code hello} and catches it up from {@code after}.
     *
     * @param request       the authenticated request
     * @param response      its response
     * @param clientId      the application that opened it
     * @param authorization the request's {@code Authorization} header, which its acknowledgements must repeat
     * @param after         the valve's cursor, or {@code -1} for a valve that has nothing cached
     * @return {@code false} when the key manager takes no more streams (the caller answers 503)
     * @throws IOException when the response cannot be started
     */
    public boolean open(HttpServletRequest request, HttpServletResponse response, String clientId,
            String authorization, long after) throws IOException {
        if (stopped || streams.size() >= config.maxStreams()) {
            return false;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        // nginx and others buffer a response unless told not to
        response.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        ServletOutputStream out = response.getOutputStream();
        String id = secrets.newSecret();
        FeedSubscriber subscriber = new FeedSubscriber(this, id, digest(authorization), clientId,
                request.getRemoteAddr(), nanoClock.getAsLong(), after, async, out);
        async.addListener(subscriber);
        streams.put(id, subscriber);
        opened.incrementAndGet();
        out.setWriteListener(subscriber);
        subscriber.send(EventStreamMessages.PREAMBLE);
        pending.add(subscriber);
        wake();
        if (log.isDebugEnabled()) {
            log.debug("Revocation stream opened by [" + clientId + "] from [" + request.getRemoteAddr() + "] after ["
                    + after + "]");
        }
        return true;
    }


    /** The outcome of an acknowledgement. */
    public enum Acknowledgement {
        /** Recorded. */
        RECORDED,
        /** No open stream has that id. */
        UNKNOWN_STREAM,
        /** The stream was opened with other credentials. */
        WRONG_CREDENTIALS
    }


    /**
     * Records that a valve has applied every event through a cursor.
     *
     * @param streamId      the stream's id, from its {@code hello}
     * @param authorization the acknowledgement's {@code Authorization} header
     * @param cursor        the newest event applied
     * @return the outcome
     */
    public Acknowledgement acknowledge(String streamId, String authorization, long cursor) {
        FeedSubscriber subscriber = streamId == null ? null : streams.get(streamId);
        if (subscriber == null || subscriber.isClosed()) {
            return Acknowledgement.UNKNOWN_STREAM;
        }
        if (authorization == null || !subscriber.isOpenedWith(digest(authorization))) {
            return Acknowledgement.WRONG_CREDENTIALS;
        }
        subscriber.acknowledge(cursor);
        acknowledgements.incrementAndGet();
        synchronized (ackLock) {
            if (ackWaiters > 0) {
                ackLock.notifyAll();
            }
        }
        return Acknowledgement.RECORDED;
    }


    /**
     * Closes a stream because of the key manager's own decision, with a log line.
     */
    void drop(FeedSubscriber subscriber, DropReason reason) {
        if (subscriber.isClosed()) {
            return;
        }
        streams.remove(subscriber.id(), subscriber);
        subscriber.close();
        dropped.incrementAndGet();
        switch (reason) {
            case NO_ACKNOWLEDGEMENT -> log.warn(Messages.get("revocationHub.noAcknowledgement", subscriber.clientId(),
                    subscriber.remote(), Long.toString(config.ackTimeoutMillis())));
            case TOO_SLOW -> log.warn(Messages.get("revocationHub.tooSlow", subscriber.clientId(), subscriber.remote()));
            default -> {
                if (log.isDebugEnabled()) {
                    log.debug("Revocation stream of [" + subscriber.clientId() + "] from [" + subscriber.remote()
                            + "] closed: " + reason);
                }
            }
        }
        synchronized (ackLock) {
            if (ackWaiters > 0) {
                ackLock.notifyAll();
            }
        }
    }


    /**
     * A stream ended on the valve's side, or its connection failed.
     */
    void closed(FeedSubscriber subscriber) {
        streams.remove(subscriber.id(), subscriber);
        subscriber.close();
        synchronized (ackLock) {
            if (ackWaiters > 0) {
                ackLock.notifyAll();
            }
        }
    }


    // ------------------------------------------------------------------------------------------ revoking calls

    /**
     * Pushes the event and waits, at most the acknowledgement timeout, until every stream open now has applied it;
     * closes the streams that have not. Called by {@link Database} after the commit.
     *
     * @param lastEventId the newest event the transaction committed
     */
    @Override
    public void eventsCommitted(long lastEventId) {
        requestRefresh();
        awaitAcknowledged(lastEventId);
    }


    /**
     * Asks the dispatcher to read the event table now (another key manager committed events).
     */
    public void requestRefresh() {
        synchronized (signal) {
            refreshRequested = true;
            signal.notifyAll();
        }
    }


    private void awaitAcknowledged(long eventId) {
        long timeout = config.ackTimeoutMillis();
        if (timeout <= 0 || stopped) {
            return;
        }
        long start = nanoClock.getAsLong();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeout);
        List<FeedSubscriber> waitingFor = new ArrayList<>();
        for (FeedSubscriber s : streams.values()) {
            if (s.acknowledged() < eventId) {
                waitingFor.add(s);
            }
        }
        if (waitingFor.isEmpty()) {
            return;
        }
        waits.incrementAndGet();
        boolean interrupted = false;
        synchronized (ackLock) {
            ackWaiters++;
            try {
                while (true) {
                    waitingFor.removeIf(s -> s.isClosed() || s.acknowledged() >= eventId);
                    long remaining = deadline - nanoClock.getAsLong();
                    if (waitingFor.isEmpty() || remaining <= 0 || stopped) {
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(ackLock, remaining);
                    } catch (InterruptedException e) {
                        interrupted = true;
                        break;
                    }
                }
            } finally {
                ackWaiters--;
            }
        }
        waitNanos.addAndGet(nanoClock.getAsLong() - start);
        if (!waitingFor.isEmpty()) {
            waitTimeouts.incrementAndGet();
            // Out of contact: its stream goes, so its valve stops trusting its cache and catches up when it returns
            for (FeedSubscriber s : waitingFor) {
                drop(s, DropReason.NO_ACKNOWLEDGEMENT);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }


    // ------------------------------------------------------------------------------------------ dispatcher

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }


    private void dispatch() {
        long heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(config.heartbeatMillis());
        long nextTick = nanoClock.getAsLong();
        while (!stopped) {
            boolean tick;
            synchronized (signal) {
                while (!stopped && !refreshRequested && pending.isEmpty()) {
                    long remaining = nextTick - nanoClock.getAsLong();
                    if (remaining <= 0) {
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(signal, remaining);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                refreshRequested = false;
                tick = nanoClock.getAsLong() - nextTick >= 0;
            }
            if (stopped) {
                return;
            }
            if (tick) {
                nextTick = nanoClock.getAsLong() + heartbeatNanos;
            }
            try {
                pass(tick);
            } catch (RuntimeException e) {
                log.error(Messages.get("revocationHub.failed"), e);
            }
        }
    }


    /**
     * One pass of the dispatcher: read the new events, catch new streams up, push, heartbeat.
     */
    private void pass(boolean tick) {
        active.removeIf(FeedSubscriber::isClosed);
        List<FeedSubscriber> fresh = new ArrayList<>();
        for (FeedSubscriber s; (s = pending.poll()) != null;) {
            if (!s.isClosed()) {
                fresh.add(s);
            }
        }
        if (active.isEmpty() && fresh.isEmpty()) {
            // Nobody to tell: no query. The next stream starts from a read of its own.
            deliveredHead = -1;
            vouched = false;
            return;
        }

        // 1. The events committed since the last pass
        long readStart = nanoClock.getAsLong();
        List<RevocationEvent> news = List.of();
        boolean complete = false;
        try {
            if (deliveredHead < 0) {
                deliveredHead = database.call(events::maxId).longValue();
                complete = true;
            } else {
                long after = deliveredHead;
                news = database.call(c -> events.after(c, after, MAX_PER_PASS));
                complete = news.size() < MAX_PER_PASS;
                if (!complete) {
                    requestRefresh();
                }
            }
            storeUp();
        } catch (SQLException | RuntimeException e) {
            storeDown(e);
        }

        // 2. Push them to the streams already caught up
        if (!news.isEmpty()) {
            deliveredHead = news.get(news.size() - 1).id();
            knownHead = deliveredHead;
        }
        if (complete) {
            vouchNanos = readStart;
            vouched = true;
        }
        for (FeedSubscriber s : active) {
            List<RevocationEvent> unsent = unsent(news, s.sentThrough());
            Long t = complete ? Long.valueOf(streamTime(s, readStart)) : null;
            if (!unsent.isEmpty()) {
                sendBatches(s, unsent, t);
            } else if (tick && vouched) {
                s.send(messages.heartbeat(streamTime(s, vouchNanos)));
            }
            closeIfClientRevoked(s, unsent);
        }

        // 3. Catch the new streams up, each from its own cursor, with a read of their own
        // Valves without a cursor (starting) share one read of the head: a thousand restarting at once cost one query
        CatchUp[] atHead = new CatchUp[1];
        long[] atHeadStart = new long[1];
        for (FeedSubscriber s : fresh) {
            if (catchUp(s, atHead, atHeadStart)) {
                active.add(s);
            }
        }
    }


    private boolean catchUp(FeedSubscriber s, CatchUp[] atHead, long[] atHeadStart) {
        long start = nanoClock.getAsLong();
        long after = s.startCursor();
        CatchUp answer;
        if (after < 0 && atHead[0] != null) {
            // Read after this stream registered (it was pending when the pass began): valid for it too
            answer = atHead[0];
            start = atHeadStart[0];
        } else {
            try {
                answer = database.call(c -> readCatchUp(c, after));
                storeUp();
            } catch (SQLException | RuntimeException e) {
                storeDown(e);
                // The valve sees its stream end and comes back
                closed(s);
                return false;
            }
            if (after < 0) {
                atHead[0] = answer;
                atHeadStart[0] = start;
            }
        }
        long t = streamTime(s, start);
        // What the stream is sent and has applied is settled before the hello, the first thing it can acknowledge
        if (answer.reset()) {
            // Until it has dropped its cache, it is behind every event
            s.caughtUp(answer.head(), -1);
        } else if (!answer.events().isEmpty()) {
            s.caughtUp(answer.events().get(answer.events().size() - 1).id(), answer.start());
        } else {
            // A valve without cursor starts at the head: nothing it caches can predate an event up to it
            s.caughtUp(answer.start(), answer.start());
        }
        s.send(messages.hello(s.id(), answer.start(), config.heartbeatMillis(), config.ackTimeoutMillis()));
        if (answer.reset()) {
            s.send(messages.reset(answer.head(), t));
        } else if (!answer.events().isEmpty()) {
            sendBatches(s, answer.events(), Long.valueOf(t));
            closeIfClientRevoked(s, answer.events());
        } else {
            s.send(messages.heartbeat(t));
        }
        return !s.isClosed();
    }


    /**
     * What a stream starting after a cursor is sent first: nothing but the head (no cursor), a reset (a cursor
     * older than the events kept, beyond the head, or too far behind), or the events after it.
     */
    private CatchUp readCatchUp(Connection c, long after) throws SQLException {
        long purgedThrough = settings.getLong(c, SettingStore.REVOCATION_PURGED_THROUGH, 0);
        long head = Math.max(events.maxId(c), purgedThrough);
        if (after < 0) {
            return new CatchUp(head, head, false, List.of());
        }
        if (after < purgedThrough || after > head || head - after > MAX_CATCH_UP) {
            return new CatchUp(after, head, true, List.of());
        }
        List<RevocationEvent> list = new ArrayList<>();
        long cursor = after;
        while (true) {
            List<RevocationEvent> batch = events.after(c, cursor, BATCH);
            list.addAll(batch);
            if (batch.size() < BATCH) {
                return new CatchUp(after, head, false, list);
            }
            cursor = batch.get(batch.size() - 1).id();
        }
    }


    private void sendBatches(FeedSubscriber s, List<RevocationEvent> list, Long t) {
        // Noted before the bytes leave: the valve may acknowledge them before send() returns
        s.sent(list.get(list.size() - 1).id());
        for (int from = 0; from < list.size(); from += BATCH) {
            int to = Math.min(list.size(), from + BATCH);
            // Only the last message completes the read the vouch is about
            s.send(messages.revocations(list.subList(from, to), to == list.size() ? t : null));
        }
    }


    private void closeIfClientRevoked(FeedSubscriber s, List<RevocationEvent> sent) {
        for (RevocationEvent e : sent) {
            if (RevocationEvent.CLIENT.equals(e.type()) && s.clientId().equals(e.value())) {
                // Its credentials may no longer be valid: it must authenticate again to go on
                drop(s, DropReason.CLIENT_REVOKED);
                return;
            }
        }
    }


    private static List<RevocationEvent> unsent(List<RevocationEvent> news, long sentThrough) {
        int i = 0;
        while (i < news.size() && news.get(i).id() <= sentThrough) {
            i++;
        }
        return i == 0 ? news : news.subList(i, news.size());
    }


    private long streamTime(FeedSubscriber s, long nanos) {
        return Math.floorDiv(nanos - s.registeredNanos(), 1_000_000L);
    }


    private void storeUp() {
        if (storeFailing) {
            storeFailing = false;
            log.info(Messages.get("revocationHub.storeUp"));
        }
    }


    private void storeDown(Exception e) {
        if (!storeFailing) {
            storeFailing = true;
            log.error(Messages.get("revocationHub.storeDown", String.valueOf(e)));
        }
    }


    static byte[] digest(String authorization) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(authorization.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }


    private record CatchUp(long start, long head, boolean reset, List<RevocationEvent> events) {
    }


    // ------------------------------------------------------------------------------------------ figures

    /**
     * @return streams open now
     */
    @Override
    public int getStreamCount() {
        return streams.size();
    }


    /**
     * @return streams opened since start
     */
    @Override
    public long getOpenedCount() {
        return opened.get();
    }


    /**
     * @return streams closed by the key manager (no acknowledgement in time, too slow, credentials revoked)
     */
    @Override
    public long getDroppedCount() {
        return dropped.get();
    }


    /**
     * @return acknowledgements received
     */
    @Override
    public long getAcknowledgementCount() {
        return acknowledgements.get();
    }


    /**
     * @return revoking calls that waited for acknowledgements
     */
    @Override
    public long getWaitCount() {
        return waits.get();
    }


    /**
     * @return revoking calls whose wait ended with the timeout
     */
    @Override
    public long getWaitTimeoutCount() {
        return waitTimeouts.get();
    }


    /**
     * @return the time revoking calls spent waiting, in ms
     */
    @Override
    public long getWaitMillis() {
        return TimeUnit.NANOSECONDS.toMillis(waitNanos.get());
    }


    /**
     * @return the newest event pushed, {@code -1} when none yet
     */
    @Override
    public long getHead() {
        return knownHead;
    }


    @Override
    public String toString() {
        return "RevocationHub[streams=" + streams.size() + ", head=" + knownHead + "]";
    }
}
