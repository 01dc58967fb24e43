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
package org.scopegate.valve.metrics;

/**
 * What a scope valve counts, read by the metrics at each scrape (nothing is added to a request). The getters are the
 * valve's JMX attributes.
 */
public interface ValveFigures {

    /**
     * @return requests admitted with a valid token
     */
    long getAdmittedCount();

    /**
     * @return requests passed without a token check
     */
    long getPassedCount();

    /**
     * @return 401: no token
     */
    long getRefusedNoTokenCount();

    /**
     * @return 401: invalid, expired or revoked token
     */
    long getRefusedInvalidTokenCount();

    /**
     * @return 403: insufficient scope
     */
    long getRefusedInsufficientScopeCount();

    /**
     * @return 400: malformed request
     */
    long getRefusedInvalidRequestCount();

    /**
     * @return 503: token service unavailable
     */
    long getRefusedUnavailableCount();

    /**
     * @return 403: no rule matched
     */
    long getRefusedUnmatchedCount();

    /**
     * @return 429: a quota was spent
     */
    long getRefusedQuotaCount();

    /**
     * @return requests answered from the cache
     */
    long getCacheHitCount();

    /**
     * @return requests that needed an introspection
     */
    long getCacheMissCount();

    /**
     * @return entries in the cache
     */
    long getCachedTokenCount();

    /**
     * @return reloads of the rules file
     */
    long getRulesReloadCount();

    /**
     * @return edits of the rules file refused (the old rules stayed in force)
     */
    long getRulesReloadErrorCount();

    /**
     * @return whether the last introspection got an answer
     */
    boolean isTokenServiceAvailable();

    /**
     * @return whether the revocation feed is recent enough for the cache to be used
     */
    boolean isCacheTrusted();

    /**
     * @return milliseconds since the revocation feed of any key manager was last heard from, {@code -1} before the
     *         first time
     */
    long getRevocationFeedLag();

    /**
     * @return the newest revocation event this valve has acknowledged to a key manager, {@code -1} before the first
     */
    long getLastAcknowledgedEvent();
}
