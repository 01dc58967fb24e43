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
package org.scopegate.valve.throttle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;

/**
 * Counts the requests of each application against its quota with Bucket4j token buckets and decides whether a
 * request may pass. A quota of {@code q} requests per {@code w} seconds is a bucket of {@code q} tokens refilled to
 * the full at every multiple of {@code w} seconds since the epoch (a fixed window, the same on every gateway whose
 * clock is right); a burst {@code b} adds a second limit of {@code b} tokens refilled smoothly at {@code q/w} per
 * second. A request passes when every quota that applies to it (its application's tier, and the limit of the rule
 * that matched) has a token left; a token taken from one quota is given back when another refuses.
 * <p>
 * With several gateways and no {@link ConsumptionSync}, each bucket holds the gateway's share of the quota
 * ({@code gateways} attribute). With a sync, each bucket holds the whole quota and is charged, at each exchange,
 * with what the other gateways served.
 */
public final class RequestThrottle {

    /** Idle time, beyond twice the window, after which a bucket is dropped (it would be full again anyway). */
    private static final long IDLE_MARGIN_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Cache<BucketKey, QuotaBucket> buckets;
    private final int gateways;
    private final LongSupplier epochMillisClock;
    private final TimeMeter timeMeter;
    private volatile boolean counting;


