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

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done with one pooled connection.
 *
 * @param <T> the result
 * @param <X> a checked exception the work may throw besides {@link SQLException}
 */
@FunctionalInterface
public interface ConnectionWork<T, X extends Exception> {

    /**
     * @param connection a connection with auto-commit off
     * @return the result
     * @throws SQLException on a database failure
     * @throws X on a failure of the work itself
     */
    T apply(Connection connection) throws SQLException, X;
}
