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

import org.scopegate.valve.metrics.DurationObserver;

/**
 * What keeps the cache honest, as the {@link TokenValidator} sees it: whether cached answers may be used now,
 * whether an answer may be cached at all, and a number that changes with every eviction. Implemented by the
 * polled feed ({@link RevocationFeedPoller}) and by the pushed feeds of the key managers
 * ({@code org.scopegate.valve.feed.KeyManagerFeeds}).
 */
public interface RevocationFeed {

    /**
     * Starts following the feed, once; called on the request path, so cheap after the first call. Never at
     * start-up: the token service may not be deployed yet.
     */
    void ensureStarted();


    /**
     * @return whether cached answers may be used now
     */
    boolean isCacheTrusted();


    /**
     * @return whether a cursor of the feed is known, which is required before anything may be cached (every event
     *         after it will be applied)
     */
    boolean hasCursor();


    /**
     * @return a number that changes whenever an eviction is applied
     */
    long epoch();


    /**
     * @return the newest event applied, {@code -1} before the first
     */
    long getCursor();


    /**
     * Sends the lag of each event applied from now on (now less the event's time at the token service) to a
     * histogram.
     *
     * @param observer the histogram, or {@code null} for none
     */
    void observeLagWith(DurationObserver observer);


    /**
     * Stops following the feed.
     */
    void stop();
}
