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

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scopegate.token.crypto.Digests;
import org.scopegate.token.store.RevocationCause;

/**
 * The audit log's lines: one JSON object each, on the {@code org.scopegate.audit} logger, every event type, and no
 * way for a value to break out of its line.
 */
public class TestAuditLog {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AuditActor ADMIN = new AuditActor("admin", "192.0.2.7");

    private final List<String> lines = new ArrayList<>();
    private final Logger logger = Logger.getLogger(AuditLog.LOGGER);
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private final AuditLog audit = new AuditLog(() -> 1_800_000_000_000L);

    @BeforeEach
    void setUp() {
        logger.addHandler(handler);
    }

    @AfterEach
    void tearDown() {
        logger.removeHandler(handler);
    }

    @Test
    void writeWhenEveryMethodCalledThenEveryEventTypeWrittenAsOneJsonLine() throws Exception {
        // TEST
        audit.signInSucceeded("alice", "192.0.2.1");
        audit.signInFailed("alice", "192.0.2.1", "bad_password");
        audit.passwordGrantSucceeded("alice", "shop", "192.0.2.1");
        audit.passwordGrantFailed("alice", "shop", "192.0.2.1", "locked");
        audit.clientAuthenticationFailed("shop", true, "token", "192.0.2.1");
        audit.requestThrottled("token", "shop", "192.0.2.1");
        audit.accountLocked("alice", 1_800_000_300_000L, 5);
        audit.accountUnlocked("alice", ADMIN);
        audit.tokensRevoked(ADMIN, RevocationCause.USER_DISABLED, 3, "user", "alice");
        audit.secretRegenerated("shop", ADMIN);
        audit.userCreated("bob", ADMIN);
        audit.userChanged("bob", ADMIN, List.of("roles", "enabled"));
        audit.userDeleted("bob", ADMIN);
        audit.applicationCreated("7", ADMIN);
        audit.applicationChanged("7", ADMIN, List.of("name"));
        audit.applicationDeleted("7", ADMIN);
        audit.clientCreated("shop", ADMIN);
        audit.clientChanged("shop", ADMIN, List.of("enabled"));
        audit.clientDeleted("shop", ADMIN);
        audit.scopeCreated("read", ADMIN);
        audit.scopeChanged("read", ADMIN, List.of("roles"));
        audit.scopeDeleted("read", ADMIN);
        audit.tierCreated("gold", ADMIN);
        audit.tierChanged("gold", ADMIN, List.of("quota"));
        audit.tierDeleted("gold", ADMIN);
        audit.signupSwitched(true, ADMIN);

        // VERIFY
        Set<AuditEvent> seen = EnumSet.noneOf(AuditEvent.class);
        for (String line : lines) {
            Assertions.assertFalse(line.contains("\n") || line.contains("\r"), line);
            JsonNode event = JSON.readTree(line);
            Assertions.assertEquals("2027-01-15T08:00:00Z", event.get("ts").asText());
            for (AuditEvent type : AuditEvent.values()) {
                if (type.id().equals(event.get("event").asText())) {
                    seen.add(type);
                }
            }
        }
        Assertions.assertEquals(EnumSet.allOf(AuditEvent.class), seen);
        JsonNode revoked = JSON.readTree(lines.get(8));
        Assertions.assertEquals("user_disabled", revoked.get("cause").asText());
        Assertions.assertEquals(3, revoked.get("count").asInt());
        Assertions.assertEquals("alice", revoked.get("user").asText());
        Assertions.assertEquals("admin", revoked.get("by").asText());
        Assertions.assertEquals("192.0.2.7", revoked.get("address").asText());
    }

    @Test
    void clientAuthenticationFailedWhenIdUnknownThenOnlyItsDigestPrefixWritten() throws Exception {
        // PREPARE: a consumer secret sent where the id belongs (the two halves of Basic swapped)
        String pasted = "1C_PpNnleVJQ2FPar4-yoRpB4zriiQmRfeWUdSN4YLo";

        // TEST
        audit.clientAuthenticationFailed(pasted, false, "introspect", "192.0.2.1");
        audit.clientAuthenticationFailed("shop", true, "introspect", "192.0.2.1");

        // VERIFY
        Assertions.assertEquals(2, lines.size());
        Assertions.assertFalse(lines.get(0).contains(pasted), lines.get(0));
        Assertions.assertEquals("unknown:" + Digests.sha256Hex(pasted).substring(0, 8),
                JSON.readTree(lines.get(0)).get("client").asText());
        Assertions.assertEquals("shop", JSON.readTree(lines.get(1)).get("client").asText());
    }

    @Test
    void writeWhenValueHoldsLineBreaksAndQuotesThenOneLineWithTheValueIntact() throws Exception {
        // PREPARE
        String forged = "mallory\"}\n{\"ts\":\"2020-01-01T00:00:00Z\",\"event\":\"signin.success\","
                + "\"user\":\"admin\u2028";

        // TEST
        audit.signInFailed(forged, "192.0.2.1", "bad_password");

        // VERIFY
        Assertions.assertEquals(1, lines.size());
        String line = lines.get(0);
        Assertions.assertFalse(line.contains("\n") || line.contains("\u2028"), line);
        Assertions.assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "only printable ASCII: " + line);
        JsonNode event = JSON.readTree(line);
        Assertions.assertEquals("signin.failure", event.get("event").asText());
        Assertions.assertEquals(forged, event.get("user").asText());
    }

    @Test
    void writeWhenValueTooLongThenCut() throws Exception {
        // TEST
        audit.passwordGrantFailed("x".repeat(10_000), "shop", "192.0.2.1", "invalid_grant");

        // VERIFY
        JsonNode event = JSON.readTree(lines.get(0));
        Assertions.assertEquals(AuditLog.MAX_VALUE + 3, event.get("user").asText().length());
    }

    @Test
    void tokenPrefixWhenTokenGivenThenFirstEightHexOfItsDigestOnly() {
        // TEST
        String prefix = AuditLog.tokenPrefix("abc");

        // VERIFY: SHA-256("abc") = ba7816bf...
        Assertions.assertEquals("ba7816bf", prefix);
    }
}
