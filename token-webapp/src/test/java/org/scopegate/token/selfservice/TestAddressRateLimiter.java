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
package org.scopegate.token.selfservice;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;
import org.scopegate.token.SessionClient;

import io.github.bucket4j.TimeMeter;

/**
 * Sign-up and the pages' sign-in need no client credentials: each client address gets a few of them per period, then
 * 429 with {@code Retry-After}, and nothing is created or checked.
 */
public class TestAddressRateLimiter {

    private static final String PASSWORD = "Juniper-Tractor-6620";

    private static EmbeddedTokenServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("address-limits"))
                .with("signupRateLimit", "3").with("signInRateLimit", "4");
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        server.setSignup(true);
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    public void signupWhenMoreThanTheLimitFromOneAddressThenTooManyRequestsWithRetryAfterAndNoUser() {
        // PREPARE
        for (int i = 1; i <= 3; i++) {
            Assertions.assertEquals(201, server.signup("early" + i, PASSWORD).statusCode());
        }

        // TEST
        HttpResponse<String> fourth = server.signup("late4", PASSWORD);

        // VERIFY
        Assertions.assertEquals(429, fourth.statusCode(), fourth.body());
        Assertions.assertEquals("too_many_requests", EmbeddedTokenServer.json(fourth).get("error").asText());
        long retryAfter = Long.parseLong(fourth.headers().firstValue("Retry-After").orElse("0"));
        Assertions.assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After " + retryAfter);
        Assertions.assertEquals(404, server.admin("GET", "/users/late4", null).statusCode());
    }

    @Test
    public void signInWhenMoreThanTheLimitFromOneAddressThenTooManyRequestsEvenWithTheRightPassword() {
        // PREPARE
        server.createUser("ruth", PASSWORD);
        SessionClient client = new SessionClient(server);
        for (int i = 0; i < 4; i++) {
            Assertions.assertEquals(401, client.signIn("ruth", "wrong-" + i).statusCode());
        }

        long hashesBefore = hashes();

        // TEST
        HttpResponse<String> fifth = client.signIn("ruth", PASSWORD);

        // VERIFY
        Assertions.assertEquals(429, fifth.statusCode(), fifth.body());
        Assertions.assertTrue(fifth.headers().firstValue("Retry-After").isPresent());
        Assertions.assertEquals(hashesBefore, hashes(), "the refused sign-in was hashed");
    }

    private static long hashes() {
        return EmbeddedTokenServer.json(server.admin("GET", "/password-hash", null)).get("hashes").asLong();
    }

    @Test
    public void acquireWhenLimitSpentThenRetryAfterSaysWhenOneMoreRequestPasses() {
        // PREPARE: 6 an hour from one address, all spent at once; a clock of the test's own
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        AddressRateLimiter limiter = new AddressRateLimiter(6, Duration.ofHours(1), fixedClock(nanos));
        for (int i = 0; i < 6; i++) {
            Assertions.assertEquals(0, limiter.acquire("192.0.2.7"));
        }

        // TEST
        long retryAfter = limiter.acquire("192.0.2.7");
        long otherAddress = limiter.acquire("192.0.2.8");
        nanos.addAndGet(Duration.ofMinutes(9).toNanos());
        long tooEarly = limiter.acquire("192.0.2.7");
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        long onTime = limiter.acquire("192.0.2.7");
        long next = limiter.acquire("192.0.2.7");

        // VERIFY: one request back every 10 minutes (600 s), no burst of six after the first one
        Assertions.assertEquals(600, retryAfter);
        Assertions.assertEquals(0, otherAddress);
        Assertions.assertEquals(60, tooEarly);
        Assertions.assertEquals(0, onTime);
        Assertions.assertEquals(600, next);
    }

    private static TimeMeter fixedClock(AtomicLong nanos) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanos.get();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    @Test
    public void acquireWhenIpv6AddressesOfOneNetworkThenOneCount() {
        // PREPARE
        AddressRateLimiter limiter = new AddressRateLimiter(2, Duration.ofMinutes(1));

        // TEST
        long first = limiter.acquire("2001:db8:1:2::a");
        long second = limiter.acquire("2001:db8:1:2:ffff::b");
        long third = limiter.acquire("2001:db8:1:2:0:0:0:c");
        long otherNetwork = limiter.acquire("2001:db8:1:3::a");

        // VERIFY
        Assertions.assertEquals(0, first);
        Assertions.assertEquals(0, second);
        Assertions.assertTrue(third >= 1, "a third request of the /64 passed");
        Assertions.assertEquals(0, otherNetwork);
    }
}
