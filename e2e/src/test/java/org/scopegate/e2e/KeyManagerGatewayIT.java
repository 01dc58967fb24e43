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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.scopegate.testsupport.Poll;

/**
 * The seed's "Key Manager on a different server than the API Gateway": a key manager Tomcat 11
 * (token service, port offset 11000: the {@link SharedTomcat11}) and a gateway Tomcat 11
 * (valve + orders.war only, port offset 11200) whose valve introspects at the first, through a
 * {@link TcpRelay} so that the key manager can vanish for the gateway alone. A revocation on the key
 * manager must be refused by the gateway within 2 seconds, whatever its cache holds; a key manager that
 * is gone gives 503 with {@code Retry-After} within 2 seconds, and service resumes when it is back.
 */
@ExtendWith(SharedTomcat11.class)
class KeyManagerGatewayIT {

    private static final Duration LIMIT = Duration.ofSeconds(2);

    private static DemoServer keyManager;
    private static DemoServer gateway;
    private static TcpRelay relay;
    private static Http kmHttp;
    private static Http gwHttp;
    private static Grants grants;

    @BeforeAll
    static void start() throws Exception {
        keyManager = SharedTomcat11.server();
        relay = new TcpRelay(Integer.parseInt(keyManager.get("HTTP_PORT"))).start();
        gateway = DemoServer.startGateway("gateway", DemoServer.tomcat11(), 11200, keyManager,
                "http://127.0.0.1:" + relay.port() + "/token");
        kmHttp = new Http(keyManager);
        gwHttp = new Http(gateway);
        grants = new Grants(keyManager, kmHttp);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void gatewayHasNoTokenService() throws Exception {
        assertEquals("gateway", gateway.get("DEMO_ROLE"));
        assertEquals("https://localhost:19443/orders/42", gateway.get("PROTECTED_URL"));
        Http.Response r = gwHttp.get("https://localhost:19443/token/.well-known/oauth-authorization-server", null);
        // the valve lets /token/** through (a public rule) and nothing answers there
        assertEquals(404, r.status(), r::toString);
    }

    @Test
    void revocationReachesTheGatewayWithinTwoSeconds() throws Exception {
        String token = grants.password("read update").path("access_token").asText();
        for (int i = 0; i < 3; i++) { // warm the gateway's cache
            Http.Response ok = gwHttp.get(gateway.get("PROTECTED_URL"), token);
            assertEquals(200, ok.status(), ok::toString);
            assertEquals(keyManager.get("USERNAME"), ok.json().path("user").asText());
        }
        assertEquals(200, gwHttp.get(gateway.get("SCOPED_URL"), token).status());

        assertEquals(200, grants.revoke(token).status());
        long revokedAt = System.nanoTime(); // the revocation has committed when its answer comes
        long ms = refusedByTheGateway("the revoked token", revokedAt, token);
        System.out.printf("[e2e] revocation on the key manager refused by the gateway after %d ms (limit %d ms)%n",
                Long.valueOf(ms), Long.valueOf(LIMIT.toMillis()));
        AbstractValveIT.assertInvalidToken(gwHttp.get(gateway.get("SCOPED_URL"), token));
    }

    @Test
    void revokeAtTheKeyManagerThenUseAtTheGatewayAtOnceAThousandTimesThenNeverAdmitted() throws Exception {
        int admitted = RevokeThenUse.admittedAfterRevoke(grants, gwHttp, gateway.get("PROTECTED_URL"), 1000,
                "key manager + gateway (Tomcat " + gateway.get("TOMCAT_VERSION") + ")");
        assertEquals(0, admitted, "requests admitted at the gateway after /token/revoke answered at the key manager");
    }

    @Test
    void disabledUserReachesTheGatewayWithinTwoSeconds() throws Exception {
        String token = grants.password(keyManager.get("USERNAME2"), keyManager.get("PASSWORD2"), "read")
                .path("access_token").asText();
        assertEquals(200, gwHttp.get(gateway.get("PROTECTED_URL"), token).status());
        AbstractValveIT.assertInsufficientScope(gwHttp.get(gateway.get("SCOPED_URL"), token));

        DemoServer.Result r = keyManager.run(60, "scripts/tokenctl", "user", "disable", keyManager.get("USERNAME2"));
        long disabledAt = System.nanoTime();
        assertEquals(0, r.exit(), r.output());
        try {
            long ms = refusedByTheGateway("the disabled user's token", disabledAt, token);
            System.out.printf("[e2e] disabling a user on the key manager refused by the gateway after %d ms%n",
                    Long.valueOf(ms));
        } finally {
            // the key manager is shared with other test classes
            keyManager.run(60, "scripts/tokenctl", "user", "enable", keyManager.get("USERNAME2"));
        }
    }

    @Test
    void keyManagerGoneGives503WithRetryAfterThenServiceResumes() throws Exception {
        String token = grants.password("read").path("access_token").asText();
        assertEquals(200, gwHttp.get(gateway.get("PROTECTED_URL"), token).status());

        relay.stop(); // the key manager is gone for the gateway: port closed, connections dropped
        try {
            // the cached answer is trusted only while the revocation feed answers (revocationMaxLag 1.5 s)
            Poll.Result<Http.Response> down = Poll.within("503 from the gateway without its key manager", LIMIT,
                    () -> gwHttp.get(gateway.get("PROTECTED_URL"), token), r -> r.status() != 200);
            Http.Response r = down.value();
            System.out.printf("[e2e] key manager gone: the gateway answers %d after %d ms%n",
                    Integer.valueOf(r.status()), Long.valueOf(down.millis()));
            assertEquals(503, r.status(), r::toString);
            assertEquals("5", r.header("Retry-After"), r::toString);
            assertEquals("no-store", r.header("Cache-Control"), r::toString);
            assertEquals("temporarily_unavailable", r.json().path("error").asText(), r::toString);
            Http.Response unknown = gwHttp.get(gateway.get("PROTECTED_URL"), "A".repeat(43));
            assertEquals(503, unknown.status(), "a token the valve never saw: " + unknown);
            assertEquals("5", unknown.header("Retry-After"), unknown::toString);
            assertEquals(200, gwHttp.get(gateway.get("HEALTH_URL"), null).status(), "public resources still pass");
        } finally {
            relay.start();
        }
        Poll.within("the gateway admits the token again once its key manager is back", Duration.ofSeconds(10),
                () -> gwHttp.get(gateway.get("PROTECTED_URL"), token), r -> r.status() == 200);
    }

    private static long refusedByTheGateway(String what, long sinceNanos, String token) throws Exception {
        Poll.Result<Http.Response> r = Poll.within(what + " refused by the gateway", LIMIT, sinceNanos,
                () -> gwHttp.get(gateway.get("PROTECTED_URL"), token), answer -> answer.status() != 200);
        AbstractValveIT.assertInvalidToken(r.value());
        return r.millis();
    }
}
