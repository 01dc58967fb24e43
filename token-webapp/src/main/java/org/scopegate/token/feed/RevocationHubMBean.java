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

/**
 * The key manager's side of the pushed revocation feed over JMX:
 * {@code org.scopegate:type=RevocationFeed,context="/token"}.
 */
public interface RevocationHubMBean {

    /**
     * @return streams (valves) open now
     */
    int getStreamCount();

    /**
     * @return streams opened since start
     */
    long getOpenedCount();

    /**
     * @return streams closed by the key manager: no acknowledgement in time, too slow, credentials revoked
     */
    long getDroppedCount();

    /**
     * @return acknowledgements received
     */
    long getAcknowledgementCount();

    /**
     * @return revoking calls that waited for acknowledgements
     */
    long getWaitCount();

    /**
     * @return revoking calls whose wait ended with the timeout
     */
    long getWaitTimeoutCount();

    /**
     * @return the time revoking calls spent waiting for acknowledgements, in ms
     */
    long getWaitMillis();

    /**
     * @return the newest event pushed, {@code -1} when none yet
     */
    long getHead();
}
