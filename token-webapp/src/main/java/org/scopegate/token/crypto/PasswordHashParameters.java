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
package org.scopegate.token.crypto;

/**
 * The configured cost of new password hashes.
 *
 * @param algorithm {@code argon2id} or {@code pbkdf2}
 * @param argon2MemoryKiB Argon2 memory in KiB
 * @param argon2Iterations Argon2 passes
 * @param argon2Parallelism Argon2 lanes
 * @param pbkdf2Iterations PBKDF2-HMAC-SHA256 iterations
 */
public record PasswordHashParameters(String algorithm, int argon2MemoryKiB, int argon2Iterations,
        int argon2Parallelism, int pbkdf2Iterations) {

    /** Name of the Argon2id algorithm, as configured and as written in the PHC string. */
    public static final String ARGON2ID = "argon2id";

    /** Name of the PBKDF2 algorithm as configured. */
    public static final String PBKDF2 = "pbkdf2";

    /**
     * @return OWASP's first Argon2id setting: m=19456 KiB, t=2, p=1 (and 600,000 PBKDF2 iterations)
     */
    public static PasswordHashParameters defaults() {
        return new PasswordHashParameters(ARGON2ID, 19456, 2, 1, 600_000);
    }
}
