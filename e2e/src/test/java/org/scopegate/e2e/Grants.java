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
package org.scopegate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The OAuth calls of the tests, made as the README's curl commands make them.
 */
public final class Grants {

    private final DemoServer server;
    private final Http http;

    /**
     * @param server the key manager
     * @param http a client trusting it
     */
    public Grants(DemoServer server, Http http) {
        this.server = server;
        this.http = http;
    }

    /** The demo application's Basic header value. */
    public String basic() {
        return Http.basic(server.get("CLIENT_ID"), server.get("CLIENT_SECRET"));
    }

    /** The second application's Basic header value. */
    public String basic2() {
        return Http.basic(server.get("CLIENT2_ID"), server.get("CLIENT2_SECRET"));
    }

    /**
     * Password grant for the demo user.
     *
     * @param scope requested scope, or null for none
     * @return the token answer (asserted 200)
     * @throws Exception on I/O failure
     */
    public JsonNode password(String scope) throws Exception {
        return password(server.get("USERNAME"), server.get("PASSWORD"), scope);
    }

    /**
     * Password grant.
     *
     * @param user user name
     * @param password password
     * @param scope requested scope, or null for none
     * @return the token answer (asserted 200)
     * @throws Exception on I/O failure
     */
    public JsonNode password(String user, String password, String scope) throws Exception {
        String body = "grant_type=password&username=" + Http.form(user) + "&password=" + Http.form(password)
                + (scope == null ? "" : "&scope=" + Http.form(scope));
        Http.Response r = http.postForm(server.get("TOKEN_URL"), basic(), body);
        assertEquals(200, r.status(), () -> "password grant: " + r);
        return r.json();
    }

    /**
     * Refresh grant for the demo application: a new access token, and the next refresh token of the family.
     *
     * @param refreshToken the current refresh token
     * @return the token answer (asserted 200)
     * @throws Exception on I/O failure
     */
    public JsonNode refresh(String refreshToken) throws Exception {
        Http.Response r = http.postForm(server.get("TOKEN_URL"), basic(),
                "grant_type=refresh_token&refresh_token=" + Http.form(refreshToken));
        assertEquals(200, r.status(), () -> "refresh grant: " + r);
        return r.json();
    }

    /**
     * RFC 7009 revocation by the demo application.
     *
     * @param token the token
     * @return the answer
     * @throws Exception on I/O failure
     */
    public Http.Response revoke(String token) throws Exception {
        return http.postForm(server.get("REVOKE_URL"), basic(), "token=" + Http.form(token));
    }

    /**
     * RFC 7662 introspection by the demo's introspecting application.
     *
     * @param token the token
     * @return the answer (asserted 200)
     * @throws Exception on I/O failure
     */
    public JsonNode introspect(String token) throws Exception {
        Http.Response r = http.postForm(server.get("INTROSPECT_URL"),
                Http.basic(server.get("INTROSPECT_CLIENT_ID"), server.get("INTROSPECT_CLIENT_SECRET")),
                "token=" + Http.form(token));
        assertEquals(200, r.status(), () -> "introspection: " + r);
        return r.json();
    }
}
