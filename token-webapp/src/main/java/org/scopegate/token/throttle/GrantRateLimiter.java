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

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import org.scopegate.token.grant.GrantTypes;
import org.scopegate.token.protocol.OAuthException;

/**
 * The token endpoint's rate limits: password and client-credentials grants per client and per client address,
 * each a Bucket4j token bucket of {@code limit} requests refilled smoothly over {@code window} seconds (so a burst
 * of {@code limit}, then {@code limit / window} a second). The address is checked before the client is
 * authenticated, the client before the grant runs: a flood of logins is refused before any password hash is
 * computed, with a 429 {@code slow_down} and {@code Retry-After}. IPv6 addresses are counted per /64, the block a
 * single host usually holds. Buckets idle for a window (full again) are dropped; at most {@code maxEntries} are
 * kept per kind.
 */
public final class GrantRateLimiter {

    private final long perClient;
    private final long perAddress;
    private final Duration window;
    private final TimeMeter timeMeter;
    private final Cache<String, Bucket> clients;
    private final Cache<String, Bucket> addresses;

    /**
     * @param perClient grants per window per client, {@code 0} for no limit
     * @param perAddress grants per window per client address, {@code 0} for no limit
     * @param windowSeconds the window in seconds
     * @param maxEntries most buckets kept per kind
     * @param nanoClock monotonic clock in nanoseconds
     */
    public GrantRateLimiter(long perClient, long perAddress, long windowSeconds, long maxEntries,
            LongSupplier nanoClock) {
        this.perClient = perClient;
        this.perAddress = perAddress;
        this.window = Duration.ofSeconds(windowSeconds);
        this.timeMeter = new NanoTimeMeter(nanoClock);
        this.clients = cache(maxEntries, windowSeconds, nanoClock);
        this.addresses = cache(maxEntries, windowSeconds, nanoClock);
    }

    /**
     * @param grantType the request's grant type
     * @return whether this grant type is limited: password and client credentials
     */
    public static boolean limits(String grantType) {
        return GrantTypes.PASSWORD.equals(grantType) || GrantTypes.CLIENT_CREDENTIALS.equals(grantType);
    }

    /**
     * Counts a grant request from an address.
     *
     * @param remoteAddress the client address, as {@code ServletRequest.getRemoteAddr()} gives it
     * @throws OAuthException 429 {@code slow_down} when the address has spent its limit
     */
    public void checkAddress(String remoteAddress) throws OAuthException {
        if (perAddress > 0) {
            check(addresses, addressKey(remoteAddress), perAddress, "Too many token requests from this address");
        }
    }

    /**
     * Counts a grant request of an authenticated client.
     *
     * @param clientId the client
     * @throws OAuthException 429 {@code slow_down} when the client has spent its limit
     */
    public void checkClient(String clientId) throws OAuthException {
        if (perClient > 0) {
            try {
                check(clients, clientId, perClient, "Too many token requests for this client");
            } catch (OAuthException e) {
                // authenticated: the audit log may name it
                throw e.clientKnown();
            }
        }
    }

    private void check(Cache<String, Bucket> buckets, String key, long limit, String description)
            throws OAuthException {
        Bucket bucket = buckets.get(key, k -> Bucket.builder().withCustomTimePrecision(timeMeter)
                .addLimit(l -> l.capacity(limit).refillGreedy(limit, window)).build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L;
            throw OAuthException.tooManyRequests(description + ": retry after " + Math.max(1, seconds) + " s",
                    seconds);
        }
    }

    /**
     * @param remoteAddress an IP address literal
     * @return the address itself for IPv4, its /64 for IPv6
     */
    static String addressKey(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.indexOf(':') < 0) {
            return String.valueOf(remoteAddress);
        }
        try {
            // a literal: no name is looked up
            byte[] bytes = InetAddress.getByName(remoteAddress).getAddress();
            if (bytes.length == 16) {
                return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
            }
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            return remoteAddress;
        }
    }

    private static Cache<String, Bucket> cache(long maxEntries, long windowSeconds, LongSupplier nanoClock) {
        return Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfterAccess(windowSeconds, TimeUnit.SECONDS)
                .ticker(nanoClock::getAsLong)
                .executor(Runnable::run)
                .build();
    }

    /**
     * Bucket4j's clock.
     */
    private static final class NanoTimeMeter implements TimeMeter {

        private final LongSupplier nanoClock;

        NanoTimeMeter(LongSupplier nanoClock) {
            this.nanoClock = nanoClock;
        }

        @Override
        public long currentTimeNanos() {
            return nanoClock.getAsLong();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }
}
