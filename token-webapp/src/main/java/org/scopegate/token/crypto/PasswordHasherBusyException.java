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
package org.scopegate.token.crypto;

/**
 * A password could not be hashed because too many hashes wait already, or because the wait for a free processor
 * lasted too long. Nothing was hashed; the caller answers 503 with {@code Retry-After}.
 */
public final class PasswordHasherBusyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int retryAfterSeconds;

    /**
     * @param retryAfterSeconds seconds after which a retry is sensible
     */
    public PasswordHasherBusyException(int retryAfterSeconds) {
        super("Too many password checks at once", null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * @return seconds after which a retry is sensible, for {@code Retry-After}
     */
    public int getRetryAfterSeconds() {
        return retryAfterSeconds;
    }
}
