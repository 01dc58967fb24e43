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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.Poll;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The scope valve in {@code server.xml} of a real Tomcat distribution, in front of the sample
 * webapp {@code /orders} that knows nothing of OAuth, with the demo's rules:
 * {@code /orders/health} public, {@code GET /orders/audit/**} and {@code POST /orders/**} need
 * {@code update}, {@code GET /orders/**} needs {@code read}. Subclasses use the shared Tomcat 11 and 10.1.
 */
abstract class AbstractValveIT {

    protected static DemoServer server;
    protected static Http http;
    protected static Grants grants;

    /** Uses a running demo (a shared one: it is not stopped here). */
    static void use(DemoServer running) throws Exception {
        server = running;
        http = new Http(server);
        grants = new Grants(server, http);
    }

    @AfterAll
    static void forgetServer() {
        server = null;
    }

    private static String ordersUrl() {
        return server.get("ORDERS_URL");
    }

    @Test
    void readTokenGetsReadResourcesOnly() throws Exception {
        String token = grants.password("read").path("access_token").asText();

        Http.Response ok = http.get(server.get("PROTECTED_URL"), token);
        assertEquals(200, ok.status(), ok::toString);
        JsonNode who = ok.json();
        assertEquals(server.get("USERNAME"), who.path("user").asText(), who::toString);
        assertEquals(server.get("USERNAME"), who.path("principal").asText(), who::toString);
        assertEquals("BEARER", who.path("authType").asText(), who::toString);
        assertTrue(who.path("roles").path("read").asBoolean(), who::toString);
        assertFalse(who.path("roles").path("update").asBoolean(), who::toString);
        assertEquals(server.get("CLIENT_ID"), who.path("clientId").asText(), who::toString);
        assertEquals("read", who.path("scopes").asText(), who::toString);
        long exp = who.path("expiresAt").asLong();
        long now = System.currentTimeMillis() / 1000;
        assertTrue(exp > now + 3000 && exp <= now + 3700, who::toString);

        assertInsufficientScope(http.get(server.get("SCOPED_URL"), token));
        assertInsufficientScope(http.post(ordersUrl(), token));
    }

    @Test
    void readUpdateTokenGetsEverything() throws Exception {
        String token = grants.password("read update").path("access_token").asText();
        Http.Response get = http.get(server.get("PROTECTED_URL"), token);
        assertEquals(200, get.status(), get::toString);
        assertTrue(get.json().path("roles").path("update").asBoolean(), get::toString);
        Http.Response audit = http.get(server.get("SCOPED_URL"), token);
        assertEquals(200, audit.status(), audit::toString);
        assertEquals(server.get("USERNAME"), audit.json().path("user").asText());
        Http.Response post = http.post(ordersUrl(), token);
        assertEquals(200, post.status(), post::toString);
        assertEquals(server.get("USERNAME"), post.json().path("createdBy").asText(), post::toString);
    }

    @Test
    void revokedTokenIsRefusedEverywhere() throws Exception {
        String token = grants.password("read update").path("access_token").asText();
        assertEquals(200, http.get(server.get("PROTECTED_URL"), token).status()); // now cached by the valve
        assertEquals(200, http.get(server.get("SCOPED_URL"), token).status());
        assertEquals(200, grants.revoke(token).status());
        long revokedAt = System.nanoTime(); // the revocation has committed when its answer comes
        Poll.Result<Http.Response> refused = Poll.within("the revoked token refused by the valve",
                Duration.ofSeconds(2), revokedAt, () -> http.get(server.get("PROTECTED_URL"), token),
                r -> r.status() != 200);
        System.out.printf("[e2e] %s: revocation reached the valve on the same Tomcat in %d ms%n",
                server.get("TOMCAT_VERSION"), Long.valueOf(refused.millis()));
        assertInvalidToken(refused.value());
        assertInvalidToken(http.get(server.get("SCOPED_URL"), token));
        assertInvalidToken(http.post(ordersUrl(), token));
        assertInvalidToken(http.get(server.get("ASYNC_URL"), token));
    }

    @Test
    void revokeThenUseAtOnceAThousandTimesThenNeverAdmitted() throws Exception {
        int admitted = RevokeThenUse.admittedAfterRevoke(grants, http, server.get("PROTECTED_URL"), 1000,
                "Tomcat " + server.get("TOMCAT_VERSION") + ", valve on the key manager");
        assertEquals(0, admitted, "requests admitted after /token/revoke answered");
    }

    @Test
    void noTokenGetsABareBearerChallenge() throws Exception {
        for (Http.Response r : new Http.Response[] {http.get(server.get("PROTECTED_URL"), null),
                http.get(server.get("SCOPED_URL"), null), http.post(ordersUrl(), null)}) {
            assertEquals(401, r.status(), r::toString);
            String c = r.header("WWW-Authenticate");
            assertNotNull(c, r::toString);
            assertTrue(c.startsWith("Bearer realm=\""), c);
            assertFalse(c.contains("error="), c);
        }
    }

    @Test
    void unknownTokenIsInvalidToken() throws Exception {
        assertInvalidToken(http.get(server.get("PROTECTED_URL"), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    }

    @Test
    void malformedAuthorizationIsInvalidRequest() throws Exception {
        Http.Response r = http.request("GET", server.get("PROTECTED_URL"), "Authorization", "Bearer two tokens");
        assertEquals(400, r.status(), r::toString);
        String c = r.header("WWW-Authenticate");
        assertNotNull(c, r::toString);
        assertTrue(c.startsWith("Bearer realm=\"") && c.contains("error=\"invalid_request\""), c);
        assertEquals("invalid_request", r.json().path("error").asText(), r::toString);
    }

    @Test
    void healthIsPublic() throws Exception {
        Http.Response r = http.get(server.get("HEALTH_URL"), null);
        assertEquals(200, r.status(), r::toString);
        assertEquals("UP", r.json().path("status").asText());
    }

    @Test
    void asyncServletWorksBehindTheValve() throws Exception {
        String token = grants.password("read").path("access_token").asText();
        Http.Response r = http.get(server.get("ASYNC_URL"), token);
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.json().path("async").asBoolean(), r::toString);
        assertEquals(server.get("USERNAME"), r.json().path("user").asText(), r::toString);
        assertEquals("BEARER", r.json().path("authType").asText(), r::toString);
    }

    @Test
    void tokenServiceStaysReachableThroughTheValve() throws Exception {
        // the rules make /token/** public: clients authenticate to it with their own credentials
        assertEquals(200, http.get(server.get("METADATA_URL"), null).status());
    }

    static void assertInsufficientScope(Http.Response r) {
        assertEquals(403, r.status(), r::toString);
        String c = r.header("WWW-Authenticate");
        assertNotNull(c, r::toString);
        assertTrue(c.startsWith("Bearer "), c);
        assertTrue(c.contains("error=\"insufficient_scope\""), c);
        assertTrue(c.contains("scope=\"update\""), c);
    }

    static void assertInvalidToken(Http.Response r) {
        assertEquals(401, r.status(), r::toString);
        String c = r.header("WWW-Authenticate");
        assertNotNull(c, r::toString);
        assertTrue(c.startsWith("Bearer "), c);
        assertTrue(c.contains("error=\"invalid_token\""), c);
    }
}
