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
package org.scopegate.token.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scopegate.token.feed.RevocationFeedConfig;

/**
 * Reading and validating the context parameters.
 */
public class TestTokenServiceConfig {

    private static final Path BASE = Path.of("/srv/tomcat");

    @Test
    public void readWhenNothingSetThenDocumentedDefaults() {
        // TEST
        TokenServiceConfig config = TokenServiceConfig.read(name -> null, BASE);

        // VERIFY
        Assertions.assertNull(config.dataSourceName());
        Assertions.assertEquals(BASE.resolve("data/scopegate"), config.databaseDirectory());
        Assertions.assertEquals(3600, config.accessTokenLifetime());
        Assertions.assertEquals(86400, config.refreshTokenLifetime());
        Assertions.assertEquals("default", config.defaultScope());
        Assertions.assertEquals("argon2id", config.passwordHash().algorithm());
        Assertions.assertEquals(19456, config.passwordHash().argon2MemoryKiB());
        Assertions.assertEquals(600_000, config.passwordHash().pbkdf2Iterations());
        Assertions.assertEquals(5, config.lockoutThreshold());
        Assertions.assertEquals(300, config.lockoutDuration());
        Assertions.assertEquals(BASE.resolve("conf/token-admin.secret"), config.adminSecretFile());
        Assertions.assertEquals(300, config.purgeInterval());
        Assertions.assertEquals(Set.of("subscriber"), config.signupDefaultRoles());
        Assertions.assertEquals(10, config.passwordMinLength());
    }

    @Test
    public void readWhenPasswordFileThenItsFirstLineWithoutTheLineEndOnly(@TempDir Path dir) throws Exception {
        // SETUP: as `echo` writes it, as a Windows editor writes it, and a CR that is part of the password
        Map<String, String> written = Map.of("p\u00e4ss word\n", "p\u00e4ss word", "secret\r\nsecond line\r\n", "secret",
                "in\rside\r\n", "in\rside", "no line end", "no line end");
        for (Map.Entry<String, String> e : written.entrySet()) {
            Path file = Files.writeString(dir.resolve("password"), e.getKey(), StandardCharsets.UTF_8);

            // TEST
            TokenServiceConfig config = TokenServiceConfig.read(Map.of("jdbcUrl", "jdbc:postgresql://127.0.0.1/scopegate",
                    "jdbcUser", "scopegate", "jdbcPasswordFile", file.toString())::get, BASE);

            // VERIFY
            Assertions.assertEquals(e.getValue(), config.jdbc().password(), e.getKey());
        }
    }

    @Test
    public void readWhenPasswordFileHasAnEmptyFirstLineThenErrorNamesParameter(@TempDir Path dir) throws Exception {
        // SETUP
        Path file = Files.writeString(dir.resolve("password"), "\r\nsecret\n", StandardCharsets.UTF_8);

        // TEST
        IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
                () -> TokenServiceConfig.read(Map.of("jdbcUrl", "jdbc:postgresql://127.0.0.1/scopegate",
                        "jdbcPasswordFile", file.toString())::get, BASE));

