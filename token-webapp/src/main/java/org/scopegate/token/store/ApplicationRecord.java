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

import java.util.Set;

/**
 * A row of {@code oauth_application}: what a developer registers, holding up to two key sets
 * ({@link ClientRecord#PRODUCTION} and {@link ClientRecord#SANDBOX}).
 *
 * @param id identity
 * @param name display name
 * @param ownerId the id of the user who owns it, or {@code null} (the administrator's)
 * @param owner that user's name, for display, or {@code null}
 * @param grantTypes grant types its key sets may use
 * @param createdAt epoch milliseconds
 */
public record ApplicationRecord(long id, String name, Long ownerId, String owner, Set<String> grantTypes,
        long createdAt) {
}
