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

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.apache.catalina.realm.GenericPrincipal;
import org.scopegate.valve.throttle.QuotaPolicy;

/**
 * What the token service says about one access token (RFC 7662 section 2.2, as profiled by protocol.md section 2).
 *
 * @param active    whether the token is active
 * @param username  the resource owner, or {@code null} for a client-credentials token
 * @param clientId  the application the token was issued to
 * @param scope     the granted scopes, space-separated (empty when none)
 * @param scopes    the same scopes as an unmodifiable list
 * @param expiresAt expiry in epoch seconds, or {@code 0} when the token service gave none
 * @param principal the principal handed to the webapp (name and scopes as roles), built once per answer rather
 *                  than once per request, or {@code null} for an inactive token; it is immutable, so the requests
 *                  that share a cached answer may share it
 * @param application the application whose quota the token's requests are counted against (both key sets of an
 *                  application share it), or {@code null} when the token service did not say
 * @param quota     the quota of the application's tier, or {@code null} when it has none (an unlimited tier, or a
 *                  token service that does not tell)
 */
public record TokenInfo(boolean active, String username, String clientId, String scope, List<String> scopes,
        long expiresAt, GenericPrincipal principal, String application, QuotaPolicy quota) {

    /** The answer for every inactive token: {@code {"active":false}}. */
    public static final TokenInfo INACTIVE = new TokenInfo(false, null, null, "", List.of(), 0, null, null, null);


    /**
     * Builds the answer for an active token.
     *
     * @param username  the resource owner, or {@code null}
     * @param clientId  the application
     * @param scope     space-separated scopes, or {@code null}
     * @param expiresAt epoch seconds, or {@code 0} when unknown
     *
     * @return the active answer
     */
    public static TokenInfo active(String username, String clientId, String scope, long expiresAt) {
        return active(username, clientId, scope, expiresAt, null, null);
    }


    /**
     * Builds the answer for an active token whose application has a quota.
     *
     * @param username    the resource owner, or {@code null}
     * @param clientId    the application
     * @param scope       space-separated scopes, or {@code null}
     * @param expiresAt   epoch seconds, or {@code 0} when unknown
     * @param application the application counted, or {@code null} when unknown
     * @param quota       the quota of its tier, or {@code null} for none
     *
     * @return the active answer
     */
    public static TokenInfo active(String username, String clientId, String scope, long expiresAt,
            String application, QuotaPolicy quota) {
        String s = scope == null ? "" : scope.trim();
        List<String> list = s.isEmpty() ? List.of() :
                Collections.unmodifiableList(Arrays.asList(s.split(" +")));
        String name = username != null ? username : clientId;
        GenericPrincipal principal = name == null ? null : new GenericPrincipal(name, list);
        return new TokenInfo(true, username, clientId, String.join(" ", list), list, expiresAt, principal,
                application, quota);
    }


    /**
     * @return the name the webapp sees as its remote user: the username, or the client id of a
     *         client-credentials token
     */
    public String principalName() {
        return username != null ? username : clientId;
    }


    /**
     * @param epochMillis the current time
     *
     * @return whether the token's expiry has passed
     */
    public boolean isExpiredAt(long epochMillis) {
        return expiresAt != 0 && expiresAt * 1000L <= epochMillis;
    }
}
