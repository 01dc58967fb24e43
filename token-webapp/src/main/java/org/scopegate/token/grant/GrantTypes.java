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
package org.scopegate.token.grant;

import java.util.Set;

/**
 * The grant type names this service supports.
 */
public final class GrantTypes {

    /** Resource owner password credentials (RFC 6749 section 4.3). */
    public static final String PASSWORD = "password";

    /** Refreshing an access token (RFC 6749 section 6). */
    public static final String REFRESH_TOKEN = "refresh_token";

    /** Client credentials (RFC 6749 section 4.4). */
    public static final String CLIENT_CREDENTIALS = "client_credentials";

    /** Every supported grant type. */
    public static final Set<String> ALL = Set.of(PASSWORD, REFRESH_TOKEN, CLIENT_CREDENTIALS);

    private GrantTypes() {
    }
}
