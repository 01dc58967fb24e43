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
package org.scopegate.token.password;

/**
 * A password that {@link PasswordPolicy} refuses; the message says why, for the person who chose it.
 */
public final class WeakPasswordException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message why the password is refused, and what to do
     */
    public WeakPasswordException(String message) {
        super(message, null, false, false);
    }
}
