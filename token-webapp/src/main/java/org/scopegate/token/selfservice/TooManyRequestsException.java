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
package org.scopegate.token.selfservice;

import org.scopegate.token.admin.AdminException;

/**
 * 429 {@code too_many_requests}: a client address over its limit ({@link AddressRateLimiter}); the answer carries
 * {@code Retry-After}.
 */
public final class TooManyRequestsException extends AdminException {

    private static final long serialVersionUID = 1L;

    private final long retryAfterSeconds;

    /**
     * @param retryAfterSeconds seconds after which the address may try again
     * @param description what was refused
     */
    public TooManyRequestsException(long retryAfterSeconds, String description) {
        super(429, "too_many_requests", description);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * @return seconds for {@code Retry-After}
     */
    public long getRetryAfterSeconds() {
        return retryAfterSeconds;
    }
}
