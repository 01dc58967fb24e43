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
package org.scopegate.token.web;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scopegate.token.EmbeddedTokenServer;

/**
 * {@code POST /token/quota-counts} over HTTP: the gateways' reports add up per counter and window, a newer window
 * starts the count again, and only an application allowed to introspect may report.
 */
public class TestQuotaCountServlet {

    private static final long WINDOW = 1_795_773_600_000L;

    private static EmbeddedTokenServer server;
    private static String valve;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-quota-counts"));
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        String[] client = server.createClient(true, "client_credentials");
        valve = EmbeddedTokenServer.basic(client[0], client[1]);
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    private static HttpResponse<String> report(String authorization, String body) {
        return server.send("/quota-counts", "POST", authorization, "application/json", body);
    }

    private static String count(String key, long window, long requests) {
        return "{\"key\":\"" + key + "\",\"window_start\":" + window + ",\"requests\":" + requests + "}";
    }

    private static JsonNode counts(HttpResponse<String> response) {
        Assertions.assertEquals(200, response.statusCode(), response.body());
        return EmbeddedTokenServer.json(response).get("counts");
    }

    @Test
    void reportWhenTwoGatewaysThenCountsAddUpInTheWindow() {
        // TEST
        JsonNode first = counts(report(valve, "{\"counts\":[" + count("a1", WINDOW, 3) + "]}"));
        JsonNode second = counts(report(valve, "{\"counts\":[" + count("a1", WINDOW, 4) + ","
                + count("a1|rule:0011223344556677", WINDOW, 1) + "]}"));
        JsonNode idle = counts(report(valve, "{\"counts\":[" + count("a1", WINDOW, 0) + ","
                + count("never", WINDOW, 0) + "]}"));

        // VERIFY
        Assertions.assertEquals(count("a1", WINDOW, 3), first.get(0).toString());
        Assertions.assertEquals(count("a1", WINDOW, 7), second.get(0).toString());
        Assertions.assertEquals(count("a1|rule:0011223344556677", WINDOW, 1), second.get(1).toString());
        Assertions.assertEquals(1, idle.size(), "a counter nobody reported to does not exist: " + idle);
        Assertions.assertEquals(count("a1", WINDOW, 7), idle.get(0).toString());
    }

    @Test
    void reportWhenNewerWindowThenCountStartsAgainAndOlderWindowAddsToIt() {
        // PREPARE
        report(valve, "{\"counts\":[" + count("a2", WINDOW, 9) + "]}");

        // TEST
        JsonNode newer = counts(report(valve, "{\"counts\":[" + count("a2", WINDOW + 60_000, 2) + "]}"));
        JsonNode late = counts(report(valve, "{\"counts\":[" + count("a2", WINDOW, 1) + "]}"));

        // VERIFY
        Assertions.assertEquals(count("a2", WINDOW + 60_000, 2), newer.get(0).toString());
        Assertions.assertEquals(count("a2", WINDOW + 60_000, 3), late.get(0).toString(),
                "a gateway whose clock is behind adds to the newer window");
    }

    @Test
    void reportWhenNotAllowedToIntrospectThenRefusedAndNothingCounted() {
        // PREPARE
        String[] app = server.createClient(false, "client_credentials");

        // TEST
        HttpResponse<String> anonymous = report(null, "{\"counts\":[" + count("a3", WINDOW, 5) + "]}");
        HttpResponse<String> notAllowed = report(EmbeddedTokenServer.basic(app[0], app[1]),
                "{\"counts\":[" + count("a3", WINDOW, 5) + "]}");
        HttpResponse<String> get = server.send("/quota-counts", "GET", valve, null, null);

        // VERIFY
        Assertions.assertEquals(401, anonymous.statusCode());
        Assertions.assertEquals(403, notAllowed.statusCode());
        Assertions.assertEquals(405, get.statusCode());
        Assertions.assertEquals(0, counts(report(valve, "{\"counts\":[" + count("a3", WINDOW, 0) + "]}")).size());
    }

    @Test
    void reportWhenBodyInvalidThenBadRequestAndNothingCounted() {
        // TEST / VERIFY
        for (String body : List.of("", "not json", "[]", "{\"counts\":{}}",
                "{\"counts\":[{\"key\":\"a4\",\"window_start\":1}]}",
                "{\"counts\":[" + count("a4", WINDOW, -1) + "]}",
                "{\"counts\":[" + count("a4", -5, 1) + "]}",
                "{\"counts\":[" + count("", WINDOW, 1) + "]}",
                "{\"counts\":[" + count("a b", WINDOW, 1) + "]}",
                "{\"counts\":[" + count("a4", WINDOW, 1).replace("1}", "1.5}") + "]}",
                "{\"counts\":[" + count("x".repeat(129), WINDOW, 1) + "]}")) {
            HttpResponse<String> answer = report(valve, body);
            Assertions.assertEquals(400, answer.statusCode(), body + " -> " + answer.body());
            Assertions.assertEquals("invalid_request", EmbeddedTokenServer.json(answer).get("error").asText());
        }
        Assertions.assertEquals(0, counts(report(valve, "{\"counts\":[" + count("a4", WINDOW, 0) + "]}")).size());
    }
}
