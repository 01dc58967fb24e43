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
package org.scopegate.token.throttle;

import org.scopegate.common.store.QuotaCountStore;
import org.scopegate.token.store.TierStore;

/**
 * The throttling parts of the token service: the tiers (request quotas given to applications, enforced by the
 * scope valves), the counts the valves of several gateways share, and the token endpoint's own rate limits.
 *
 * @param tiers the tiers and the tier of each application
 * @param quotaCounts the requests the gateways served per counter and window
 * @param grantLimiter the rate limits of the password and client-credentials grants
 */
public record Throttling(TierStore tiers, QuotaCountStore quotaCounts, GrantRateLimiter grantLimiter) {
}
