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
package org.scopegate.valve.introspect;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Reading introspection and revocation feed answers.
 */
public class TestHttpTokenIntrospector {

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }


    @Test
    void parseIntrospectionWhenActiveThenAllFields() throws Exception {
        // PREPARE
        byte[] body = json("{\"active\":true,\"scope\":\"read update\",\"client_id\":\"app\",\"username\":\"alice\"," +
                "\"sub\":\"alice\",\"token_type\":\"Bearer\",\"exp\":1764115200,\"iat\":1764111600," +
                "\"extra\":{\"nested\":[1,2]}}");

        // TEST
        TokenInfo info = HttpTokenIntrospector.parseIntrospection(body);

        // VERIFY
        Assertions.assertTrue(info.active());
        Assertions.assertEquals("alice", info.username());
        Assertions.assertEquals("app", info.clientId());
        Assertions.assertEquals(List.of("read", "update"), info.scopes());
        Assertions.assertEquals("read update", info.scope());
        Assertions.assertEquals(1764115200L, info.expiresAt());
    }


    @Test
    void parseIntrospectionWhenClientCredentialsThenNoUsername() throws Exception {
        // PREPARE
        byte[] body = json("{\"active\":true,\"scope\":\"read\",\"client_id\":\"batch\",\"sub\":\"batch\"," +
                "\"exp\":1764115200}");

        // TEST
        TokenInfo info = HttpTokenIntrospector.parseIntrospection(body);

        // VERIFY
        Assertions.assertNull(info.username());
        Assertions.assertEquals("batch", info.principalName());
    }


    @Test
    void parseIntrospectionWhenInactiveThenInactive() throws Exception {
        // TEST
        TokenInfo info = HttpTokenIntrospector.parseIntrospection(json("{\"active\":false}"));

        // VERIFY
        Assertions.assertSame(TokenInfo.INACTIVE, info);
    }


    @Test
    void parseIntrospectionWhenGarbageThenException() {
        // TEST + VERIFY
        Assertions.assertThrows(IntrospectionException.class,
                () -> HttpTokenIntrospector.parseIntrospection(json("<html></html>")));
        Assertions.assertThrows(IntrospectionException.class,
                () -> HttpTokenIntrospector.parseIntrospection(json("{\"scope\":\"read\"}")));
        Assertions.assertThrows(IntrospectionException.class,
                () -> HttpTokenIntrospector.parseIntrospection(json("{\"active\":\"yes\"}")));
        Assertions.assertThrows(IntrospectionException.class,
                () -> HttpTokenIntrospector.parseIntrospection(json("{\"active\":true")));
        Assertions.assertThrows(IntrospectionException.class,
                () -> HttpTokenIntrospector.parseIntrospection(json("[true]")));
        Assertions.assertThrows(IntrospectionException.class,
                () -> HttpTokenIntrospector.parseIntrospection(json("{\"active\":true} {}")));
    }


    @Test
    void parseRevocationsWhenEventsThenInOrder() throws Exception {
        // PREPARE
        byte[] body = json("{\"cursor\":1234,\"reset\":false,\"events\":[{\"type\":\"token\",\"value\":\"ab\"}," +
                "{\"type\":\"client\",\"value\":\"app\"},{\"type\":\"user\",\"value\":\"alice\"}]}");

        // TEST
        RevocationBatch batch = HttpTokenIntrospector.parseRevocations(body);

        // VERIFY
        Assertions.assertEquals(1234, batch.cursor());
        Assertions.assertFalse(batch.reset());
        Assertions.assertEquals(List.of(new RevocationEvent("token", "ab"), new RevocationEvent("client", "app"),
                new RevocationEvent("user", "alice")), batch.events());
    }


    @Test
    void parseRevocationsWhenResetThenReset() throws Exception {
        // TEST
        RevocationBatch batch = HttpTokenIntrospector.parseRevocations(
                json("{\"cursor\":9,\"reset\":true,\"events\":[]}"));

        // VERIFY
        Assertions.assertTrue(batch.reset());
        Assertions.assertEquals(9, batch.cursor());
    }


    @Test
    void parseRevocationsWhenNoCursorThenException() {
        // TEST + VERIFY
        Assertions.assertThrows(IntrospectionException.class,
                () -> HttpTokenIntrospector.parseRevocations(json("{\"reset\":false,\"events\":[]}")));
    }


    @Test
    void defaultRevocationFeedUriWhenIntrospectionUrlThenLastSegmentReplaced() {
        // TEST
        URI feed = HttpTokenIntrospector.defaultRevocationFeedUri(URI.create("https://auth:8443/token/introspect"));

        // VERIFY
        Assertions.assertEquals("https://auth:8443/token/revocations", feed.toString());
    }
}
