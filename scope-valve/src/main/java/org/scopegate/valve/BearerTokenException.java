/*
 * Copyright the ScopeGate authors.
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
package org.scopegate.valve;

/**
 * Thrown by the {@link BearerTokenResolver} when a request's token cannot be read; carries the answer to give.
 */
public class BearerTokenException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient BearerTokenError error;


    /**
     * @param error the answer to give
     */
    public BearerTokenException(BearerTokenError error) {
        super(error.getDescription());
        this.error = error;
    }


    /**
     * @return the answer to give
     */
    public BearerTokenError getError() {
        return error;
    }
}
