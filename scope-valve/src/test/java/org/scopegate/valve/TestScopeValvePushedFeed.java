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

import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scopegate.testsupport.Poll;

/**
 * The valve on the pushed revocation feed (protocol.md section 3a) of one or two key managers: a revocation is
 * applied and acknowledged before the key manager answers it, so the very next request is refused; a stream that
 * ends or goes silent stops the cache from being trusted; the valve reconnects from its cursor.
 */
public class TestScopeValvePushedFeed {

    private static final String TOKEN = "pushed-token-0123456789abcdefghijklmnopqrstu";

    @TempDir
    Path base;

    private FakeTokenService first;
    private FakeTokenService second;
    private EmbeddedTomcat tomcat;
    private ScopeValve valve;
    private long exp;


    @BeforeEach
    void setUp() throws Exception {
        first = FakeTokenService.pushed();
        second = FakeTokenService.pushed();
        exp = System.currentTimeMillis() / 1000 + 3600;
        Path rules = base.resolve("scope-rules.conf");
        Files.writeString(rules, TestScopeValve.RULES);
        valve = new ScopeValve();
        valve.setRulesPath(rules.toString());
        valve.setIntrospectionUrl(first.introspectionUrl());
        valve.setClientId(FakeTokenService.CLIENT_ID);
        valve.setClientSecret(FakeTokenService.CLIENT_SECRET);
        tomcat = new EmbeddedTomcat(base.resolve("tomcat"));
        tomcat.addHostValve(valve);
    }


    @AfterEach
    void tearDown() throws Exception {
        try {
            if (tomcat != null) {
                tomcat.close();
            }
        } finally {
            first.close();
            second.close();
        }
    }


    private String token(int i) {
        String token = TOKEN + "-" + i;
        first.addToken(token, "alice", "orders-app", "read", exp);
        second.addToken(token, "alice", "orders-app", "read", exp);
        return token;
    }


    private int get(String token) throws Exception {
        return tomcat.get("/app/orders", "Authorization", "Bearer " + token).statusCode();
    }


