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
package org.scopegate.token.session;

/**
 * Who holds a self-service session. A user's session names the user by id and remembers the user's security
 * version at sign-in: the session counts only while that user still exists with that version (no new password, not
 * disabled since), checked against the store at each request, so it ends on every key manager at once.
 *
 * @param username the stored user name, or {@code admin} for the administrator
 * @param userId the user's id, or {@code null} for the administrator
 * @param securityVersion the user's security version at sign-in (0 for the administrator)
 * @param admin whether this is the administrator (signed in with the admin secret)
 * @param csrfToken the synchronizer token of the session
 */
public record SignedInUser(String username, Long userId, int securityVersion, boolean admin, String csrfToken) {

    /**
     * Never shows the CSRF token.
     *
     * @return the user name and kind
     */
    @Override
    public String toString() {
        return "SignedInUser[username=" + username + ", admin=" + admin + "]";
    }
}
