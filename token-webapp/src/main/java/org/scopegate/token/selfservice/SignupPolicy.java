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
package org.scopegate.token.selfservice;

import java.util.regex.Pattern;

import org.scopegate.token.admin.AdminException;
import org.scopegate.token.password.PasswordPolicy;
import org.scopegate.token.password.WeakPasswordException;

/**
 * The rules of self sign-up: a user name of {@code [A-Za-z0-9._@-]{3,64}} other than the reserved {@code admin}
 * (compared without case), and a password that {@link PasswordPolicy} accepts, as for every password set.
 */
public final class SignupPolicy {

    /** Reserved user name: the administrator signs in with it and the admin secret. */
    public static final String RESERVED = "admin";

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{3,64}");

    private final PasswordPolicy passwords;

    /**
     * @param minLength shortest password accepted
     */
    public SignupPolicy(int minLength) {
        this.passwords = new PasswordPolicy(minLength);
    }

    /**
     * @param username the requested user name
     * @throws AdminException 400 {@code invalid_username} with the reason
     */
    public void checkUsername(String username) throws AdminException {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new AdminException(400, "invalid_username", "The user name must be 3 to 64 characters: letters, "
                    + "digits, dot, underscore, at sign or hyphen");
        }
        if (RESERVED.equalsIgnoreCase(username)) {
            throw new AdminException(400, "invalid_username", "This user name is reserved: choose another one");
        }
    }

    /**
     * @param username the (valid) user name
     * @param password the requested password
     * @throws AdminException 400 {@code weak_password} with the reason
     */
    public void checkPassword(String username, String password) throws AdminException {
        try {
            passwords.check(username, password);
        } catch (WeakPasswordException e) {
            throw new AdminException(400, "weak_password", e.getMessage());
        }
    }

    /**
     * @return the shortest password accepted
     */
    public int getMinLength() {
        return passwords.getMinLength();
    }
}
