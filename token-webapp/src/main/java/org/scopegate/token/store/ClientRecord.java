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
 * A row of {@code oauth_client}: one key set of an application (its consumer key and the digest of its consumer
 * secret).
 *
 * @param clientId consumer key
 * @param secretDigest lowercase hex SHA-256 of the consumer secret
 * @param name display name
 * @param grantTypes grant types the application may use
 * @param canIntrospect whether it may call introspection and the revocation feed
 * @param enabled whether it may authenticate
 * @param createdAt epoch milliseconds
 * @param applicationId the application this key set belongs to
 * @param keyType {@link #PRODUCTION} or {@link #SANDBOX}
 */
public record ClientRecord(String clientId, String secretDigest, String name, Set<String> grantTypes,
        boolean canIntrospect, boolean enabled, long createdAt, long applicationId, String keyType) {

    /** The production key set of an application. */
    public static final String PRODUCTION = "PRODUCTION";

    /** The sandbox key set of an application. */
    public static final String SANDBOX = "SANDBOX";

    /**
     * @param name old or new values
     * @param grants grant types
     * @param introspect introspection flag
     * @param isEnabled enabled flag
     * @return a copy with these values
     */
    public ClientRecord with(String name, Set<String> grants, boolean introspect, boolean isEnabled) {
        return new ClientRecord(clientId, secretDigest, name, grants, introspect, isEnabled, createdAt,
                applicationId, keyType);
    }
}
