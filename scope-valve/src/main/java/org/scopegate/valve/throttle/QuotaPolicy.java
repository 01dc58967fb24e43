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

import java.util.Objects;

/**
 * A request quota: {@code quota} requests per window of {@code windowSeconds} seconds, and at most {@code burst}
 * of them back to back when a burst is set. Windows are aligned on the epoch (a 60 s window is a clock minute), so
 * that every gateway counts the same windows. Knows how it is advertised in the {@code RateLimit-Policy} and
 * {@code RateLimit} fields of draft-ietf-httpapi-ratelimit-headers (revision 11: Structured Field lists of
 * String items with {@code q}, {@code w} and {@code r}, {@code t} parameters).
 */
public final class QuotaPolicy {

    /** The vendor-prefixed parameter carrying the burst in {@code RateLimit-Policy} (the draft's section 3.1). */
    public static final String BURST_PARAMETER = "scopegate-burst";

    private final String name;
    private final long quota;
    private final long windowSeconds;
    private final long burst;
    private final String item;
    private final String policyField;


    private QuotaPolicy(String name, long quota, long windowSeconds, long burst) {
        this.name = name;
        this.quota = quota;
        this.windowSeconds = windowSeconds;
        this.burst = burst;
        this.item = structuredString(name);
        this.policyField = item + ";q=" + quota + ";w=" + windowSeconds +
                (burst > 0 ? ";" + BURST_PARAMETER + "=" + burst : "");
    }


    /**
     * @param name          the policy's name: the tier, or the rule
     * @param quota         requests per window, at least 1
     * @param windowSeconds the window in seconds, at least 1
     * @param burst         the most requests back to back ({@code 1..quota}), or {@code 0} for none
     *
     * @return the policy
     *
     * @throws IllegalArgumentException when a value is out of range
     */
    public static QuotaPolicy of(String name, long quota, long windowSeconds, long burst) {
        if (name == null || name.isEmpty() || quota < 1 || windowSeconds < 1 || burst < 0 || burst > quota ||
                windowSeconds > Long.MAX_VALUE / 1_000_000_000L) {
            throw new IllegalArgumentException("Invalid quota [" + name + "] " + quota + "/" + windowSeconds + "/" +
                    burst);
        }
        return new QuotaPolicy(name, quota, windowSeconds, burst == quota ? 0 : burst);
    }


    /**
     * The part of this quota one of several gateways enforces when they do not exchange their counts.
     *
     * @param gateways how many gateways share the quota
     *
     * @return this policy with {@code quota / gateways} requests (and burst), at least 1
     */
    public QuotaPolicy share(int gateways) {
        if (gateways <= 1) {
            return this;
        }
        long share = Math.max(1, quota / gateways);
        long burstShare = burst == 0 ? 0 : Math.min(share, Math.max(1, burst / gateways));
        return new QuotaPolicy(name, share, windowSeconds, burstShare == share ? 0 : burstShare);
    }


    /**
     * @return the name
     */
    public String name() {
        return name;
    }


    /**
     * @return requests per window
     */
    public long quota() {
        return quota;
    }


    /**
     * @return the window in seconds
     */
    public long windowSeconds() {
        return windowSeconds;
    }


    /**
     * @return the most requests back to back, {@code 0} when the whole quota may be spent at once
     */
    public long burst() {
        return burst;
    }


    /**
     * @return this policy as one item of a {@code RateLimit-Policy} field, e.g. {@code "Gold";q=5000;w=60}
     */
    public String policyField() {
        return policyField;
    }


    /**
     * Appends this policy's service limit as one item of a {@code RateLimit} field.
     *
     * @param sb               where to write
     * @param remaining        the requests left ({@code r}), negative values written as 0
     * @param effectiveSeconds the effective window ({@code t}): seconds within which no more than the remaining
     *                             requests will be served
     */
    public void appendLimit(StringBuilder sb, long remaining, long effectiveSeconds) {
        sb.append(item).append(";r=").append(Math.max(0, remaining)).append(";t=").append(Math.max(0,
                effectiveSeconds));
    }


    /**
     * @param value any text
     *
     * @return an sf-string (RFC 8941 section 3.3.3): quoted, {@code "} and {@code \} escaped, anything that is not
     *         printable ASCII replaced by {@code ?}
     */
    static String structuredString(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7E) {
                sb.append('?');
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }


    @Override
    public boolean equals(Object o) {
        return o instanceof QuotaPolicy other && name.equals(other.name) && quota == other.quota &&
                windowSeconds == other.windowSeconds && burst == other.burst;
    }


    @Override
    public int hashCode() {
        return Objects.hash(name, Long.valueOf(quota), Long.valueOf(windowSeconds), Long.valueOf(burst));
    }


    @Override
    public String toString() {
        return policyField;
    }
}