    /**
     * @param gateways         how many gateways share each quota when they do not exchange their counts (1: this
     *                             one alone)
     * @param maximumBuckets   most buckets kept (application and quota pairs)
     * @param epochMillisClock wall clock in epoch milliseconds: windows are aligned on it
     */
    public RequestThrottle(int gateways, long maximumBuckets, LongSupplier epochMillisClock) {
        this.gateways = Math.max(1, gateways);
        this.epochMillisClock = epochMillisClock;
        this.timeMeter = new EpochTimeMeter(epochMillisClock);
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maximumBuckets)
                .expireAfter(new IdleExpiry())
                .executor(Runnable::run)
                .build();
    }


    /**
     * Takes one request from every quota that applies.
     *
     * @param application the application of the token, or {@code null} when the token service did not say
     * @param clientId    the client id of the token (counted instead of the application when that is unknown)
     * @param tier        the application's quota, or {@code null} for none
     * @param rule        the quota of the matched rule, or {@code null} for none
     *
     * @return the decision, or {@code null} when no quota applies
     */
    public ThrottleDecision consume(String application, String clientId, QuotaPolicy tier, QuotaPolicy rule) {
        if (tier == null && rule == null) {
            return null;
        }
        String subject = application != null ? application : "client:" + clientId;
        long now = epochMillisClock.getAsLong();
        boolean count = counting;
        QuotaBucket tierBucket = tier == null ? null : bucket(subject, tier, false);
        QuotaBucket ruleBucket = rule == null ? null : bucket(subject, rule, true);
        ConsumptionProbe tierProbe = tierBucket == null ? null : tierBucket.tryConsume(count);
        ConsumptionProbe ruleProbe = null;
        if (ruleBucket != null && (tierProbe == null || tierProbe.isConsumed())) {
            ruleProbe = ruleBucket.tryConsume(count);
        }
        boolean allowed = (tierProbe == null || tierProbe.isConsumed()) &&
                (ruleBucket == null || ruleProbe != null && ruleProbe.isConsumed());
        if (!allowed && tierProbe != null && tierProbe.isConsumed()) {
            // the rule refused: the tier's request is given back, and its fields tell what is left after that
            tierBucket.refund(count);
            tierProbe = null;
        }
        long retryAfter = 0;
        StringBuilder limit = new StringBuilder(64);
        String policyField;
        if (tierBucket != null && ruleBucket != null) {
            policyField = tierBucket.policy().policyField() + ", " + ruleBucket.policy().policyField();
            retryAfter = appendLimit(limit, tierBucket, tierProbe, now, allowed);
            limit.append(", ");
            retryAfter = Math.max(retryAfter, appendLimit(limit, ruleBucket, ruleProbe, now, allowed));
        } else {
            QuotaBucket only = tierBucket != null ? tierBucket : ruleBucket;
            policyField = only.policy().policyField();
            retryAfter = appendLimit(limit, only, tierBucket != null ? tierProbe : ruleProbe, now, allowed);
        }
        return new ThrottleDecision(allowed, policyField, limit.toString(), allowed ? 0 : Math.max(1, retryAfter));
    }


    /**
     * Starts counting what is consumed for a {@link ConsumptionSync}.
     */
    void startCounting() {
        counting = true;
    }


    /**
     * @return the buckets now kept
     */
    List<QuotaBucket> buckets() {
        return new ArrayList<>(buckets.asMap().values());
    }


    /**
     * @return the number of buckets kept, after pending maintenance
     */
    public long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }


    /**
     * @return how many gateways share each quota without a sync
     */
    public int getGateways() {
        return gateways;
    }


    /**
     * Drops every bucket: every quota starts full again.
     */
    public void clear() {
        buckets.invalidateAll();
    }


    private QuotaBucket bucket(String subject, QuotaPolicy policy, boolean rule) {
        return buckets.get(new BucketKey(subject, policy, rule), this::newBucket);
    }


    private QuotaBucket newBucket(BucketKey key) {
        QuotaPolicy policy = counting ? key.policy() : key.policy().share(gateways);
        long windowMillis = policy.windowSeconds() * 1000L;
        long now = epochMillisClock.getAsLong();
        Instant nextWindow = Instant.ofEpochMilli((Math.floorDiv(now, windowMillis) + 1) * windowMillis);
        Duration window = Duration.ofSeconds(policy.windowSeconds());
        LocalBucketBuilder builder = Bucket.builder()
                .withCustomTimePrecision(timeMeter)
                .addLimit(limit -> limit.capacity(policy.quota())
                        .refillIntervallyAligned(policy.quota(), window, nextWindow).id("quota"));
        if (policy.burst() > 0) {
            builder.addLimit(limit -> limit.capacity(policy.burst()).refillGreedy(policy.quota(), window)
                    .id("burst"));
        }
        String counterKey = key.rule() ? key.subject() + "|rule:" + shortDigest(key.policy().name()) :
                key.subject();
        return new QuotaBucket(builder.build(), policy, counterKey);
    }


    /**
     * Appends one item of the {@code RateLimit} field.
     *
     * @return seconds before this quota serves a request again, {@code 0} when it served this one
     */
    private long appendLimit(StringBuilder sb, QuotaBucket bucket, ConsumptionProbe probe, long now,
            boolean allowed) {
        QuotaPolicy policy = bucket.policy();
        if (probe != null && !probe.isConsumed()) {
            // Refused: nothing more until a token comes back
            long wait = seconds(probe.getNanosToWaitForRefill());
            policy.appendLimit(sb, 0, wait);
            return wait;
        }
        long remaining = probe != null ? probe.getRemainingTokens() : bucket.available();
        long windowMillis = policy.windowSeconds() * 1000L;
        long untilNextWindow = windowMillis - Math.floorMod(now, windowMillis);
        policy.appendLimit(sb, remaining, seconds(untilNextWindow * 1_000_000L));
        return 0;
    }


    private static long seconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }


    private static String shortDigest(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }


    /**
     * @param subject the application (or client) counted
     * @param policy  the quota as configured (before any share)
     * @param rule    whether the quota comes from a rule rather than from the application's tier
     */
    private record BucketKey(String subject, QuotaPolicy policy, boolean rule) {
    }


    /**
     * Drops a bucket idle for twice its window and a minute: it would be full again.
     */
    private static final class IdleExpiry implements Expiry<BucketKey, QuotaBucket> {

        @Override
        public long expireAfterCreate(BucketKey key, QuotaBucket value, long currentTime) {
            return idle(value);
        }


        @Override
        public long expireAfterUpdate(BucketKey key, QuotaBucket value, long currentTime,
                long currentDuration) {
            return idle(value);
        }


        @Override
        public long expireAfterRead(BucketKey key, QuotaBucket value, long currentTime, long currentDuration) {
            return idle(value);
        }


        private static long idle(QuotaBucket bucket) {
            long window = bucket.policy().windowSeconds();
            return window > TimeUnit.NANOSECONDS.toSeconds(Long.MAX_VALUE / 4) ? Long.MAX_VALUE / 2 :
                    2 * TimeUnit.SECONDS.toNanos(window) + IDLE_MARGIN_NANOS;
        }
    }


    /**
     * Bucket4j's clock: the wall clock in epoch milliseconds, so that windows can be aligned on the epoch.
     */
    private static final class EpochTimeMeter implements TimeMeter {

        private final LongSupplier epochMillisClock;


        EpochTimeMeter(LongSupplier epochMillisClock) {
            this.epochMillisClock = epochMillisClock;
        }


        @Override
        public long currentTimeNanos() {
            return epochMillisClock.getAsLong() * 1_000_000L;
        }


        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
