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

import jakarta.servlet.http.HttpServletResponse;

/**
 * What the throttle decided for one request, and the fields that tell the client: {@code RateLimit-Policy} and
 * {@code RateLimit} (draft-ietf-httpapi-ratelimit-headers) on every answer, {@code Retry-After} on a refusal.
 *
 * @param allowed     whether the request may pass
 * @param policyField the {@code RateLimit-Policy} value
 * @param limitField  the {@code RateLimit} value
 * @param retryAfter  seconds before a refused request may succeed; {@code 0} when allowed
 */
public record ThrottleDecision(boolean allowed, String policyField, String limitField, long retryAfter) {

    /** Header name. */
    public static final String RATE_LIMIT_POLICY = "RateLimit-Policy";

    /** Header name. */
    public static final String RATE_LIMIT = "RateLimit";

    /** Header name. */
    public static final String RETRY_AFTER = "Retry-After";


    /**
     * Sets the fields on the response.
     *
     * @param response the response, not committed yet
     */
    public void writeHeaders(HttpServletResponse response) {
        response.setHeader(RATE_LIMIT_POLICY, policyField);
        response.setHeader(RATE_LIMIT, limitField);
        if (!allowed) {
            response.setHeader(RETRY_AFTER, Long.toString(retryAfter));
        }
    }
}
