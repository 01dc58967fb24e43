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
package org.scopegate.token.admin;

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
 * Tiers through the admin API over HTTP: the WSO2 defaults, new tiers, an application's tier, what the
 * introspection answer tells a valve, and bad input refused with nothing changed.
 */
public class TestTierAdministration {

    private static EmbeddedTokenServer server;
    private static String introspector;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTokenServer(Files.createTempDirectory("token-tiers"));
        Assertions.assertEquals(LifecycleState.STARTED, server.start());
        String[] valve = server.createClient(true, "client_credentials");
        introspector = EmbeddedTokenServer.basic(valve[0], valve[1]);
    }

    @AfterAll
    static void stop() {
        server.stopAndDelete();
    }

    @Test
    public void tiersWhenNewStoreThenWso2DefaultsUnlimitedFirst() {
        // TEST
        JsonNode tiers = EmbeddedTokenServer.json(server.admin("GET", "/tiers", null));

        // VERIFY
        JsonNode unlimited = tier(tiers, "Unlimited");
        Assertions.assertEquals("Unlimited", tiers.get(0).get("name").asText());
        Assertions.assertTrue(unlimited.get("quota").isNull());
        Assertions.assertTrue(unlimited.get("window").isNull());
        Assertions.assertEquals(5000, tier(tiers, "Gold").get("quota").asLong());
        Assertions.assertEquals(60, tier(tiers, "Gold").get("window").asLong());
        Assertions.assertEquals(2000, tier(tiers, "Silver").get("quota").asLong());
        Assertions.assertEquals(1000, tier(tiers, "Bronze").get("quota").asLong());
        Assertions.assertTrue(tier(tiers, "Bronze").get("burst").isNull());
    }

    @Test
    public void createWhenValidThenListedAndSameNameInOtherCaseRefused() {
        // TEST
        HttpResponse<String> created = server.admin("POST", "/tiers",
                "{\"name\":\"Trial\",\"quota\":5,\"window\":60,\"burst\":2,\"description\":\"five a minute\"}");
        HttpResponse<String> again = server.admin("POST", "/tiers", "{\"name\":\"trial\",\"quota\":9,\"window\":1}");
        HttpResponse<String> byName = server.admin("GET", "/tiers/TRIAL", null);

        // VERIFY
        Assertions.assertEquals(201, created.statusCode(), created.body());
        Assertions.assertEquals(409, again.statusCode(), again.body());
        Assertions.assertEquals(200, byName.statusCode());
        JsonNode trial = EmbeddedTokenServer.json(byName);
        Assertions.assertEquals("Trial", trial.get("name").asText());
        Assertions.assertEquals(5, trial.get("quota").asLong());
        Assertions.assertEquals(60, trial.get("window").asLong());
        Assertions.assertEquals(2, trial.get("burst").asLong());
        Assertions.assertEquals(0, trial.get("applications").asLong());
    }

    @Test
    public void createWhenInvalidThenBadRequestAndNothingChanged() {
        // PREPARE
        String before = server.admin("GET", "/tiers", null).body();
        List<String> bodies = List.of("{\"name\":\"Nope\",\"quota\":0,\"window\":60}",
                "{\"name\":\"Nope\",\"quota\":10}",
                "{\"name\":\"Nope\",\"quota\":\"ten\",\"window\":60}",
                "{\"name\":\"Nope\",\"quota\":10,\"window\":-1}",
                "{\"name\":\"Nope\",\"quota\":10,\"window\":60,\"burst\":11}",
                "{\"name\":\"Nope\",\"quota\":1.5,\"window\":60}",
                "{\"name\":\"No pe\",\"quota\":10,\"window\":60}",
                "{\"name\":\"\\\"quoted\\\"\",\"quota\":10,\"window\":60}",
                "{\"quota\":10,\"window\":60}",
                "[1,2]",
                "not json");

        // TEST / VERIFY
        for (String body : bodies) {
            HttpResponse<String> answer = server.admin("POST", "/tiers", body);
            Assertions.assertEquals(400, answer.statusCode(), body + " -> " + answer.body());
            Assertions.assertEquals("invalid_request", EmbeddedTokenServer.json(answer).get("error").asText());
        }
        Assertions.assertEquals(before, server.admin("GET", "/tiers", null).body());
    }

    @Test
    public void applicationTierWhenSetThenShownIntrospectedAndAnnouncedOnTheFeed() {
        // PREPARE
        server.admin("POST", "/tiers", "{\"name\":\"Five\",\"quota\":5,\"window\":60}");
        String[] app = server.createClient(false, "client_credentials");
        long applicationId = EmbeddedTokenServer.json(server.admin("GET", "/clients/" + app[0], null))
                .get("application_id").asLong();
        String token = accessToken(app);
        long cursor = EmbeddedTokenServer.json(server.send("/revocations", "GET", introspector, null, null))
                .get("cursor").asLong();
        JsonNode before = introspect(token).get("throttling");

        // TEST
        HttpResponse<String> patched = server.admin("PATCH", "/applications/" + applicationId, "{\"tier\":\"five\"}");

        // VERIFY
        Assertions.assertEquals(200, patched.statusCode(), patched.body());
        Assertions.assertEquals("Five", EmbeddedTokenServer.json(patched).get("tier").asText());
        Assertions.assertEquals("Unlimited", before.get("tier").asText());
        Assertions.assertEquals(applicationId, before.get("application").asLong());
        Assertions.assertFalse(before.has("quota"));
        JsonNode after = introspect(token).get("throttling");
        Assertions.assertEquals("Five", after.get("tier").asText());
        Assertions.assertEquals(5, after.get("quota").asLong());
        Assertions.assertEquals(60, after.get("window").asLong());
        Assertions.assertFalse(after.has("burst"));
        JsonNode feed = EmbeddedTokenServer.json(server.send("/revocations?after=" + cursor, "GET", introspector,
                null, null));
        Assertions.assertTrue(feed.get("events").toString().contains("{\"type\":\"client\",\"value\":\"" + app[0]
                + "\","), feed.toString());
        Assertions.assertTrue(introspect(token).get("active").asBoolean(), "a tier change revokes nothing");
        Assertions.assertEquals(1, EmbeddedTokenServer.json(server.admin("GET", "/tiers/Five", null))
                .get("applications").asLong());
    }

    @Test
    public void applicationTierWhenUnknownTierOrBadValueThenBadRequestAndUnchanged() {
        // PREPARE
        String[] app = server.createClient(false, "client_credentials");
        long applicationId = EmbeddedTokenServer.json(server.admin("GET", "/clients/" + app[0], null))
                .get("application_id").asLong();

        // TEST
        HttpResponse<String> unknown = server.admin("PATCH", "/applications/" + applicationId,
                "{\"tier\":\"Platinum\",\"name\":\"renamed\"}");
        HttpResponse<String> number = server.admin("PATCH", "/applications/" + applicationId, "{\"tier\":5}");

        // VERIFY
        Assertions.assertEquals(400, unknown.statusCode(), unknown.body());
        Assertions.assertEquals(400, number.statusCode(), number.body());
        JsonNode application = EmbeddedTokenServer.json(server.admin("GET", "/applications/" + applicationId, null));
        Assertions.assertEquals("Unlimited", application.get("tier").asText());
        Assertions.assertEquals("test application", application.get("name").asText());
    }

    @Test
    public void patchWhenQuotaChangedThenApplicationsOfTheTierGetIt() {
        // PREPARE
        server.admin("POST", "/tiers", "{\"name\":\"Elastic\",\"quota\":100,\"window\":10}");
        String[] app = server.createClient(false, "client_credentials");
        long applicationId = EmbeddedTokenServer.json(server.admin("GET", "/clients/" + app[0], null))
                .get("application_id").asLong();
        server.admin("PATCH", "/applications/" + applicationId, "{\"tier\":\"Elastic\"}");
        String token = accessToken(app);
        long cursor = EmbeddedTokenServer.json(server.send("/revocations", "GET", introspector, null, null))
                .get("cursor").asLong();

        // TEST
        HttpResponse<String> patched = server.admin("PATCH", "/tiers/elastic", "{\"quota\":50,\"burst\":10}");
        HttpResponse<String> tooBig = server.admin("PATCH", "/tiers/elastic", "{\"burst\":51}");
        HttpResponse<String> unlimited = server.admin("PATCH", "/tiers/Unlimited", "{\"quota\":10}");

        // VERIFY
        Assertions.assertEquals(200, patched.statusCode(), patched.body());
        Assertions.assertEquals(400, tooBig.statusCode(), tooBig.body());
        Assertions.assertEquals(409, unlimited.statusCode(), unlimited.body());
        JsonNode throttling = introspect(token).get("throttling");
        Assertions.assertEquals(50, throttling.get("quota").asLong());
        Assertions.assertEquals(10, throttling.get("window").asLong());
        Assertions.assertEquals(10, throttling.get("burst").asLong());
        JsonNode feed = EmbeddedTokenServer.json(server.send("/revocations?after=" + cursor, "GET", introspector,
                null, null));
        Assertions.assertTrue(feed.get("events").toString().contains(app[0]), feed.toString());
        Assertions.assertTrue(EmbeddedTokenServer.json(server.admin("GET", "/tiers/Unlimited", null)).get("quota")
                .isNull());
    }

    @Test
    public void deleteWhenInUseOrDefaultThenConflictElseGone() {
        // PREPARE
        server.admin("POST", "/tiers", "{\"name\":\"Busy\",\"quota\":3,\"window\":1}");
        server.admin("POST", "/tiers", "{\"name\":\"Idle\",\"quota\":3,\"window\":1}");
        String[] app = server.createClient(false, "client_credentials");
        long applicationId = EmbeddedTokenServer.json(server.admin("GET", "/clients/" + app[0], null))
                .get("application_id").asLong();
        server.admin("PATCH", "/applications/" + applicationId, "{\"tier\":\"Busy\"}");

        // TEST
        HttpResponse<String> busy = server.admin("DELETE", "/tiers/Busy", null);
        HttpResponse<String> unlimited = server.admin("DELETE", "/tiers/unlimited", null);
        HttpResponse<String> idle = server.admin("DELETE", "/tiers/Idle", null);
        HttpResponse<String> unknown = server.admin("DELETE", "/tiers/Idle", null);

        // VERIFY
        Assertions.assertEquals(409, busy.statusCode(), busy.body());
        Assertions.assertTrue(busy.body().contains("1 application"), busy.body());
        Assertions.assertEquals(409, unlimited.statusCode(), unlimited.body());
        Assertions.assertEquals(204, idle.statusCode(), idle.body());
        Assertions.assertEquals(404, unknown.statusCode(), unknown.body());
        Assertions.assertEquals(200, server.admin("GET", "/tiers/Busy", null).statusCode());
        Assertions.assertEquals(404, server.admin("GET", "/tiers/Idle", null).statusCode());
    }

    @Test
    public void tiersWhenWrongMethodOrPathThenProtocolErrors() {
        // TEST
        HttpResponse<String> put = server.admin("PUT", "/tiers", "{}");
        HttpResponse<String> deep = server.admin("GET", "/tiers/Gold/x", null);
        HttpResponse<String> anonymous = server.send("/admin/tiers", "GET", null, null, null);

        // VERIFY
        Assertions.assertEquals(405, put.statusCode());
        Assertions.assertEquals("GET, POST", put.headers().firstValue("Allow").orElse(""));
        Assertions.assertEquals(404, deep.statusCode());
        Assertions.assertEquals(401, anonymous.statusCode());
    }

    private static JsonNode tier(JsonNode tiers, String name) {
        for (JsonNode tier : tiers) {
            if (tier.get("name").asText().equals(name)) {
                return tier;
            }
        }
        throw new AssertionError("no tier " + name + " in " + tiers);
    }

    private static String accessToken(String[] app) {
        HttpResponse<String> grant = server.postForm("", EmbeddedTokenServer.basic(app[0], app[1]),
                "grant_type=client_credentials");
        Assertions.assertEquals(200, grant.statusCode(), grant.body());
        return EmbeddedTokenServer.json(grant).get("access_token").asText();
    }

    private static JsonNode introspect(String token) {
        HttpResponse<String> answer = server.postForm("/introspect", introspector, "token=" + token);
        Assertions.assertEquals(200, answer.statusCode(), answer.body());
        return EmbeddedTokenServer.json(answer);
    }
}
