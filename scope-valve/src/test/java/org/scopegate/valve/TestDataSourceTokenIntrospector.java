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
import java.time.Duration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import org.apache.tomcat.util.descriptor.web.ContextResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scopegate.testsupport.Poll;
import org.scopegate.testsupport.TestDatabase;
import org.scopegate.valve.introspect.TokenDigest;

/**
 * The valve reading the token store through a global JNDI DataSource (in-memory Derby, or PostgreSQL in the store
 * tests' second run, behind a DBCP2 pool), as {@code DataSourceRealm} does: tokens, the revocation events of
 * protocol.md section 9, and the feed.
 */
public class TestDataSourceTokenIntrospector {

    private static final String RESOURCE = "jdbc/OAuthStore";
    private static final String TOKEN = "jndiToken-0123456789abcdefghijklmnopqrstuvw";
    private static final String REVOKED = "revokedToken-0123456789abcdefghijklmnopqrst";

    private static final String CREATE_TOKEN = "CREATE TABLE oauth_token (token_digest CHAR(64) PRIMARY KEY, " +
            "token_kind CHAR(1) NOT NULL, client_id VARCHAR(64) NOT NULL, username VARCHAR(128), " +
            "scope VARCHAR(2000), grant_type VARCHAR(32), family_id CHAR(64), issued_at BIGINT, " +
            "expires_at BIGINT, revoked BOOLEAN, used BOOLEAN)";
    private static final String CREATE_EVENT = "CREATE TABLE oauth_revocation_event (" +
            "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_type VARCHAR(16), " +
            "event_value VARCHAR(128), created_at BIGINT)";
    /** The columns of versions 2 and 5 of the store that the valve reads: an application's tier. */
    private static final String[] CREATE_TIERS = {
        "CREATE TABLE oauth_throttle_tier (name VARCHAR(64) PRIMARY KEY, name_key VARCHAR(64), " +
                "request_quota BIGINT, window_seconds BIGINT, burst BIGINT, description VARCHAR(256))",
        "CREATE TABLE oauth_application (id BIGINT PRIMARY KEY, name VARCHAR(128), tier_name VARCHAR(64))",
        "CREATE TABLE oauth_client (client_id VARCHAR(64) PRIMARY KEY, application_id BIGINT)",
        "CREATE TABLE oauth_quota_count (counter_key VARCHAR(128) PRIMARY KEY, window_start BIGINT NOT NULL, " +
                "requests BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
        "INSERT INTO oauth_throttle_tier (name, name_key) VALUES ('Unlimited', 'unlimited')",
        "INSERT INTO oauth_throttle_tier VALUES ('Trial', 'trial', 5, 60, NULL, NULL)",
        "INSERT INTO oauth_application VALUES (7, 'orders', 'Unlimited')",
        "INSERT INTO oauth_client VALUES ('orders-app', 7)"
    };
    private static final String INSERT_TOKEN = "INSERT INTO oauth_token (token_digest, token_kind, client_id, " +
            "username, scope, grant_type, issued_at, expires_at, revoked, used) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_EVENT = "INSERT INTO oauth_revocation_event (event_type, event_value, " +
            "created_at) VALUES (?, ?, ?)";

    @TempDir
    Path base;

    private EmbeddedTomcat tomcat;
    private ScopeValve valve;
    private long expiresAt;


    @BeforeEach
    void setUp() throws Exception {
        Path rules = base.resolve("scope-rules.conf");
        Files.writeString(rules, TestScopeValve.RULES);
        tomcat = new EmbeddedTomcat(base.resolve("tomcat"));
        tomcat.tomcat().enableNaming();
        ContextResource resource = new ContextResource();
        resource.setName(RESOURCE);
        resource.setType(DataSource.class.getName());
        resource.setProperty("factory", "org.apache.commons.dbcp2.BasicDataSourceFactory");
        TestDatabase database = TestDatabase.fresh("valve");
        resource.setProperty("driverClassName", database.driverClassName());
        resource.setProperty("url", database.url());
        if (database.user() != null) {
            resource.setProperty("username", database.user());
            resource.setProperty("password", database.password());
        }
        resource.setProperty("maxTotal", "4");
        tomcat.tomcat().getServer().getGlobalNamingResources().addResource(resource);
        valve = new ScopeValve();
        valve.setRulesPath(rules.toString());
        valve.setDataSourceName(RESOURCE);
        valve.setQuotaSyncInterval(100);
        // the quota windows of a fixed instant: no test waits for a window's start
        valve.setQuotaClock(() -> TestScopeValveThrottling.WINDOW_ALIGNED + 1_000);
        tomcat.addHostValve(valve);
        tomcat.start();
        expiresAt = System.currentTimeMillis() + 3_600_000L;
        try (Connection conn = dataSource().getConnection(); Statement stmt = conn.createStatement()) {
            stmt.execute(CREATE_TOKEN);
            stmt.execute(CREATE_EVENT);
            for (String sql : CREATE_TIERS) {
                stmt.execute(sql);
            }
        }
        insertToken(TOKEN, "alice", "read update", false);
        insertToken(REVOKED, "bob", "read", true);
    }


    @AfterEach
    void tearDown() throws Exception {
        tomcat.close();
    }


    private DataSource dataSource() throws Exception {
        return (DataSource) tomcat.tomcat().getServer().getGlobalNamingContext().lookup(RESOURCE);
    }


    private void insertToken(String token, String username, String scope, boolean revoked) throws Exception {
        try (Connection conn = dataSource().getConnection();
                PreparedStatement stmt = conn.prepareStatement(INSERT_TOKEN)) {
            stmt.setString(1, TokenDigest.of(token).hex());
            stmt.setString(2, "A");
            stmt.setString(3, "orders-app");
            stmt.setString(4, username);
            stmt.setString(5, scope);
            stmt.setString(6, "password");
            stmt.setLong(7, System.currentTimeMillis());
            stmt.setLong(8, expiresAt);
            stmt.setBoolean(9, revoked);
            stmt.setBoolean(10, false);
            stmt.executeUpdate();
        }
    }


    private void revoke(String token) throws Exception {
        try (Connection conn = dataSource().getConnection()) {
            conn.setAutoCommit(false);
            try (PreparedStatement update = conn.prepareStatement(
                    "UPDATE oauth_token SET revoked = TRUE WHERE token_digest = ?");
                    PreparedStatement event = conn.prepareStatement(INSERT_EVENT)) {
                update.setString(1, TokenDigest.of(token).hex());
                update.executeUpdate();
                event.setString(1, "token");
                event.setString(2, TokenDigest.of(token).hex());
                event.setLong(3, System.currentTimeMillis());
                event.executeUpdate();
            }
            conn.commit();
        }
    }


    @Test
    void invokeWhenTokenInStoreThenAdmittedWithPrincipal() throws Exception {
        // TEST
        HttpResponse<String> response = tomcat.get("/app/audit/1", "Authorization", "Bearer " + TOKEN);

        // VERIFY
        Assertions.assertEquals(200, response.statusCode(), response.body());
        Assertions.assertTrue(response.body().contains("user=alice"), response.body());
        Assertions.assertTrue(response.body().contains("role.update=true"), response.body());
        Assertions.assertTrue(response.body().contains("expiresAt=" + expiresAt / 1000 + " java.lang.Long"),
                response.body());
    }


    @Test
    void invokeWhenTokenRevokedOrUnknownThenInvalidToken() throws Exception {
        // TEST
        HttpResponse<String> revoked = tomcat.get("/app/orders", "Authorization", "Bearer " + REVOKED);
        HttpResponse<String> unknown = tomcat.get("/app/orders", "Authorization", "Bearer unknown");

        // VERIFY
        Assertions.assertEquals(401, revoked.statusCode());
        Assertions.assertEquals(401, unknown.statusCode());
    }


    @Test
    void invokeWhenRevocationEventWrittenThenRefusedWithinTwoSeconds() throws Exception {
        // PREPARE
        Assertions.assertEquals(200, tomcat.get("/app/orders", "Authorization", "Bearer " + TOKEN).statusCode());
        Poll.await("the valve trusts its cache", Duration.ofSeconds(5), () -> Boolean.valueOf(valve.isCacheTrusted()));
        Assertions.assertEquals(200, tomcat.get("/app/orders", "Authorization", "Bearer " + TOKEN).statusCode());
        long hits = valve.getCacheHitCount();
        Assertions.assertEquals(200, tomcat.get("/app/orders", "Authorization", "Bearer " + TOKEN).statusCode());
        Assertions.assertEquals(hits + 1, valve.getCacheHitCount());

        // TEST
        long revokedAt = System.nanoTime();
        revoke(TOKEN);
        Poll.Result<Integer> refused = Poll.within("the revoked token refused", Duration.ofSeconds(2), revokedAt,
                () -> Integer.valueOf(tomcat.get("/app/orders", "Authorization", "Bearer " + TOKEN).statusCode()),
                status -> status.intValue() != 200);

        // VERIFY
        Assertions.assertEquals(401, refused.value().intValue());
        // the refusal may come from an introspection while the cache is momentarily untrusted, before the poll
        // that applies the event: that poll must still come
        Poll.await("the revocation event applied", Duration.ofSeconds(2),
                () -> Boolean.valueOf(valve.getRevocationCursor() == 1));
    }
    @Test
    void invokeWhenApplicationHasTierInStoreThenSixthRequestTooManyRequests() throws Exception {
        // PREPARE
        execute("UPDATE oauth_application SET tier_name = 'Trial' WHERE id = 7");

        // TEST
        int ok = 0;
        HttpResponse<String> sixth = null;
        for (int i = 0; i < 6; i++) {
            sixth = tomcat.get("/app/orders", "Authorization", "Bearer " + TOKEN);
            ok += sixth.statusCode() == 200 ? 1 : 0;
        }

        // VERIFY
        Assertions.assertEquals(5, ok);
        Assertions.assertEquals(429, sixth.statusCode());
        Assertions.assertEquals("\"Trial\";q=5;w=60", sixth.headers().firstValue("RateLimit-Policy").orElse(null));
        Assertions.assertTrue(sixth.headers().firstValue("Retry-After").isPresent());
    }


    @Test
    void invokeWhenOtherGatewayCountedInTheStoreThenThisGatewayServesTheRest() throws Exception {
        // PREPARE: another gateway on the same store served 4 of the 5 of this window
        execute("UPDATE oauth_application SET tier_name = 'Trial' WHERE id = 7");
        long window = TestScopeValveThrottling.WINDOW_ALIGNED;
        execute("INSERT INTO oauth_quota_count VALUES ('7', " + window + ", 4, 0)");

        // TEST: the first request creates the bucket; the next exchange charges it with the other gateway's 4
        int first = tomcat.get("/app/orders", "Authorization", "Bearer " + TOKEN).statusCode();
        Poll.await("this gateway's request counted in the store", Duration.ofSeconds(3),
                () -> Boolean.valueOf(count("7") == 5));
        // the exchange that wrote the count charges the bucket after it: the one after it starts once it is done
        long exchanges = valve.getQuotaSyncCount();
        Poll.await("two more exchanges", Duration.ofSeconds(3),
                () -> Boolean.valueOf(valve.getQuotaSyncCount() >= exchanges + 2));
        int second = tomcat.get("/app/orders", "Authorization", "Bearer " + TOKEN).statusCode();

        // VERIFY
        Assertions.assertEquals(200, first);
        Assertions.assertEquals(5, count("7"), "this gateway's request added to the store's count");
        Assertions.assertEquals(429, second);
        Assertions.assertTrue(valve.isQuotaSyncAvailable());
    }


    private void execute(String sql) throws Exception {
        try (Connection conn = dataSource().getConnection(); Statement stmt = conn.createStatement()) {
            stmt.execute(sql);
        }
    }


    private long count(String key) throws Exception {
        try (Connection conn = dataSource().getConnection();
                PreparedStatement stmt = conn.prepareStatement(
                        "SELECT requests FROM oauth_quota_count WHERE counter_key = ?")) {
            stmt.setString(1, key);
            try (ResultSet rs = stmt.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }
}
