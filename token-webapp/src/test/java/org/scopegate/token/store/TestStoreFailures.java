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
package org.scopegate.token.store;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which store failures are "retry" (503, keep trying at start) and which are "stop" (settings errors).
 */
public class TestStoreFailures {

    @ParameterizedTest
    @ValueSource(strings = { "08001", "08006", "08003", "57P01", "57P02", "57P03", "53300", "40001", "40P01",
        "40XL1" })
    public void isUnavailableWhenServerAwayOrTransactionLostThenTrue(String state) {
        // TEST and VERIFY: also when wrapped, as pools and Flyway wrap them
        Assertions.assertTrue(StoreFailures.isUnavailable(new SQLException("away", state)));
        Assertions.assertTrue(StoreFailures.isUnavailable(
                new IllegalStateException("wrapped", new SQLException("Cannot create PoolableConnectionFactory",
                        new SQLException("away", state)))));
    }

    @ParameterizedTest
    @ValueSource(strings = { "28P01", "28000", "3D000", "42501", "42P01", "23505", "XJ040" })
    public void isUnavailableWhenSettingsOrSchemaWrongThenFalse(String state) {
        // TEST and VERIFY
        Assertions.assertFalse(StoreFailures.isUnavailable(new SQLException("wrong", state)));
    }

    @Test
    public void isUnavailableWhenConnectionAttemptFailsThenDependsOnTheCause() {
        // PREPARE
        SQLException refused = new SQLException("The connection attempt failed.", "08001",
                new ConnectException("Connection refused"));
        SQLException unknownHost = new SQLException("The connection attempt failed.", "08001",
                new UnknownHostException("db.invalid"));

        // TEST and VERIFY
        Assertions.assertTrue(StoreFailures.isUnavailable(refused));
        Assertions.assertFalse(StoreFailures.isUnavailable(unknownHost));
        Assertions.assertEquals("unknown host db.invalid", StoreFailures.describe(unknownHost));
    }

    @Test
    public void isUnavailableWhenPoolExhaustedOrStoreNotOpenThenTrue() {
        // TEST and VERIFY
        Assertions.assertTrue(StoreFailures.isUnavailable(new SQLException("Cannot get a connection, pool error",
                new NoSuchElementException("Timeout waiting for idle object"))));
        Assertions.assertTrue(StoreFailures.isUnavailable(new StoreUnavailableException("not ready")));
        Assertions.assertFalse(StoreFailures.isUnavailable(new IllegalStateException("a bug")));
    }

    @Test
    public void describeWhenNestedThenInnermostDatabaseMessageOnOneLine() {
        // PREPARE
        SQLException inner = new SQLException("FATAL: password authentication failed\n  for user \"sg\"", "28P01");

        // TEST
        String line = StoreFailures.describe(new RuntimeException("Unable to obtain connection", inner));

        // VERIFY
        Assertions.assertEquals("FATAL: password authentication failed for user \"sg\" (SQLState 28P01)", line);
    }
}
