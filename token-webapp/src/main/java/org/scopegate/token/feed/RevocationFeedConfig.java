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

import java.util.function.UnaryOperator;

/**
 * The context parameters of the pushed revocation feed.
 *
 * @param heartbeatMillis  {@value #HEARTBEAT}: time between two heartbeats of an idle stream, and between two
 *                         checks of the head of the event table, in ms
 * @param ackTimeoutMillis {@value #ACK_TIMEOUT}: longest time a revoking call waits for the valves'
 *                         acknowledgements, in ms; {@code 0}: no wait
 * @param maxStreams       {@value #MAX_STREAMS}: most streams held open at once
 */
public record RevocationFeedConfig(long heartbeatMillis, long ackTimeoutMillis, int maxStreams) {

    /** Context parameter name. */
    public static final String HEARTBEAT = "revocationFeedHeartbeat";
    /** Context parameter name. */
    public static final String ACK_TIMEOUT = "revocationAckTimeout";
    /** Context parameter name. */
    public static final String MAX_STREAMS = "revocationFeedMaxStreams";

    /** Default of {@link #HEARTBEAT}, in ms. */
    public static final long DEFAULT_HEARTBEAT = 500;
    /** Default of {@link #ACK_TIMEOUT}, in ms. */
    public static final long DEFAULT_ACK_TIMEOUT = 2000;
    /** Default of {@link #MAX_STREAMS}. */
    public static final int DEFAULT_MAX_STREAMS = 5000;

    /**
     * Reads and validates the parameters.
     *
     * @param parameters context parameter lookup ({@code null} for an absent parameter)
     * @return the configuration
     * @throws IllegalArgumentException naming the first bad parameter
     */
    public static RevocationFeedConfig read(UnaryOperator<String> parameters) {
        long heartbeat = number(parameters, HEARTBEAT, DEFAULT_HEARTBEAT, 50, 60_000);
        long ackTimeout = number(parameters, ACK_TIMEOUT, DEFAULT_ACK_TIMEOUT, 0, 60_000);
        int maxStreams = (int) number(parameters, MAX_STREAMS, DEFAULT_MAX_STREAMS, 1, 100_000);
        if (ackTimeout > 0 && heartbeat * 2 > ackTimeout) {
            // A valve trusts its cache for at most the acknowledgement timeout after the last heartbeat: with rarer
            // heartbeats its cache would go untrusted between two of them
            throw new IllegalArgumentException(HEARTBEAT + " must be at most half of " + ACK_TIMEOUT);
        }
        return new RevocationFeedConfig(heartbeat, ackTimeout, maxStreams);
    }

    /**
     * @return the defaults
     */
    public static RevocationFeedConfig defaults() {
        return new RevocationFeedConfig(DEFAULT_HEARTBEAT, DEFAULT_ACK_TIMEOUT, DEFAULT_MAX_STREAMS);
    }

    private static long number(UnaryOperator<String> parameters, String name, long defaultValue, long min,
            long max) {
        String value = parameters.apply(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
        }
        return parsed;
    }
}
