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

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

/**
 * At most {@code limit} requests per client address per {@code period}: a token bucket (Bucket4j) per address, which
 * refills continuously, the buckets in a bounded cache (Caffeine) that forgets an address idle for a period. An IPv6
 * address counts by its /64 network, which one client usually has whole. The address is the one Tomcat gives
 * ({@code getRemoteAddr()}: behind a reverse proxy, configure Tomcat's {@code RemoteIpValve} so that it is the
 * client's). The count is per key manager, in memory.
 */
public final class AddressRateLimiter {

    private static final long MAX_ADDRESSES = 100_000;

    private final long limit;
    private final Duration period;
    private final TimeMeter time;
    private final Cache<String, Bucket> buckets;

    /**
     * @param limit requests per address per period; 0 for no limit
     * @param period the period
     */
    public AddressRateLimiter(long limit, Duration period) {
        this(limit, period, TimeMeter.SYSTEM_NANOTIME);
    }

    /**
     * @param limit requests per address per period; 0 for no limit
     * @param period the period
     * @param time the clock of the buckets and of the cache's expiry (a test's own)
     */
    AddressRateLimiter(long limit, Duration period, TimeMeter time) {
        this.limit = limit;
        this.period = period;
        this.time = time;
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_ADDRESSES).expireAfterAccess(period)
                .ticker(time::currentTimeNanos).build();
    }

    /**
     * Counts one request of an address.
     *
     * @param address the client address
     * @return 0 when the request may proceed, else the seconds after which the address may try again
     */
    public long acquire(String address) {
        if (limit <= 0) {
            return 0;
        }
        Bucket bucket = buckets.get(key(address), k -> Bucket.builder().withCustomTimePrecision(time)
                .addLimit(Bandwidth.builder().capacity(limit).refillGreedy(limit, period).build()).build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
    }

    /**
     * @param address an IPv4 or IPv6 literal
     * @return the address itself, or the /64 network of an IPv6 address
     */
    static String key(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return address == null ? "" : address;
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            return bytes.length == 16 ? HexFormat.of().formatHex(Arrays.copyOf(bytes, 8)) + "::/64" : address;
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
