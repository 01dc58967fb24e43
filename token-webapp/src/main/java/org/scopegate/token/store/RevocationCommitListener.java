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
package org.scopegate.token.store;

/**
 * Told by {@link Database} when a transaction that wrote revocation events has committed (the revocation feed's
 * hub: it pushes the events to the valves and waits for their acknowledgements).
 */
@FunctionalInterface
public interface RevocationCommitListener {

    /**
     * Called on the thread that ran the transaction, after the commit and after its connection went back to the
     * pool, before {@link Database#call} returns (or throws, for work that committed its events and then failed).
     * It may block: this is where a revoking call waits until the valves have the event. It must not throw.
     *
     * @param lastEventId the id of the newest event the transaction committed
     */
    void eventsCommitted(long lastEventId);
}
