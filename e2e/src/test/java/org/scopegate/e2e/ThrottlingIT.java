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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 13's demonstration on the real Tomcat 11 of the demo: the administrator gives an application a tier of 5
 * requests per 10 s with {@code scripts/tokenctl}; its 6th request in the window is answered 429 with
 * {@code Retry-After}, {@code RateLimit-Policy} and {@code RateLimit}; another application is unaffected; the quota
 * refills; giving the application another tier reaches the valve within 2 s.
 */
@ExtendWith(SharedTomcat11.class)
class ThrottlingIT {

    private static final Pattern CLIENT_ID = Pattern.compile("client_id: +(\\S+)");
    private static final Pattern CLIENT_SECRET = Pattern.compile("client_secret: +(\\S+)");
    private static final long WINDOW_MS = 10_000;

    private static DemoServer server;
    private static Http http;
    private static String throttledBasic;

    @BeforeAll
    static void setUp() throws Exception {
        server = SharedTomcat11.server();
        http = new Http(server);
        tokenctl("--exists-ok", "tier", "add", "E2eQuick", "--requests", "5", "--per", "10");
        DemoServer.Result app = tokenctl("client", "add", "throttled-e2e", "--grant-types", "password");
        Matcher id = CLIENT_ID.matcher(app.output());
        Matcher secret = CLIENT_SECRET.matcher(app.output());
        assertTrue(id.find() && secret.find(), app.output());
        throttledBasic = Http.basic(id.group(1), secret.group(1));
        DemoServer.Result tier = tokenctl("client", "tier", "throttled-e2e", "e2equick");
        assertTrue(tier.output().contains("now has tier E2eQuick: 5 requests per 10 s"), tier.output());
    }

    @Test
    void sixthRequestInTheWindowIsRefusedWithRateLimitFieldsAndTheQuotaRefills() throws Exception {
        String token = token(throttledBasic);
        String other = token(new Grants(server, http).basic());
        awaitWindowWithAtLeast(7_000);

        for (int i = 0; i < 5; i++) {
            Http.Response ok = http.get(server.get("PROTECTED_URL"), token);
            assertEquals(200, ok.status(), ok::toString);
            assertEquals("\"E2eQuick\";q=5;w=10", ok.header("RateLimit-Policy"), ok::toString);
            assertTrue(ok.header("RateLimit").matches("\"E2eQuick\";r=" + (4 - i) + ";t=\\d+"), ok::toString);
        }
        Http.Response sixth = http.get(server.get("PROTECTED_URL"), token);
        Http.Response otherApp = http.get(server.get("PROTECTED_URL"), other);
        System.out.printf("[e2e] 6th request of a 5-per-10-s application: %d Retry-After: %s RateLimit-Policy: %s "
                + "RateLimit: %s %s%n", Integer.valueOf(sixth.status()), sixth.header("Retry-After"),
                sixth.header("RateLimit-Policy"), sixth.header("RateLimit"), sixth.body());

        assertEquals(429, sixth.status(), sixth::toString);
        long retryAfter = Long.parseLong(sixth.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 10, sixth::toString);
        assertEquals("\"E2eQuick\";q=5;w=10", sixth.header("RateLimit-Policy"));
        assertEquals("\"E2eQuick\";r=0;t=" + retryAfter, sixth.header("RateLimit"));
        assertEquals("too_many_requests", sixth.json().path("error").asText(), sixth::toString);
        assertNull(sixth.header("WWW-Authenticate"));
        assertEquals(200, otherApp.status(), "another application is unaffected: " + otherApp);
        assertNull(otherApp.header("RateLimit"), "an Unlimited application carries no quota: " + otherApp);

        Thread.sleep(retryAfter * 1000 + 100);
        Http.Response refilled = http.get(server.get("PROTECTED_URL"), token);
        assertEquals(200, refilled.status(), refilled::toString);
        assertTrue(refilled.header("RateLimit").startsWith("\"E2eQuick\";r=4;t="), refilled::toString);
    }

    @Test
    void tierChangeReachesTheValveWithinTwoSecondsAndATierInUseCannotBeDeleted() throws Exception {
        tokenctl("--exists-ok", "tier", "add", "E2eOther", "--requests", "1000", "--per", "60");
        DemoServer.Result app = tokenctl("client", "add", "retiered-e2e", "--grant-types", "password");
        Matcher id = CLIENT_ID.matcher(app.output());
        Matcher secret = CLIENT_SECRET.matcher(app.output());
        assertTrue(id.find() && secret.find(), app.output());
        tokenctl("client", "tier", "retiered-e2e", "E2eOther");
        String token = token(Http.basic(id.group(1), secret.group(1)));
        Http.Response before = http.get(server.get("PROTECTED_URL"), token);
        assertEquals("\"E2eOther\";q=1000;w=60", before.header("RateLimit-Policy"), before::toString);

        DemoServer.Result delete = server.run(60, "scripts/tokenctl", "tier", "delete", "E2eOther");
        assertEquals(1, delete.exit(), delete.output());
        assertTrue(delete.output().contains("in use by 1 application"), delete.output());

        tokenctl("client", "tier", "retiered-e2e", "Unlimited");
        long t0 = System.nanoTime();
        Http.Response after;
        do {
            after = http.get(server.get("PROTECTED_URL"), token);
        } while (after.header("RateLimit-Policy") != null && System.nanoTime() - t0 < 5_000_000_000L);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("[e2e] a new tier reached the valve after %d ms%n", Long.valueOf(ms));
        assertEquals(200, after.status(), after::toString);
        assertNull(after.header("RateLimit-Policy"), after::toString);
        assertTrue(ms <= 2_000, "the valve applied the new tier after " + ms + " ms");
        DemoServer.Result list = tokenctl("tier", "list");
        assertTrue(list.output().contains("E2eQuick"), list.output());
        assertFalse(list.output().contains("tokenctl:"), list.output());
        assertEquals(0, tokenctl("tier", "delete", "E2eOther").exit());
    }

    private static String token(String basic) throws Exception {
        Http.Response r = http.postForm(server.get("TOKEN_URL"), basic, "grant_type=password&username="
                + Http.form(server.get("USERNAME")) + "&password=" + Http.form(server.get("PASSWORD")) + "&scope=read");
        assertEquals(200, r.status(), r::toString);
        String token = r.json().path("access_token").asText();
        assertNotNull(token);
        return token;
    }

    private static DemoServer.Result tokenctl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "scripts/tokenctl";
        System.arraycopy(args, 0, command, 1, args.length);
        DemoServer.Result r = server.run(60, command);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + ": " + r.output());
        return r;
    }

    /** Waits for the start of a 10 s window (aligned on the epoch, as the valve's) with this much of it left. */
    private static void awaitWindowWithAtLeast(long left) throws InterruptedException {
        long into = System.currentTimeMillis() % WINDOW_MS;
        if (WINDOW_MS - into < left) {
            Thread.sleep(WINDOW_MS - into + 50);
        }
    }
}
