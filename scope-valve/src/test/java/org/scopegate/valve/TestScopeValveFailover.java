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
package org.scopegate.valve;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A valve that knows two key managers: losing one costs no request, losing both gives 503 with
 * {@code Retry-After}, never a pass.
 */
public class TestScopeValveFailover {

    @TempDir
    Path base;

    private FakeTokenService first;
    private FakeTokenService second;
    private EmbeddedTomcat tomcat;
    private ScopeValve valve;
    private long exp;


    @BeforeEach
    void setUp() throws Exception {
        first = new FakeTokenService();
        second = new FakeTokenService();
        exp = System.currentTimeMillis() / 1000 + 3600;
        Path rules = base.resolve("scope-rules.conf");
        Files.writeString(rules, TestScopeValve.RULES);
        valve = new ScopeValve();
        valve.setRulesPath(rules.toString());
        valve.setIntrospectionUrl(first.introspectionUrl() + " " + second.introspectionUrl());
        valve.setClientId(FakeTokenService.CLIENT_ID);
        valve.setClientSecret(FakeTokenService.CLIENT_SECRET);
        valve.setRetryAfter(9);
        tomcat = new EmbeddedTomcat(base.resolve("tomcat"));
        tomcat.addHostValve(valve);
        tomcat.start();
    }


    @AfterEach
    void tearDown() throws Exception {
        try {
            tomcat.close();
        } finally {
            first.close();
            second.close();
        }
    }


    /** A token both key managers know, as they would with one shared store. */
    private String token(int i) {
        String token = "failover-token-" + i + "-0123456789abcdefghijklmnop";
        first.addToken(token, "alice", "orders-app", "read", exp);
        second.addToken(token, "alice", "orders-app", "read", exp);
        return token;
    }


    @Test
    void invokeWhenBothUpThenIntrospectionSpreadOverBoth() throws Exception {
        // TEST: a fresh token per request, so every request is introspected
        for (int i = 0; i < 20; i++) {
            Assertions.assertEquals(200, tomcat.get("/app/orders", "Authorization", "Bearer " + token(i)).statusCode());
        }

        // VERIFY
        Assertions.assertEquals(20, first.introspections() + second.introspections());
        Assertions.assertTrue(first.introspections() >= 5, "first: " + first.introspections());
        Assertions.assertTrue(second.introspections() >= 5, "second: " + second.introspections());
    }


    @Test
    void invokeWhenOneKeyManagerGoneThenNoRequestFails() throws Exception {
        // PREPARE
        Assertions.assertEquals(200, tomcat.get("/app/orders", "Authorization", "Bearer " + token(-1)).statusCode());
        first.close();

        // TEST
        int failed = 0;
        for (int i = 0; i < 40; i++) {
            if (tomcat.get("/app/orders", "Authorization", "Bearer " + token(i)).statusCode() != 200) {
                failed++;
            }
        }

        // VERIFY
        Assertions.assertEquals(0, failed);
        Assertions.assertEquals(1, valve.getAvailableKeyManagerCount());
        Assertions.assertEquals(0, valve.getRefusedUnavailableCount());
    }


    @Test
    void invokeWhenEveryKeyManagerGoneThenServiceUnavailableWithRetryAfter() throws Exception {
        // PREPARE
        first.close();
        second.close();

        // TEST
        HttpResponse<String> response = tomcat.get("/app/orders", "Authorization", "Bearer " + token(1));

        // VERIFY
        Assertions.assertEquals(503, response.statusCode());
        Assertions.assertEquals("9", response.headers().firstValue("Retry-After").orElse(null));
        Assertions.assertEquals(0, valve.getAvailableKeyManagerCount());
        Assertions.assertFalse(valve.isTokenServiceAvailable());
    }
}
