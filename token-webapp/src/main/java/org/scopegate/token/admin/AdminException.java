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
package org.scopegate.token.admin;

/**
 * An admin API error: HTTP status, error code and description, written as
 * {@code {"error","error_description"}}.
 */
public class AdminException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    /**
     * @param status HTTP status
     * @param error error code
     * @param description human-readable description
     */
    public AdminException(int status, String error, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
    }

    /**
     * @param description what is wrong with the request
     * @return a 400 {@code invalid_request}
     */
    public static AdminException badRequest(String description) {
        return new AdminException(400, "invalid_request", description);
    }

    /**
     * @param description what was not found
     * @return a 404 {@code not_found}
     */
    public static AdminException notFound(String description) {
        return new AdminException(404, "not_found", description);
    }

    /**
     * @param description what conflicts
     * @return a 409 {@code conflict}
     */
    public static AdminException conflict(String description) {
        return new AdminException(409, "conflict", description);
    }

    /**
     * @return the HTTP status
     */
    public int getStatus() {
        return status;
    }

    /**
     * @return the error code
     */
    public String getError() {
        return error;
    }
}
