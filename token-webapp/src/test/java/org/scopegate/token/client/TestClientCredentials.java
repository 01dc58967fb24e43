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
package org.scopegate.token.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuth2ErrorCodes;
import org.scopegate.token.protocol.OAuthException;

/**
 * Client credential parsing (RFC 6749 section 2.3.1).
 */
public class TestClientCredentials {

    private static String basic(String raw) {
        return "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    public void resolveWhenBasicIsUrlEncodedThenDecoded() throws Exception {
        // TEST
        ClientCredentials credentials = ClientCredentials.resolve(basic("my%3Aapp:s%2Bcr%C3%A9t+x"),
                FormParameters.of(Map.of()));

        // VERIFY
        Assertions.assertEquals("my:app", credentials.clientId());
        Assertions.assertEquals("s+cr\u00e9t x", credentials.clientSecret());
        Assertions.assertTrue(credentials.basic());
    }

    @Test
    public void resolveWhenSeedExampleThenKeyAndSecret() throws Exception {
        // TEST
        ClientCredentials credentials = ClientCredentials.resolve(
                "Basic d1U2MkRqbHlEQm5xODdHbEJ3cGxmcXZtQWJBYTprc2RTZG9lZkREUDd3cGFFbGZxdm1qRHVl", null);

        // VERIFY
        Assertions.assertEquals("wU62DjlyDBnq87GlBwplfqvmAbAa", credentials.clientId());
        Assertions.assertEquals("ksdSdoefDDP7wpaElfqvmjDue", credentials.clientSecret());
    }

    @Test
    public void resolveWhenBasicAndBodySecretThenInvalidRequest() {
        // TEST
        OAuthException e = Assertions.assertThrows(OAuthException.class, () -> ClientCredentials.resolve(
                basic("a:b"), FormParameters.of(Map.of("client_id", "a", "client_secret", "b"))));

        // VERIFY
        Assertions.assertEquals(OAuth2ErrorCodes.INVALID_REQUEST, e.getErrorCode());
    }

    @Test
    public void resolveWhenBasicAndDifferentBodyIdThenInvalidRequest() {
        // TEST
        OAuthException e = Assertions.assertThrows(OAuthException.class, () -> ClientCredentials.resolve(
                basic("a:b"), FormParameters.of(Map.of("client_id", "other"))));

        // VERIFY
        Assertions.assertEquals(OAuth2ErrorCodes.INVALID_REQUEST, e.getErrorCode());
    }

    @Test
    public void resolveWhenBodyCredentialsThenNotBasic() throws Exception {
        // TEST
        ClientCredentials credentials = ClientCredentials.resolve(null,
                FormParameters.of(Map.of("client_id", "a", "client_secret", "b")));

        // VERIFY
        Assertions.assertEquals("a", credentials.clientId());
        Assertions.assertFalse(credentials.basic());
    }

    @Test
    public void resolveWhenBodySecretMissingThenInvalidClientWithBasicChallenge() {
        // TEST
        OAuthException e = Assertions.assertThrows(OAuthException.class,
                () -> ClientCredentials.resolve(null, FormParameters.of(Map.of("client_id", "a"))));

        // VERIFY
        Assertions.assertEquals(OAuth2ErrorCodes.INVALID_CLIENT, e.getErrorCode());
        Assertions.assertTrue(e.isBasicChallenge(), "a 401 names the scheme to use (RFC 9110 section 15.5.2)");
    }

    @Test
    public void resolveWhenNothingPresentedThenNull() throws Exception {
        // TEST
        ClientCredentials credentials = ClientCredentials.resolve("Bearer abc", FormParameters.of(Map.of()));

        // VERIFY
        Assertions.assertNull(credentials);
    }

    @Test
    public void parseBasicWhenNotBase64OrNoColonThenInvalidClientWithChallenge() {
        // TEST
        OAuthException notBase64 = Assertions.assertThrows(OAuthException.class,
                () -> ClientCredentials.parseBasic("***"));
        OAuthException noColon = Assertions.assertThrows(OAuthException.class,
                () -> ClientCredentials.parseBasic(Base64.getEncoder().encodeToString("abc".getBytes())));

        // VERIFY
        Assertions.assertEquals(401, notBase64.getHttpStatus());
        Assertions.assertTrue(noColon.isBasicChallenge());
    }

    @Test
    public void toStringWhenCalledThenSecretHidden() throws Exception {
        // TEST
        String text = ClientCredentials.parseBasic(Base64.getEncoder().encodeToString("id:topsecret".getBytes()))
                .toString();

        // VERIFY
        Assertions.assertFalse(text.contains("topsecret"));
    }
}