        // VERIFY
        Assertions.assertTrue(e.getMessage().contains("jdbcPasswordFile is empty"), e.getMessage());
    }

    @Test
    public void readWhenSignupSettingsGivenThenParsed() {
        // TEST
        TokenServiceConfig config = TokenServiceConfig.read(Map.of("signupDefaultRoles", " reader, developer ",
                "passwordMinLength", "14")::get, BASE);

        // VERIFY
        Assertions.assertEquals(List.of("reader", "developer"), List.copyOf(config.signupDefaultRoles()));
        Assertions.assertEquals(14, config.passwordMinLength());
    }

    @Test
    public void readWhenSignupRoleInvalidThenErrorNamesParameter() {
        // TEST
        IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
                () -> TokenServiceConfig.read(Map.of("signupDefaultRoles", "r\u00f4le")::get, BASE));

        // VERIFY
        Assertions.assertTrue(e.getMessage().contains("signupDefaultRoles"));
    }

    @Test
    public void readWhenLifetimeNotNumberThenErrorNamesParameter() {
        // TEST
        IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
                () -> TokenServiceConfig.read(Map.of("accessTokenLifetime", "1h")::get, BASE));

        // VERIFY
        Assertions.assertTrue(e.getMessage().contains("accessTokenLifetime"));
    }

    @Test
    public void readWhenHashAlgorithmUnknownThenError() {
        // TEST and VERIFY
        Assertions.assertThrows(IllegalArgumentException.class,
                () -> TokenServiceConfig.read(Map.of("passwordHash", "bcrypt")::get, BASE));
    }

    @Test
    public void readWhenValueOutOfRangeThenError() {
        // TEST and VERIFY
        Assertions.assertThrows(IllegalArgumentException.class,
                () -> TokenServiceConfig.read(Map.of("lockoutThreshold", "0")::get, BASE));
    }

    @Test
    public void readWhenGrantRateLimitsAbsentThenDefaultsElseValidated() {
        // TEST
        TokenServiceConfig defaults = TokenServiceConfig.read(name -> null, BASE);
        TokenServiceConfig off = TokenServiceConfig.read(Map.of("grantRateLimitPerClient", "0",
                "grantRateLimitPerAddress", "0")::get, BASE);
        IllegalArgumentException negative = Assertions.assertThrows(IllegalArgumentException.class,
                () -> TokenServiceConfig.read(Map.of("grantRateLimitPerAddress", "-1")::get, BASE));
        IllegalArgumentException zeroWindow = Assertions.assertThrows(IllegalArgumentException.class,
                () -> TokenServiceConfig.read(Map.of("grantRateLimitWindow", "0")::get, BASE));

        // VERIFY
        Assertions.assertEquals(new TokenServiceConfig.GrantRateLimits(1200, 300, 60), defaults.grantRateLimits());
        Assertions.assertEquals(0, off.grantRateLimits().perClient());
        Assertions.assertEquals(0, off.grantRateLimits().perAddress());
        Assertions.assertTrue(negative.getMessage().startsWith("grantRateLimitPerAddress"), negative.getMessage());
        Assertions.assertTrue(zeroWindow.getMessage().startsWith("grantRateLimitWindow"), zeroWindow.getMessage());
    }

    @Test
    public void shippedContextFileWhenReadThenShowsEveryParameter() throws Exception {
        // conf/token.xml is what scripts/install copies: "every context parameter, commented, with its default"
        String shipped = Files.readString(Path.of("../conf/token.xml"), StandardCharsets.UTF_8);
        for (Class<?> owner : List.of(TokenServiceConfig.class, RevocationFeedConfig.class)) {
            for (java.lang.reflect.Field field : owner.getFields()) {
                if (!java.lang.reflect.Modifier.isStatic(field.getModifiers()) || field.getType() != String.class) {
                    continue;
                }
                String name = (String) field.get(null);
                // the password itself is only named: the file shows jdbcPasswordFile instead
                String expected = TokenServiceConfig.JDBC_PASSWORD.equals(name) ? name : "name=\"" + name + "\"";
                Assertions.assertTrue(shipped.contains(expected), "conf/token.xml does not show " + name);
            }
        }
    }

    @Test
    public void requireSecureTransportWhenAbsentTrueOrFalseThenReadElseRefusedByName() {
        Assertions.assertTrue(TokenServiceConfig.read(name -> null, BASE).requireSecureTransport());
        Assertions.assertFalse(TokenServiceConfig.read(Map.of("requireSecureTransport", " FALSE ")::get, BASE)
                .requireSecureTransport());
        Assertions.assertTrue(TokenServiceConfig.read(Map.of("requireSecureTransport", "true")::get, BASE)
                .requireSecureTransport());
        IllegalArgumentException wrong = Assertions.assertThrows(IllegalArgumentException.class,
                () -> TokenServiceConfig.read(Map.of("requireSecureTransport", "yes")::get, BASE));
        Assertions.assertEquals("requireSecureTransport must be true or false", wrong.getMessage());
    }
}
