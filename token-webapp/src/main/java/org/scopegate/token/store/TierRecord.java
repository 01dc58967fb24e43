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

import java.util.Locale;

/**
 * A row of {@code oauth_throttle_tier}: a named request quota. The quota is {@code requests} requests per
 * {@code windowSeconds} seconds, at most {@code burst} of them back to back when a burst is set; a tier without
 * quota is unlimited.
 *
 * @param name the tier's name, as written by the administrator
 * @param requests requests per window, {@code 0} for an unlimited tier
 * @param windowSeconds the window in seconds, {@code 0} for an unlimited tier
 * @param burst the most requests back to back, {@code 0} when the whole quota may be spent at once
 * @param description description, may be {@code null}
 */
public record TierRecord(String name, long requests, long windowSeconds, long burst, String description) {

    /** The tier every application starts with. */
    public static final String UNLIMITED = "Unlimited";

    /**
     * @return whether the tier has no quota
     */
    public boolean isUnlimited() {
        return requests == 0;
    }

    /**
     * @param name a tier name
     * @return the key names are compared by: tier names are unique whatever their case
     */
    public static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
