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
package org.scopegate.token.metrics;

import java.util.concurrent.atomic.LongAdder;

import org.scopegate.token.store.RevocationCause;

/**
 * The token service's own figures: what it counts whether or not a metrics endpoint reads them. Counting is a
 * {@link LongAdder} increment found by array index (no map lookup, no lock); the Prometheus exporter
 * ({@link PrometheusTokenMetrics}) reads these counters when it is scraped, and fills the two histograms through
 * {@link DurationObserver}s it installs. The admin dashboard and JMX read the same counters.
 *
 * <p>Labels are closed sets ({@link GrantKind}, {@link GrantOutcome}, {@link RevocationCause}): no user name, client
 * id or token ever becomes a label.
 */
public final class TokenServiceMetrics {

    private final LongAdder[][] grants = new LongAdder[GrantKind.values().length][GrantOutcome.values().length];
    private final LongAdder[] revocations = adders(RevocationCause.values().length);
    private final LongAdder[] revokedTokens = adders(RevocationCause.values().length);
    private final LongAdder signInSuccesses = new LongAdder();
    private final LongAdder signInFailures = new LongAdder();
    private final LongAdder lockouts = new LongAdder();
    private final LongAdder unlocks = new LongAdder();

    private volatile long liveAccessTokens = -1;
    private volatile long liveRefreshTokens = -1;
    private volatile long liveCountedAt;
    private volatile DurationObserver passwordCheck = DurationObserver.NONE;
    private volatile DurationObserver hashSlotWait = DurationObserver.NONE;

    /**
     * Creates the counters, all at zero.
     */
    public TokenServiceMetrics() {
        for (LongAdder[] row : grants) {
            for (int i = 0; i < row.length; i++) {
                row[i] = new LongAdder();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ counting

    /**
     * Counts one answer of the token endpoint.
     *
     * @param grantType the {@code grant_type} as sent, or {@code null}
     * @param errorCode the OAuth error code answered, or {@code null} when tokens were issued
     */
    public void grant(String grantType, String errorCode) {
        grants[GrantKind.of(grantType).ordinal()][GrantOutcome.ofError(errorCode).ordinal()].increment();
    }

    /**
     * Counts a sign-in to the self-service pages.
     *
     * @param success whether the user got a session
     */
    public void signIn(boolean success) {
        (success ? signInSuccesses : signInFailures).increment();
    }

    /** Counts an account locked after repeated failed logins. */
    public void lockout() {
        lockouts.increment();
    }

    /** Counts an account unlocked by the administrator. */
    public void unlock() {
        unlocks.increment();
    }

    /**
     * Counts one revocation.
     *
     * @param cause why
     * @param tokens how many token rows it revoked (access and refresh)
     */
    public void revoked(RevocationCause cause, int tokens) {
        revocations[cause.ordinal()].increment();
        revokedTokens[cause.ordinal()].add(Math.max(0, tokens));
    }

    /**
     * Records one password hash (a check, or hashing a new password).
     *
     * @param waitNanos how long it waited for a hash slot
     * @param hashNanos how long the hash itself took
     */
    public void passwordHashed(long waitNanos, long hashNanos) {
        hashSlotWait.observeNanos(waitNanos);
        passwordCheck.observeNanos(hashNanos);
    }

    /**
     * Sets the tokens live in the store, as last counted.
     *
     * @param access unexpired, unrevoked access tokens
     * @param refresh unexpired, unrevoked, unused refresh tokens
     * @param countedAt when they were counted, epoch milliseconds
     */
    public void liveTokens(long access, long refresh, long countedAt) {
        liveAccessTokens = access;
        liveRefreshTokens = refresh;
        liveCountedAt = countedAt;
    }

    // ------------------------------------------------------------------------------------------------ reading

    /**
     * @param kind the grant type
     * @param outcome the answer
     * @return answers of the token endpoint so far
     */
    public long grants(GrantKind kind, GrantOutcome outcome) {
        return grants[kind.ordinal()][outcome.ordinal()].sum();
    }

    /**
     * @param outcome the answer
     * @return answers of the token endpoint with this outcome, every grant type
     */
    public long grants(GrantOutcome outcome) {
        long sum = 0;
        for (GrantKind kind : GrantKind.values()) {
            sum += grants(kind, outcome);
        }
        return sum;
    }

    /**
     * @return refused grants so far, every grant type and error
     */
    public long refusedGrants() {
        long sum = 0;
        for (GrantOutcome outcome : GrantOutcome.values()) {
            if (outcome != GrantOutcome.ISSUED) {
                sum += grants(outcome);
            }
        }
        return sum;
    }

    /**
     * @param success which ones
     * @return sign-ins to the self-service pages so far
     */
    public long signIns(boolean success) {
        return (success ? signInSuccesses : signInFailures).sum();
    }

    /**
     * @return accounts locked so far
     */
    public long lockouts() {
        return lockouts.sum();
    }

    /**
     * @return accounts unlocked by the administrator so far
     */
    public long unlocks() {
        return unlocks.sum();
    }

    /**
     * @param cause why
     * @return revocations so far
     */
    public long revocations(RevocationCause cause) {
        return revocations[cause.ordinal()].sum();
    }

    /**
     * @param cause why
     * @return tokens revoked so far
     */
    public long revokedTokens(RevocationCause cause) {
        return revokedTokens[cause.ordinal()].sum();
    }

    /**
     * @return tokens revoked so far, every cause
     */
    public long revokedTokens() {
        long sum = 0;
        for (LongAdder adder : revokedTokens) {
            sum += adder.sum();
        }
        return sum;
    }

    /**
     * @return live access tokens at the last count, or -1 before the first
     */
    public long liveAccessTokens() {
        return liveAccessTokens;
    }

    /**
     * @return live refresh tokens at the last count, or -1 before the first
     */
    public long liveRefreshTokens() {
        return liveRefreshTokens;
    }

    /**
     * @return when the live tokens were last counted, epoch milliseconds (0: never)
     */
    public long liveCountedAt() {
        return liveCountedAt;
    }

    // ------------------------------------------------------------------------------------------------ exporter

    /**
     * Installs where the two histograms go (the exporter does this; {@link DurationObserver#NONE} detaches).
     *
     * @param passwordCheck time of one password hash
     * @param hashSlotWait time spent waiting for a hash slot
     */
    void observeWith(DurationObserver passwordCheck, DurationObserver hashSlotWait) {
        this.passwordCheck = passwordCheck;
        this.hashSlotWait = hashSlotWait;
    }

    private static LongAdder[] adders(int count) {
        LongAdder[] adders = new LongAdder[count];
        for (int i = 0; i < count; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }
}
