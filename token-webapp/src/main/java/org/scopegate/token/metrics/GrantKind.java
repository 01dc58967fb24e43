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
package org.scopegate.token.metrics;

/**
 * The grant types the metrics tell apart: the three the service supports, and {@code other} for anything a client
 * sends (missing, unknown), so that a label never takes a value chosen by a client.
 */
public enum GrantKind {

    /** {@code password}. */
    PASSWORD("password"),
    /** {@code refresh_token}. */
    REFRESH_TOKEN("refresh_token"),
    /** {@code client_credentials}. */
    CLIENT_CREDENTIALS("client_credentials"),
    /** Missing or unsupported. */
    OTHER("other");

    private final String label;

    GrantKind(String label) {
        this.label = label;
    }

    /**
     * @return the label value
     */
    public String label() {
        return label;
    }

    /**
     * @param grantType the {@code grant_type} parameter as sent, or {@code null}
     * @return its kind
     */
    public static GrantKind of(String grantType) {
        if (grantType == null) {
            return OTHER;
        }
        switch (grantType) {
            case "password":
                return PASSWORD;
            case "refresh_token":
                return REFRESH_TOKEN;
            case "client_credentials":
                return CLIENT_CREDENTIALS;
            default:
                return OTHER;
        }
    }
}
