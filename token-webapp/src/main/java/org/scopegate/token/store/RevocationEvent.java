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

/**
 * A row of {@code oauth_revocation_event} (protocol.md section 3).
 *
 * @param id cursor value
 * @param type {@link #TOKEN}, {@link #CLIENT} or {@link #USER}
 * @param value token digest, consumer key or user name
 * @param createdAt when it was written, epoch milliseconds (the valves measure their feed lag from it)
 */
public record RevocationEvent(long id, String type, String value, long createdAt) {

    /** An access token was revoked; the value is its digest. */
    public static final String TOKEN = "token";

    /** Every token of an application was revoked; the value is its consumer key. */
    public static final String CLIENT = "client";

    /** Every token of a user was revoked; the value is the user name. */
    public static final String USER = "user";
}
