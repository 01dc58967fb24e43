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

/**
 * Validates tokens and reads the revocation feed. The one job of an implementation is to ask the source of truth
 * (the token service over HTTP, or the store through JNDI); caching and polling are done elsewhere.
 */
public interface TokenIntrospector {

    /**
     * Asks whether a token is active and what it holds.
     *
     * @param token  the token as sent by the client
     * @param digest its SHA-256, already computed by the caller
     *
     * @return the answer; {@link TokenInfo#INACTIVE} for anything inactive
     *
     * @throws IntrospectionException when no answer can be had
     */
    TokenInfo introspect(String token, TokenDigest digest) throws IntrospectionException;


    /**
     * Reads the revocation feed.
     *
     * @param after the cursor of the last event seen, or {@code -1} to ask only for the current cursor
     *
     * @return the events after the cursor, at most {@link RevocationBatch#MAX_EVENTS}
     *
     * @throws IntrospectionException when the feed cannot be read
     */
    RevocationBatch revocations(long after) throws IntrospectionException;


    /**
     * @return a description of the source for log lines, free of secrets
     */
    String describe();
}
