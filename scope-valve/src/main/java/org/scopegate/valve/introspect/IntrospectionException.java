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
package org.scopegate.valve.introspect;

/**
 * The token service (or the store) could not give an answer: unreachable, too slow, a status other than 200, or a
 * body that is not the expected JSON. The valve turns it into 503; it is never a pass.
 */
public class IntrospectionException extends Exception {

    private static final long serialVersionUID = 1L;


    /**
     * @param message what went wrong, free of any token or secret
     */
    public IntrospectionException(String message) {
        super(message);
    }


    /**
     * @param message what went wrong, free of any token or secret
     * @param cause   the underlying failure
     */
    public IntrospectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
