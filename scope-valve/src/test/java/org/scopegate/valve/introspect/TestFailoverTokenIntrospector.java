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
package org.scopegate.valve.introspect;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Introspection over several key managers: round robin, failover of the same call, out of service and back.
 */
public class TestFailoverTokenIntrospector {

    private static final Log LOG = LogFactory.getLog(TestFailoverTokenIntrospector.class);
    private static final String ACTIVE = "{\"active\":true,\"scope\":\"read\",\"client_id\":\"app\"," +
            "\"username\":\"alice\",\"exp\":4102444800}";

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final KeyManagerStub first = new KeyManagerStub();
    private final KeyManagerStub second = new KeyManagerStub();


    @AfterEach
    void tearDown() {
        first.close();
        second.close();
    }


    private KeyManager keyManager(int index, URI uri) {
        HttpTokenIntrospector client = new HttpTokenIntrospector(uri, HttpTokenIntrospector.defaultRevocationFeedUri(uri),
                "valve", "secret", 500, 1000, null);
        return new KeyManager(index, client, 2000, nanos::get, LOG);
    }


    private FailoverTokenIntrospector twoKeyManagers() {
        return new FailoverTokenIntrospector(List.of(keyManager(0, first.uri()), keyManager(1, second.uri())));
    }


    @Test
    void introspectWhenBothInServiceThenSpreadRoundRobin() throws Exception {
        // PREPARE
        FailoverTokenIntrospector introspector = twoKeyManagers();

        // TEST
        for (int i = 0; i < 10; i++) {
            Assertions.assertTrue(introspector.introspect("t", TokenDigest.of("t")).active());
        }

        // VERIFY
        Assertions.assertEquals(5, first.calls.get());
        Assertions.assertEquals(5, second.calls.get());
    }


    @Test
    void introspectWhenOneRefusesConnectionsThenEveryCallAnsweredByTheOther() throws Exception {
        // PREPARE
        FailoverTokenIntrospector introspector = twoKeyManagers();
        first.close();

        // TEST
        for (int i = 0; i < 10; i++) {
            Assertions.assertTrue(introspector.introspect("t", TokenDigest.of("t")).active());
        }

        // VERIFY: the first call that met the dead one went on to the other; later calls skip it
        Assertions.assertEquals(10, second.calls.get());
        KeyManager dead = introspector.keyManagers().get(0);
        Assertions.assertFalse(dead.isAvailable());
        Assertions.assertEquals(1, dead.getFailureCount());
        Assertions.assertTrue(introspector.keyManagers().get(1).isAvailable());
    }


    @Test
    void introspectWhenOneAnswersServerErrorThenSameCallFailsOver() throws Exception {
        // PREPARE
        FailoverTokenIntrospector introspector = twoKeyManagers();
        first.status = 500;

        // TEST
        for (int i = 0; i < 4; i++) {
            Assertions.assertTrue(introspector.introspect("t", TokenDigest.of("t")).active());
        }

        // VERIFY
        Assertions.assertEquals(1, first.calls.get());
        Assertions.assertEquals(4, second.calls.get());
    }


    @Test
    void introspectWhenOutOfServiceThenProbedOncePerIntervalAndBroughtBack() throws Exception {
        // PREPARE
        FailoverTokenIntrospector introspector = twoKeyManagers();
        first.status = 503;
        introspector.introspect("t", TokenDigest.of("t"));
        introspector.introspect("t", TokenDigest.of("t"));
        Assertions.assertFalse(introspector.keyManagers().get(0).isAvailable());
        first.status = 200;
        int before = first.calls.get();

        // TEST: within the probe interval the first is not asked; after it, one call probes and brings it back
        nanos.addAndGet(1_000_000_000L);
        introspector.introspect("t", TokenDigest.of("t"));
        introspector.introspect("t", TokenDigest.of("t"));
        int duringInterval = first.calls.get() - before;
        nanos.addAndGet(1_500_000_000L);
        introspector.introspect("t", TokenDigest.of("t"));

        // VERIFY
        Assertions.assertEquals(0, duringInterval);
        Assertions.assertEquals(before + 1, first.calls.get());
        Assertions.assertTrue(introspector.keyManagers().get(0).isAvailable());
    }


    @Test
    void introspectWhenAllOutOfServiceThenFailsAndTheNextCallTriesAgain() throws Exception {
        // PREPARE
        FailoverTokenIntrospector introspector = twoKeyManagers();
        first.status = 500;
        second.status = 500;

        // TEST
        Assertions.assertThrows(IntrospectionException.class,
                () -> introspector.introspect("t", TokenDigest.of("t")));
        first.status = 200;
        second.status = 200;
        TokenInfo info = introspector.introspect("t", TokenDigest.of("t"));

        // VERIFY: none in service, yet the call is tried (and finds one back) rather than refused on the spot
        Assertions.assertTrue(info.active());
        Assertions.assertEquals(1, introspector.keyManagers().stream().filter(KeyManager::isAvailable).count());
    }


    @Test
    void introspectWhenOnlyKeyManagerDownThenItIsStillAskedEveryCall() throws Exception {
        // PREPARE
        KeyManager only = keyManager(0, first.uri());
        FailoverTokenIntrospector introspector = new FailoverTokenIntrospector(List.of(only));
        first.status = 500;
        Assertions.assertThrows(IntrospectionException.class,
                () -> introspector.introspect("t", TokenDigest.of("t")));
        first.status = 200;

        // TEST
        TokenInfo info = introspector.introspect("t", TokenDigest.of("t"));

        // VERIFY
        Assertions.assertTrue(info.active());
        Assertions.assertTrue(only.isAvailable());
    }


    @Test
    void describeWhenSeveralThenNamesEveryUrl() {
        // TEST
        String description = twoKeyManagers().describe();

        // VERIFY
        Assertions.assertTrue(description.contains(first.uri().toString()), description);
        Assertions.assertTrue(description.contains(second.uri().toString()), description);
    }


    /**
     * A key manager answering introspection with a chosen status.
     */
    private static final class KeyManagerStub implements AutoCloseable {

        private final HttpServer server;
        private final AtomicInteger calls = new AtomicInteger();
        private final URI uri;
        private volatile int status = 200;
        private boolean closed;


        KeyManagerStub() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/token/introspect", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    calls.incrementAndGet();
                    byte[] body = (status == 200 ? ACTIVE : "{\"error\":\"server_error\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(status, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            server.start();
            uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token/introspect");
        }


        URI uri() {
            return uri;
        }


        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                server.stop(0);
            }
        }
    }
}
