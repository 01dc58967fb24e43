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
package org.scopegate.token.audit;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.logging.FileHandler;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.juli.VerbatimFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scopegate.token.EmbeddedTokenServer;
import org.scopegate.token.TokenService;
import org.scopegate.token.crypto.Digests;
import org.scopegate.token.metrics.GrantKind;
import org.scopegate.token.metrics.GrantOutcome;

/**
 * The audit trail of a running token service, written to a file as {@code conf/logging.properties.fragment} routes
 * it: every security event of sign-in, grants, accounts, revocations and administration appears, one JSON object per
 * line (a grant refused by the token endpoint's rate limit too), and none of the passwords, secrets or tokens used is
 * anywhere in the file.
 */
public class TestAuditTrail {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE_PASSWORD = "Amber-correct-horse-7";
    private static final String BOB_PASSWORD = "Copper-battery-staple-9";
    private static final String WRONG_PASSWORD = "Wrong-guess-41";
    private static final String CAROL_PASSWORD = "Signs-up-in-2024!x";

    @TempDir
    Path base;

    private EmbeddedTokenServer server;
    private FileHandler file;
    private Path auditFile;
    private final Logger logger = Logger.getLogger(AuditLog.LOGGER);

    @BeforeEach
    void setUp() throws Exception {
        auditFile = base.resolve("scopegate-audit.log");
        file = new FileHandler(auditFile.toString());
        file.setEncoding("UTF-8");
        file.setFormatter(new VerbatimFormatter());
        logger.addHandler(file);
        // 8 grants an hour per application: the test's own application stays below it, a second one floods
        server = new EmbeddedTokenServer(base.resolve("server")).with("lockoutThreshold", "2")
                .with("grantRateLimitPerClient", "8").with("grantRateLimitWindow", "3600");
        server.start();
    }

    @AfterEach
    void tearDown() {
        logger.removeHandler(file);
        file.close();
        server.stopAndDelete();
    }

    private static void expect(HttpResponse<String> response, int status) {
        Assertions.assertEquals(status, response.statusCode(), response.body());
    }

    private HttpResponse<String> grant(String clientId, String secret, String username, String password) {
        return server.postForm("/", EmbeddedTokenServer.basic(clientId, secret),
                "grant_type=password&username=" + username + "&password=" + password);
    }

