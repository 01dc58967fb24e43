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

import java.sql.SQLTransientConnectionException;

/**
 * The store cannot be used yet: the key manager is still waiting for its database at start (it keeps trying), or the
 * schema is being migrated. Answered as 503 with {@code Retry-After}, like a lost connection.
 */
public final class StoreUnavailableException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message why
     */
    public StoreUnavailableException(String message) {
        super(message, "08000");
    }
}
