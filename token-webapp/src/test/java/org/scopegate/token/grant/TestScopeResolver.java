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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.token.protocol.OAuth2ErrorCodes;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.ScopeRecord;

/**
 * Scope parsing and resolution.
 */
public class TestScopeResolver {

    private static final Map<String, ScopeRecord> SCOPES = new LinkedHashMap<>();

    static {
        SCOPES.put("default", new ScopeRecord("default", null, Set.of()));
        SCOPES.put("read", new ScopeRecord("read", null, Set.of("reader", "writer")));
        SCOPES.put("update", new ScopeRecord("update", null, Set.of("writer")));
        SCOPES.put("open", new ScopeRecord("open", null, Set.of()));
    }

    private final ScopeResolver resolver = new ScopeResolver("default");

    @Test
    public void parseWhenRunsOfSpacesThenTokensInOrder() throws Exception {
        // TEST
        Set<String> scopes = ScopeResolver.parse("  update  read update ");

        // VERIFY
        Assertions.assertEquals(List.of("update", "read"), List.copyOf(scopes));
    }

    @Test
    public void parseWhenQuoteOrBackslashOrNonAsciiThenInvalidScope() {
        // TEST
        OAuthException quote = Assertions.assertThrows(OAuthException.class, () -> ScopeResolver.parse("a\"b"));
        OAuthException backslash = Assertions.assertThrows(OAuthException.class, () -> ScopeResolver.parse("a\\b"));
        OAuthException accent = Assertions.assertThrows(OAuthException.class, () -> ScopeResolver.parse("caf\u00e9"));

        // VERIFY
        Assertions.assertEquals(OAuth2ErrorCodes.INVALID_SCOPE, quote.getErrorCode());
        Assertions.assertEquals(OAuth2ErrorCodes.INVALID_SCOPE, backslash.getErrorCode());
        Assertions.assertEquals(OAuth2ErrorCodes.INVALID_SCOPE, accent.getErrorCode());
    }

    @Test
    public void resolveWhenRolesAllowSomeThenOnlyThoseInRequestOrder() throws Exception {
        // TEST
        String scope = resolver.resolve(ScopeResolver.parse("update read open unknown"), Set.of("reader"), SCOPES);

        // VERIFY
        Assertions.assertEquals("read open", scope);
    }

    @Test
    public void resolveWhenNothingAllowedThenDefault() throws Exception {
        // TEST
        String scope = resolver.resolve(ScopeResolver.parse("update unknown"), Set.of("reader"), SCOPES);

        // VERIFY
        Assertions.assertEquals("default", scope);
    }

    @Test
    public void resolveWhenNothingRequestedThenDefault() {
        // TEST
        String scope = resolver.resolve(Set.of(), Set.of("writer"), SCOPES);

        // VERIFY
        Assertions.assertEquals("default", scope);
    }

    @Test
    public void resolveWhenCaseDiffersThenNotGranted() throws Exception {
        // TEST
        String scope = resolver.resolve(ScopeResolver.parse("Read"), Set.of("reader"), SCOPES);

        // VERIFY
        Assertions.assertEquals("default", scope);
    }
}