    private HttpResponse<String> signIn(String username, String password) {
        return server.send("/api/session", "POST", null, "application/json",
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    }

    @Test
    void auditWhenSecurityEventsHappenThenEachOneLineAndNoCredential() throws Exception {
        // PREPARE: what an administrator sets up
        List<String> credentials = new ArrayList<>(List.of(ALICE_PASSWORD, BOB_PASSWORD, WRONG_PASSWORD,
                CAROL_PASSWORD, server.adminSecret()));
        server.createScope("read", "reader");
        expect(server.admin("PATCH", "/scopes/read", "{\"roles\":[\"reader\",\"writer\"]}"), 200);
        server.createUser("alice", ALICE_PASSWORD, "reader");
        server.createUser("bob", BOB_PASSWORD, "reader");
        String[] client = server.createClient(false, "password", "refresh_token");
        credentials.add(client[1]);

        // TEST: grants, failures, a lockout and its unlock, revocations
        HttpResponse<String> issued = grant(client[0], client[1], "alice", ALICE_PASSWORD);
        expect(issued, 200);
        JsonNode tokens = EmbeddedTokenServer.json(issued);
        credentials.add(tokens.get("access_token").asText());
        credentials.add(tokens.get("refresh_token").asText());
        String refresh = "grant_type=refresh_token&refresh_token=" + tokens.get("refresh_token").asText();
        HttpResponse<String> rotated = server.postForm("/", EmbeddedTokenServer.basic(client[0], client[1]), refresh);
        expect(rotated, 200);
        credentials.add(EmbeddedTokenServer.json(rotated).get("access_token").asText());
        credentials.add(EmbeddedTokenServer.json(rotated).get("refresh_token").asText());
        expect(server.postForm("/", EmbeddedTokenServer.basic(client[0], client[1]), refresh), 400);
        expect(grant(client[0], client[1], "alice", WRONG_PASSWORD), 400);
        expect(grant(client[0], client[1], "nobody", WRONG_PASSWORD), 400);
        expect(grant(client[0], "not-the-secret-" + client[1], "alice", ALICE_PASSWORD), 401);
        expect(grant(client[0], client[1], "bob", WRONG_PASSWORD), 400);
        expect(grant(client[0], client[1], "bob", WRONG_PASSWORD), 400);
        expect(grant(client[0], client[1], "bob", BOB_PASSWORD), 400);
        expect(server.admin("POST", "/users/bob/unlock", null), 204);
        expect(server.postForm("/introspect", EmbeddedTokenServer.basic(client[0], "not-the-secret"), "token=x"), 401);
        // the halves of Basic swapped: the secret where the id belongs, at the token endpoint and at introspection
        expect(server.postForm("/", EmbeddedTokenServer.basic(client[1], client[0]), "grant_type=client_credentials"),
                401);
        expect(server.postForm("/introspect", EmbeddedTokenServer.basic(client[1], client[0]), "token=x"), 401);
        String[] flooding = server.createClient(false, "client_credentials");
        credentials.add(flooding[1]);
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> served = server.postForm("/", EmbeddedTokenServer.basic(flooding[0], flooding[1]),
                    "grant_type=client_credentials");
            expect(served, 200);
            credentials.add(EmbeddedTokenServer.json(served).get("access_token").asText());
        }
        expect(server.postForm("/", EmbeddedTokenServer.basic(flooding[0], flooding[1]),
                "grant_type=client_credentials"), 429);
        expect(server.postForm("/revoke", EmbeddedTokenServer.basic(client[0], client[1]),
                "token=" + tokens.get("access_token").asText()), 200);
        HttpResponse<String> regenerated = server.admin("POST", "/clients/" + client[0] + "/secret", null);
        expect(regenerated, 200);
        credentials.add(EmbeddedTokenServer.json(regenerated).get("client_secret").asText());

        // TEST: the self-service pages
        expect(signIn("alice", ALICE_PASSWORD), 200);
        expect(signIn("alice", WRONG_PASSWORD), 401);
        expect(server.admin("PUT", "/settings/signup", "{\"enabled\":true}"), 200);
        expect(server.signup("carol", CAROL_PASSWORD), 201);

        // TEST: administration
        expect(server.admin("PATCH", "/users/alice", "{\"roles\":[\"writer\"]}"), 200);
        expect(server.admin("DELETE", "/users/bob", null), 204);
        expect(server.admin("PATCH", "/clients/" + client[0], "{\"enabled\":false}"), 200);
        expect(server.admin("DELETE", "/clients/" + client[0], null), 204);
        HttpResponse<String> application = server.admin("POST", "/applications", "{\"name\":\"shop\"}");
        expect(application, 201);
        String id = EmbeddedTokenServer.json(application).get("id").asText();
        expect(server.admin("PATCH", "/applications/" + id, "{\"name\":\"shop 2\"}"), 200);
        expect(server.admin("DELETE", "/applications/" + id, null), 204);
        expect(server.admin("DELETE", "/scopes/read", null), 204);
        expect(server.admin("POST", "/tiers", "{\"name\":\"audited\",\"quota\":100,\"window\":60}"), 201);
        expect(server.admin("PATCH", "/tiers/audited", "{\"quota\":200}"), 200);
        expect(server.admin("DELETE", "/tiers/audited", null), 204);
        file.flush();

        // VERIFY
        String text = Files.readString(auditFile, StandardCharsets.UTF_8);
        Set<AuditEvent> seen = EnumSet.noneOf(AuditEvent.class);
        List<JsonNode> events = new ArrayList<>();
        for (String line : text.split("\n")) {
            JsonNode event = JSON.readTree(line);
            Assertions.assertTrue(event.isObject(), line);
            events.add(event);
            for (AuditEvent type : AuditEvent.values()) {
                if (type.id().equals(event.get("event").asText())) {
                    seen.add(type);
                }
            }
        }
        Assertions.assertEquals(EnumSet.allOf(AuditEvent.class), seen, text);
        for (String credential : credentials) {
            Assertions.assertFalse(text.contains(credential), "a credential in the audit log: " + text);
        }
        Assertions.assertTrue(events.stream().anyMatch(e -> "grant.password.failure".equals(e.get("event").asText())
                && "bad_password".equals(e.get("reason").asText()) && "alice".equals(e.get("user").asText())
                && client[0].equals(e.get("client").asText()) && "127.0.0.1".equals(e.get("address").asText())),
                text);
        Assertions.assertTrue(events.stream().anyMatch(e -> "grant.password.failure".equals(e.get("event").asText())
                && "unknown_user".equals(e.get("reason").asText())), text);
        Assertions.assertTrue(events.stream().anyMatch(e -> "client.authentication.failure".equals(
                e.get("event").asText()) && "introspect".equals(e.get("endpoint").asText())
                && client[0].equals(e.get("client").asText())), text);
        String swapped = "unknown:" + Digests.sha256Hex(client[1]).substring(0, 8);
        for (String endpoint : List.of("token", "introspect")) {
            Assertions.assertTrue(events.stream().anyMatch(e -> "client.authentication.failure".equals(
                    e.get("event").asText()) && endpoint.equals(e.get("endpoint").asText())
                    && swapped.equals(e.get("client").asText())), text);
        }
        Assertions.assertTrue(events.stream().anyMatch(e -> "grant.password.failure".equals(e.get("event").asText())
                && "locked".equals(e.get("reason").asText()) && "bob".equals(e.get("user").asText())), text);
        Assertions.assertTrue(events.stream().anyMatch(e -> "request.throttled".equals(e.get("event").asText())
                && "token".equals(e.get("endpoint").asText()) && flooding[0].equals(e.get("key").asText())
                && "127.0.0.1".equals(e.get("address").asText())), text);
        Assertions.assertEquals(1, events.stream().filter(e -> "request.throttled".equals(e.get("event").asText()))
                .count(), text);
        Assertions.assertEquals(1, ((TokenService) server.attribute(TokenService.ATTRIBUTE)).metrics()
                .grants(GrantKind.CLIENT_CREDENTIALS, GrantOutcome.THROTTLED), "the 429 counted in the metrics too");
        String prefix = AuditLog.tokenPrefix(tokens.get("access_token").asText());
        Assertions.assertTrue(events.stream().anyMatch(e -> "tokens.revoked".equals(e.get("event").asText())
                && "client_request".equals(e.get("cause").asText()) && prefix.equals(e.path("token").asText())
                && e.get("count").asInt() == 1), text);
        Assertions.assertTrue(events.stream().anyMatch(e -> "tokens.revoked".equals(e.get("event").asText())
                && "secret_regenerated".equals(e.get("cause").asText())), text);
        Assertions.assertTrue(events.stream().anyMatch(e -> "tokens.revoked".equals(e.get("event").asText())
                && "refresh_token_reuse".equals(e.get("cause").asText()) && e.get("count").asInt() >= 2
                && client[0].equals(e.get("by").asText())), text);
    }
}
