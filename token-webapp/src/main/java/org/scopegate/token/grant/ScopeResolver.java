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

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.ScopeRecord;

/**
 * Decides the scope of a token: the requested scopes that exist and that the user's roles allow (a scope without
 * roles is open to every user); with nothing left, the configured default scope. Scope strings are
 * space-separated and case-sensitive (RFC 6749 section 3.3).
 */
public final class ScopeResolver {

    /** Longest scope parameter accepted (the width of {@code oauth_token.scope}). */
    public static final int MAX_SCOPE_LENGTH = 2000;

    private final String defaultScope;

    /**
     * @param defaultScope scope given when nothing requested is allowed
     */
    public ScopeResolver(String defaultScope) {
        this.defaultScope = defaultScope;
    }

    /**
     * Parses a scope parameter. Runs of spaces count as one separator.
     *
     * @param scope the parameter, or {@code null}
     * @return the scope tokens in request order, empty for {@code null}
     * @throws OAuthException {@code invalid_scope} when a character is outside
     *             {@code %x21 / %x23-5B / %x5D-7E} or the string is too long
     */
    public static Set<String> parse(String scope) throws OAuthException {
        if (scope == null) {
            return Collections.emptySet();
        }
        if (scope.length() > MAX_SCOPE_LENGTH) {
            throw OAuthException.invalidScope("The scope is too long");
        }
        Set<String> tokens = new LinkedHashSet<>();
        int start = -1;
        for (int i = 0; i <= scope.length(); i++) {
            char ch = i < scope.length() ? scope.charAt(i) : ' ';
            if (ch == ' ') {
                if (start >= 0) {
                    tokens.add(scope.substring(start, i));
                    start = -1;
                }
            } else if (ch == 0x21 || (ch >= 0x23 && ch <= 0x5B) || (ch >= 0x5D && ch <= 0x7E)) {
                if (start < 0) {
                    start = i;
                }
            } else {
                throw OAuthException.invalidScope("The scope contains a character that is not allowed");
            }
        }
        return tokens;
    }

    /**
     * @param requested parsed requested scopes
     * @param roles the user's roles (empty for client credentials: only open scopes)
     * @param scopes every known scope
     * @return the granted scope, space-separated, never empty
     */
    public String resolve(Set<String> requested, Set<String> roles, Map<String, ScopeRecord> scopes) {
        StringBuilder granted = new StringBuilder();
        for (String name : requested) {
            ScopeRecord scope = scopes.get(name);
            if (scope != null && allows(scope, roles)) {
                if (granted.length() > 0) {
                    granted.append(' ');
                }
                granted.append(name);
            }
        }
        return granted.length() == 0 ? defaultScope : granted.toString();
    }

    /**
     * @return the configured default scope
     */
    public String getDefaultScope() {
        return defaultScope;
    }

    private static boolean allows(ScopeRecord scope, Set<String> roles) {
        if (scope.roles().isEmpty()) {
            return true;
        }
        for (String role : scope.roles()) {
            if (roles.contains(role)) {
                return true;
            }
        }
        return false;
    }
}
