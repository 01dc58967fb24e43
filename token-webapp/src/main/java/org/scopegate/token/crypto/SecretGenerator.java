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

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random tokens, consumer secrets and consumer keys from {@link SecureRandom}, written as base64url without
 * padding.
 */
public final class SecretGenerator {

    private static final int SECRET_BYTES = 32;
    private static final int CLIENT_ID_BYTES = 21;

    private final SecureRandom random = new SecureRandom();
    private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

    /**
     * @return a 256-bit secret (43 characters): an access token, a refresh token or a consumer secret
     */
    public String newSecret() {
        return next(SECRET_BYTES);
    }

    /**
     * @return a 168-bit consumer key (28 characters)
     */
    public String newClientId() {
        return next(CLIENT_ID_BYTES);
    }

    /**
     * @param length number of random bytes
     * @return that many random bytes
     */
    public byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private String next(int bytes) {
        return encoder.encodeToString(randomBytes(bytes));
    }
}
