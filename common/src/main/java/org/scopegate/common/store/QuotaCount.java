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
package org.scopegate.common.store;

/**
 * One counter's count in {@code oauth_quota_count}, as a gateway reports it and as the shared count answers it.
 *
 * @param key         the counter: an application, or an application on a rule of a valve's rules file
 * @param windowStart the window, epoch milliseconds of its start
 * @param requests    requests served (added, in a report; in total, in an answer)
 */
public record QuotaCount(String key, long windowStart, long requests) {
}
