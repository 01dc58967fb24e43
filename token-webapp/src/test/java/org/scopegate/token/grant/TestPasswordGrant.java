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
package org.scopegate.token.grant;

import java.util.Map;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuth2ErrorCodes;
import org.scopegate.token.protocol.OAuthException;

/**
 * Parsing of the three grants.
 */
public class TestPasswordGrant {

    @Test
    public void parseWhenAllParametersThenRecord() throws Exception {
        // TEST
        PasswordGrant grant = PasswordGrant.parse(FormParameters.of(
                Map.of("grant_type", "password", "username", "alice", "password", "pw", "scope", "read")));

        // VERIFY
        Assertions.assertEquals(new PasswordGrant("alice", "pw", "read"), grant);
        Assertions.assertFalse(grant.toString().contains("pw"));
    }

    @Test
    public void parseWhenUsernameMissingThenInvalidRequest() {
        // TEST
        OAuthException e = Assertions.assertThrows(OAuthException.class,
                () -> PasswordGrant.parse(FormParameters.of(Map.of("password", "pw"))));

        // VERIFY
        Assertions.assertEquals(OAuth2ErrorCodes.INVALID_REQUEST, e.getErrorCode());
    }

    @Test
    public void parseWhenUsernameTooLongThenInvalidRequest() {
        // TEST
        OAuthException e = Assertions.assertThrows(OAuthException.class, () -> PasswordGrant.parse(
                FormParameters.of(Map.of("username", "x".repeat(129), "password", "pw"))));

        // VERIFY
        Assertions.assertEquals(OAuth2ErrorCodes.INVALID_REQUEST, e.getErrorCode());
    }

    @Test
    public void parseWhenRefreshTokenMissingThenInvalidRequest() {
        // TEST
        OAuthException e = Assertions.assertThrows(OAuthException.class,
                () -> RefreshTokenGrant.parse(FormParameters.of(Map.of("scope", "read"))));

        // VERIFY
        Assertions.assertEquals(OAuth2ErrorCodes.INVALID_REQUEST, e.getErrorCode());
    }

    @Test
    public void parseWhenRefreshTokenPresentThenRecordWithoutTokenInText() throws Exception {
        // TEST
        RefreshTokenGrant grant = RefreshTokenGrant.parse(FormParameters.of(Map.of("refresh_token", "rt123")));

        // VERIFY
        Assertions.assertEquals("rt123", grant.refreshToken());
        Assertions.assertNull(grant.scope());
        Assertions.assertFalse(grant.toString().contains("rt123"));
    }

    @Test
    public void parseWhenClientCredentialsWithScopeThenScope() throws Exception {
        // TEST
        ClientCredentialsGrant grant = ClientCredentialsGrant.parse(FormParameters.of(Map.of("scope", "a b")));

        // VERIFY
        Assertions.assertEquals("a b", grant.scope());
    }
}
