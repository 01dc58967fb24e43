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
package org.scopegate.token.stats;

/**
 * Tokens issued on one UTC day with one grant type, for one application.
 *
 * @param day the day as {@code yyyymmdd}
 * @param grantType the grant type
 * @param issued how many access tokens
 */
public record DailyCount(int day, String grantType, long issued) {

    /**
     * @return the day as an ISO date, {@code yyyy-mm-dd}
     */
    public String isoDay() {
        return String.format("%04d-%02d-%02d", Integer.valueOf(day / 10000), Integer.valueOf(day / 100 % 100),
                Integer.valueOf(day % 100));
    }
}