    private static Object attribute(MBeanServer server, ObjectName name, String attribute) {
        try {
            return server.getAttribute(name, attribute);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }


    private static void await(BooleanSupplier condition, String what) throws Exception {
        Poll.await(what, Duration.ofSeconds(5), () -> Boolean.valueOf(condition.getAsBoolean()));
    }


    /** Uses a token until it is answered from the cache. */
    private void cached(String token) throws Exception {
        Assertions.assertEquals(200, get(token));
        await(valve::isCacheTrusted, "a trusted cache");
        long hits = valve.getCacheHitCount();
        Assertions.assertEquals(200, get(token));
        if (valve.getCacheHitCount() == hits) {
            // Cached only once the feed had a cursor
            Assertions.assertEquals(200, get(token));
            Assertions.assertEquals(hits + 1, valve.getCacheHitCount());
        }
    }


    @Test
    void invokeWhenRevocationAcknowledgedThenTheNextRequestIsRefusedEveryTime() throws Exception {
        // PREPARE
        tomcat.start();

        // TEST: as a client library does: revoke, wait for the answer, use the token at once
        int admittedAfterRevoke = 0;
        int introspectedAfterRevoke = 0;
        for (int i = 0; i < 50; i++) {
            String token = token(i);
            cached(token);
            first.revoke(token);
            Assertions.assertTrue(first.awaitAcknowledged(2000), "the valve did not acknowledge");
            int introspections = first.introspections();
            if (get(token) == 200) {
                admittedAfterRevoke++;
            }
            introspectedAfterRevoke += first.introspections() - introspections;
        }

        // VERIFY: refused every time, from the cache (a token event is remembered as inactive)
        Assertions.assertEquals(0, admittedAfterRevoke);
        Assertions.assertEquals(0, introspectedAfterRevoke);
        Assertions.assertEquals(1, first.streamCount());
        // The valve notes an acknowledgement once the key manager has answered it, a moment after the key manager saw it
        await(() -> valve.getLastAcknowledgedEvent() == 50, "the last acknowledgement noted");
        Assertions.assertTrue(valve.getRevocationFeedLag() >= 0 && valve.getRevocationFeedLag() < 1000);
    }


    @Test
    void invokeWhenStreamClosedByKeyManagerThenCacheDistrustedAtOnceAndStreamResumedFromCursor() throws Exception {
        // PREPARE
        tomcat.start();
        String token = token(1);
        cached(token);
        first.revoke(token(2));
        Assertions.assertTrue(first.awaitAcknowledged(2000));

        // TEST
        first.setHeartbeating(false);
        first.closeStreams();
        await(() -> !valve.isCacheTrusted(), "the cache distrusted");
        int introspections = first.introspections();
        Assertions.assertEquals(200, get(token));
        boolean introspectedWhileAway = first.introspections() > introspections;
        first.setHeartbeating(true);
        await(() -> first.streamCount() == 1 && valve.isCacheTrusted(), "the stream made again");

        // VERIFY: the first request after the drop was introspected; the new stream started after event 1
        Assertions.assertTrue(introspectedWhileAway);
        Assertions.assertEquals(-1L, first.streamStarts().get(0).longValue());
        Assertions.assertEquals(1L, first.streamStarts().get(first.streamStarts().size() - 1).longValue());
    }


    @Test
    void invokeWhenStreamGoesSilentThenCacheDistrustedWithinMaxLag() throws Exception {
        // PREPARE
        valve.setRevocationMaxLag(600);
        valve.setRevocationPollInterval(200);
        tomcat.start();
        String token = token(1);
        cached(token);

        // TEST: the connection stays open, nothing more comes
        first.setHeartbeating(false);
        long silentSince = System.nanoTime();
        await(() -> !valve.isCacheTrusted(), "the cache distrusted");
        long distrustedAfterMillis = (System.nanoTime() - silentSince) / 1_000_000;
        int introspections = first.introspections();
        Assertions.assertEquals(200, get(token));

        // VERIFY: no longer trusted once the lease (600 ms after the last heartbeat's vouch) ran out
        Assertions.assertTrue(distrustedAfterMillis <= 600 + 500, "distrusted after " + distrustedAfterMillis + " ms");
        Assertions.assertEquals(introspections + 1, first.introspections());
    }


    @Test
    void invokeWhenKeyManagerLeaseShorterThanMaxLagThenTheShorterOneBinds() throws Exception {
        // PREPARE: a key manager waiting 300 ms for acknowledgements; the valve's own max lag is 1500 ms
        first.setLease(300);
        tomcat.start();
        cached(token(1));

        // TEST
        first.setHeartbeating(false);
        long silentSince = System.nanoTime();
        await(() -> !valve.isCacheTrusted(), "the cache distrusted");

        // VERIFY
        long millis = (System.nanoTime() - silentSince) / 1_000_000;
        Assertions.assertTrue(millis < 1000, "distrusted after " + millis + " ms");
    }


    @Test
    void invokeWhenAcknowledgementRefusedThenStreamMadeAgain() throws Exception {
        // PREPARE
        tomcat.start();
        cached(token(1));
        first.setAcknowledgementsRefused(true);

        // TEST
        first.revoke(token(2));
        await(() -> first.streamStarts().size() >= 2, "a new stream");
        first.setAcknowledgementsRefused(false);
        await(() -> first.streamCount() == 1, "one stream");

        // VERIFY: the new stream started after the event the refused acknowledgement was about
        Assertions.assertEquals(1L, first.streamStarts().get(first.streamStarts().size() - 1).longValue());
    }


    @Test
    void invokeWhenTwoKeyManagersThenFollowsBothAndEachRevocationAcknowledgedToItsKeyManager() throws Exception {
        // PREPARE
        valve.setIntrospectionUrl(first.introspectionUrl() + " " + second.introspectionUrl());
        tomcat.start();
        String a = token(1);
        String b = token(2);
        cached(a);
        cached(b);
        await(() -> first.streamCount() == 1 && second.streamCount() == 1, "both streams");

        // TEST: a revocation at either key manager (each also relays the other's, as with one shared store)
        first.revoke(a);
        second.revoke(a);
        Assertions.assertTrue(first.awaitAcknowledged(2000));
        int afterFirst = get(a);
        second.revoke(b);
        first.revoke(b);
        Assertions.assertTrue(second.awaitAcknowledged(2000));
        int afterSecond = get(b);

        // VERIFY
        Assertions.assertEquals(401, afterFirst);
        Assertions.assertEquals(401, afterSecond);
        Assertions.assertEquals(2, valve.getConnectedFeedCount());
    }


    @Test
    void invokeWhenOneOfTwoKeyManagersGoneThenCacheStaysTrustedThroughTheOther() throws Exception {
        // PREPARE
        valve.setIntrospectionUrl(first.introspectionUrl() + " " + second.introspectionUrl());
        tomcat.start();
        String token = token(1);
        cached(token);
        await(() -> valve.getConnectedFeedCount() == 2, "both streams");

        // TEST
        first.close();
        await(() -> valve.getConnectedFeedCount() == 1, "one stream left");
        long hits = valve.getCacheHitCount();
        int status = get(token);

        // VERIFY
        Assertions.assertEquals(200, status);
        Assertions.assertTrue(valve.isCacheTrusted());
        Assertions.assertEquals(hits + 1, valve.getCacheHitCount());

        // TEST: the second one goes too
        second.close();
        await(() -> !valve.isCacheTrusted(), "the cache distrusted");
        HttpResponse<String> none = tomcat.get("/app/orders", "Authorization", "Bearer " + token);

        // VERIFY: no key manager at all: 503, never a pass from the cache
        Assertions.assertEquals(503, none.statusCode());
        Assertions.assertTrue(none.headers().firstValue("Retry-After").isPresent());
    }


    @Test
    void jmxWhenTwoKeyManagersThenOneMBeanEachWithItsFeed() throws Exception {
        // PREPARE
        valve.setIntrospectionUrl(first.introspectionUrl() + " " + second.introspectionUrl());
        tomcat.start();
        cached(token(1));
        await(() -> valve.getConnectedFeedCount() == 2, "both streams");
        first.revoke(token(2));
        Assertions.assertTrue(first.awaitAcknowledged(2000));
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(valve.getDomain() + ":type=ScopeValveKeyManager,host="
                + valve.getObjectName().getKeyProperty("host") + ",index=0");

        // TEST
        Object url = server.getAttribute(name, "introspectionUrl");
        Object state = server.getAttribute(name, "feedState");
        // Noted once the key manager has answered the acknowledgement, a moment after it saw it
        await(() -> Long.valueOf(1).equals(attribute(server, name, "lastAcknowledgedEvent")), "the acknowledgement noted");
        Object acknowledged = server.getAttribute(name, "lastAcknowledgedEvent");
        Object lag = server.getAttribute(name, "feedLag");
        Object count = server.getAttribute(valve.getObjectName(), "keyManagerCount");

        // VERIFY
        Assertions.assertEquals(first.introspectionUrl(), url);
        Assertions.assertEquals("stream", state);
        Assertions.assertEquals(Long.valueOf(1), acknowledged);
        Assertions.assertTrue(((Long) lag).longValue() >= 0);
        Assertions.assertEquals(Integer.valueOf(2), count);

        // TEST: stopping the valve removes them
        tomcat.close();
        tomcat = null;

        // VERIFY
        Assertions.assertFalse(server.isRegistered(name));
    }
}
