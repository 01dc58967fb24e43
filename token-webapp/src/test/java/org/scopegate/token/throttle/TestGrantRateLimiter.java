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
package org.scopegate.token.throttle;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.token.protocol.OAuthException;

/**
 * The token endpoint's limits on an injected clock: a burst of the limit, then the limit per window; per client
 * and per address apart; IPv6 counted per /64.
 */
public class TestGrantRateLimiter {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Test
    void checkClientWhenLimitSpentThenSlowDownWithRetryAfterUntilOneGrantRefilled() throws Exception {
        // PREPARE: 3 a minute per client, one back every 20 s
        GrantRateLimiter limiter = new GrantRateLimiter(3, 0, 60, 100, nanos::get);
        for (int i = 0; i < 3; i++) {
            limiter.checkClient("shop");
        }

        // TEST
        OAuthException refused = Assertions.assertThrows(OAuthException.class, () -> limiter.checkClient("shop"));
        limiter.checkClient("other");
        nanos.addAndGet(20_000_000_000L);
        limiter.checkClient("shop");

        // VERIFY
        Assertions.assertEquals(429, refused.getHttpStatus());
        Assertions.assertEquals("slow_down", refused.getErrorCode());
        Assertions.assertEquals(20, refused.getRetryAfter());
        Assertions.assertTrue(refused.getDescription().contains("retry after 20 s"), refused.getDescription());
    }

    @Test
    void checkAddressWhenLimitSpentThenRefusedAndOtherAddressesNot() throws Exception {
        // PREPARE
        GrantRateLimiter limiter = new GrantRateLimiter(0, 2, 10, 100, nanos::get);
        limiter.checkAddress("192.0.2.1");
        limiter.checkAddress("192.0.2.1");

        // TEST / VERIFY
        Assertions.assertThrows(OAuthException.class, () -> limiter.checkAddress("192.0.2.1"));
        limiter.checkAddress("192.0.2.2");
        for (int i = 0; i < 10; i++) {
            limiter.checkClient("unlimited-without-a-client-limit");
        }
    }

    @Test
    void checkAddressWhenIpv6ThenCountedPerSlash64() throws Exception {
        // PREPARE
        GrantRateLimiter limiter = new GrantRateLimiter(0, 2, 60, 100, nanos::get);
        limiter.checkAddress("2001:db8:1:2::10");
        limiter.checkAddress("2001:db8:1:2:aaaa::99");

        // TEST / VERIFY
        Assertions.assertThrows(OAuthException.class, () -> limiter.checkAddress("2001:db8:1:2:ffff::1"));
        limiter.checkAddress("2001:db8:1:3::10");
        Assertions.assertEquals("20010db800010002::/64", GrantRateLimiter.addressKey("2001:db8:1:2::10"));
        Assertions.assertEquals("127.0.0.1", GrantRateLimiter.addressKey("127.0.0.1"));
    }

    @Test
    void limitsWhenGrantTypeThenPasswordAndClientCredentialsOnly() {
        // TEST / VERIFY
        Assertions.assertTrue(GrantRateLimiter.limits("password"));
        Assertions.assertTrue(GrantRateLimiter.limits("client_credentials"));
        Assertions.assertFalse(GrantRateLimiter.limits("refresh_token"));
        Assertions.assertFalse(GrantRateLimiter.limits("urn:other"));
    }
}
