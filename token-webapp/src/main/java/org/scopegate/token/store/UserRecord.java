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
 * A row of {@code oauth_user} with its roles. What belongs to a user (applications, tokens, sessions) refers to its
 * {@code id}, never to its name: a new user with the name of a deleted one inherits nothing.
 *
 * @param id the surrogate key, never reused
 * @param username the name as typed when created
 * @param passwordHash PHC string
 * @param enabled whether the user may log in
 * @param failedLogins failed logins in a row since the last success or lock
 * @param lockCount locks since the last successful login or unlock
 * @param lockedUntil epoch milliseconds until which the account is locked (0 when never)
 * @param createdAt epoch milliseconds
 * @param securityVersion changes when the password changes or the user is disabled: a session or a grant that began
 *            with another version no longer counts
 * @param roles role names
 */
public record UserRecord(long id, String username, String passwordHash, boolean enabled, int failedLogins,
        int lockCount, long lockedUntil, long createdAt, int securityVersion, Set<String> roles) {
}
