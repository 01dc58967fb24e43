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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed's "Key Manager on a different server than the API Gateway": a key manager Tomcat 11
 * (token service, port offset 11000: the {@link SharedTomcat11}) and a gateway Tomcat 11
 * (valve + orders.war only, port offset 11200) whose valve introspects at the first. A revocation
 * on the key manager must be refused by the gateway within 2 seconds, whatever its cache holds.
 */
@ExtendWith(SharedTomcat11.class)
class KeyManagerGatewayIT {

    private static final long LIMIT_MS = 2000;

    private static DemoServer keyManager;
    private static DemoServer gateway;
    private static Http kmHttp;
    private static Http gwHttp;
    private static Grants grants;

    @BeforeAll
    static void start() throws Exception {
        keyManager = SharedTomcat11.server();
        gateway = DemoServer.startGateway("gateway", DemoServer.tomcat11(), 11200, keyManager);
        kmHttp = new Http(keyManager);
        gwHttp = new Http(gateway);
        grants = new Grants(keyManager, kmHttp);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void gatewayHasNoTokenService() throws Exception {
        assertEquals("gateway", gateway.get("DEMO_ROLE"));
        assertEquals("https://localhost:19443/orders/42", gateway.get("PROTECTED_URL"));
        Http.Response r = gwHttp.get("https://localhost:19443/token/.well-known/oauth-authorization-server", null);
        assertTrue(r.status() == 404 || r.status() == 403 || r.status() == 401, r::toString);
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
        long ms = untilRefused(token);
        System.out.printf("[e2e] revocation on the key manager refused by the gateway after %d ms (limit %d ms)%n",
                Long.valueOf(ms), Long.valueOf(LIMIT_MS));
        assertTrue(ms <= LIMIT_MS, "the gateway still accepted the revoked token after " + ms + " ms");
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
        assertEquals(0, r.exit(), r.output());
        try {
            long ms = untilRefused(token);
            System.out.printf("[e2e] disabling a user on the key manager refused by the gateway after %d ms%n",
                    Long.valueOf(ms));
            assertTrue(ms <= LIMIT_MS, "the gateway still accepted the disabled user's token after " + ms + " ms");
        } finally {
            // the key manager is shared with other test classes
            keyManager.run(60, "scripts/tokenctl", "user", "enable", keyManager.get("USERNAME2"));
        }
    }

    private static long untilRefused(String token) throws Exception {
        long t0 = System.nanoTime();
        while (true) {
            Http.Response r = gwHttp.get(gateway.get("PROTECTED_URL"), token);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (r.status() != 200) {
                AbstractValveIT.assertInvalidToken(r);
                return ms;
            }
            if (ms > 3 * LIMIT_MS) {
                return ms;
            }
            Thread.sleep(20);
        }
    }
}
