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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.scopegate.token.admin.AdminException;

/**
 * The rules of self sign-up: a user name of {@code [A-Za-z0-9._@-]{3,64}} other than the reserved {@code admin}
 * (compared without case); a password of at least the configured length that neither is nor contains the user name
 * (without case) and is not in the list of common passwords shipped with the webapp.
 */
public final class SignupPolicy {

    /** Reserved user name: the administrator signs in with it and the admin secret. */
    public static final String RESERVED = "admin";

    /** Longest password accepted (as the password grant). */
    public static final int MAX_PASSWORD = 1024;

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{3,64}");
    private static final String COMMON_PASSWORDS = "common-passwords.txt";

    private final int minLength;
    private final Set<String> common;

    /**
     * @param minLength shortest password accepted
     */
    public SignupPolicy(int minLength) {
        this.minLength = minLength;
        this.common = loadCommonPasswords();
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
        if (password == null || password.length() < minLength) {
            throw weak("The password must have at least " + minLength + " characters");
        }
        if (password.length() > MAX_PASSWORD) {
            throw weak("The password must have at most " + MAX_PASSWORD + " characters");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (lower.contains(username.toLowerCase(Locale.ROOT))) {
            throw weak("The password must not contain the user name");
        }
        if (common.contains(lower)) {
            throw weak("This password is one of the most common ones: choose another one");
        }
    }

    /**
     * @return the shortest password accepted
     */
    public int getMinLength() {
        return minLength;
    }

    private static AdminException weak(String description) {
        return new AdminException(400, "weak_password", description);
    }

    private static Set<String> loadCommonPasswords() {
        Set<String> result = new HashSet<>();
        try (InputStream in = SignupPolicy.class.getResourceAsStream(COMMON_PASSWORDS)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + COMMON_PASSWORDS);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                String entry = line.trim();
                if (!entry.isEmpty() && !entry.startsWith("#")) {
                    result.add(entry.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(result);
    }
}
