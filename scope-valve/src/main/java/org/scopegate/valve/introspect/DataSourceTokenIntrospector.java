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

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import javax.naming.Context;
import javax.naming.NamingException;
import javax.sql.DataSource;

import org.apache.tomcat.util.res.StringManager;
import org.scopegate.common.store.PooledStatements;
import org.scopegate.valve.throttle.QuotaPolicy;

/**
 * Reads the token store directly (protocol.md section 9) through a DataSource of the server's global JNDI
 * resources, as {@code DataSourceRealm} does: the resource is looked up on every call (the pool is a singleton, so
 * nothing goes stale) and every failure becomes an {@link IntrospectionException}, which keeps the gate closed.
 */
public class DataSourceTokenIntrospector implements TokenIntrospector {

    private static final StringManager sm = StringManager.getManager(DataSourceTokenIntrospector.class);

    private static final String SELECT_TOKEN = "SELECT token_kind, client_id, username, scope, expires_at, revoked " +
            "FROM oauth_token WHERE token_digest = ?";
    private static final String SELECT_TIER = "SELECT c.application_id, t.name, t.request_quota, t.window_seconds, " +
            "t.burst FROM oauth_client c JOIN oauth_application a ON a.id = c.application_id " +
            "JOIN oauth_throttle_tier t ON t.name = a.tier_name WHERE c.client_id = ?";
    private static final String SELECT_MAX_EVENT = "SELECT MAX(id) FROM oauth_revocation_event";
    private static final String SELECT_MIN_EVENT = "SELECT MIN(id) FROM oauth_revocation_event";
    private static final String SELECT_EVENTS = "SELECT id, event_type, event_value, created_at " +
            "FROM oauth_revocation_event WHERE id > ? ORDER BY id";

    private final Context namingContext;
    private final String dataSourceName;
    private final LongSupplier epochMillisClock;


    /**
     * @param namingContext    the server's global naming context
     * @param dataSourceName   the name of the DataSource in it
     * @param epochMillisClock wall clock, to compare with {@code expires_at}
     */
    public DataSourceTokenIntrospector(Context namingContext, String dataSourceName,
            LongSupplier epochMillisClock) {
        this.namingContext = namingContext;
        this.dataSourceName = dataSourceName;
        this.epochMillisClock = epochMillisClock;
    }


    @Override
    public TokenInfo introspect(String token, TokenDigest digest) throws IntrospectionException {
        try (Connection borrowed = open();
                PreparedStatement stmt = PooledStatements.on(borrowed).prepareStatement(SELECT_TOKEN)) {
            stmt.setString(1, digest.hex());
            try (ResultSet rs = stmt.executeQuery()) {
                if (!rs.next()) {
                    return TokenInfo.INACTIVE;
                }
                String kind = rs.getString(1);
                String clientId = rs.getString(2);
                String username = rs.getString(3);
                String scope = rs.getString(4);
                long expiresAt = rs.getLong(5);
                boolean revoked = rs.getBoolean(6);
                if (!"A".equals(kind == null ? null : kind.trim()) || revoked ||
                        expiresAt <= epochMillisClock.getAsLong()) {
                    return TokenInfo.INACTIVE;
                }
                return withTier(PooledStatements.on(borrowed), username, clientId, scope, expiresAt / 1000L);
            }
        } catch (SQLException e) {
            throw new IntrospectionException(sm.getString("dataSourceTokenIntrospector.sqlError", dataSourceName,
                    e.getMessage()), e);
        }
    }


    /**
     * Adds the quota of the token's application, as the introspection endpoint's {@code throttling} member does.
     */
    private static TokenInfo withTier(Connection conn, String username, String clientId, String scope,
            long expiresAt) throws SQLException {
        try (PreparedStatement stmt = conn.prepareStatement(SELECT_TIER)) {
            stmt.setString(1, clientId);
            try (ResultSet rs = stmt.executeQuery()) {
                if (!rs.next()) {
                    return TokenInfo.active(username, clientId, scope, expiresAt);
                }
                String application = Long.toString(rs.getLong(1));
                long quota = rs.getLong(3);
                QuotaPolicy policy = quota <= 0 ? null :
                        QuotaPolicy.of(rs.getString(2), quota, rs.getLong(4), rs.getLong(5));
                return TokenInfo.active(username, clientId, scope, expiresAt, application, policy);
            }
        }
    }


    @Override
    public RevocationBatch revocations(long after) throws IntrospectionException {
        try (Connection borrowed = open()) {
            Connection conn = PooledStatements.on(borrowed);
            long max = queryLong(conn, SELECT_MAX_EVENT);
            if (after < 0) {
                return new RevocationBatch(max, false, List.of());
            }
            long min = queryLong(conn, SELECT_MIN_EVENT);
            if (min > 0 && after < min - 1) {
                // Events after our cursor may have been purged: the valve must drop its whole cache
                return new RevocationBatch(max, true, List.of());
            }
            List<RevocationEvent> events = new ArrayList<>();
            long cursor = after;
            try (PreparedStatement stmt = conn.prepareStatement(SELECT_EVENTS)) {
                stmt.setMaxRows(RevocationBatch.MAX_EVENTS);
                stmt.setLong(1, after);
                try (ResultSet rs = stmt.executeQuery()) {
                    while (rs.next()) {
                        cursor = rs.getLong(1);
                        events.add(new RevocationEvent(rs.getString(2), rs.getString(3), rs.getLong(4)));
                    }
                }
            }
            return new RevocationBatch(cursor, false, List.copyOf(events));
        } catch (SQLException e) {
            throw new IntrospectionException(sm.getString("dataSourceTokenIntrospector.sqlError", dataSourceName,
                    e.getMessage()), e);
        }
    }


    @Override
    public String describe() {
        return sm.getString("dataSourceTokenIntrospector.describe", dataSourceName);
    }


    /**
     * Looks the DataSource up and opens a connection, like {@code DataSourceRealm.open()}. Tests may override it.
     *
     * @return an open connection
     *
     * @throws SQLException when the resource is missing or the database cannot be reached
     */
    protected Connection open() throws SQLException {
        Object resource;
        try {
            resource = namingContext.lookup(dataSourceName);
        } catch (NamingException e) {
            throw new SQLException(sm.getString("dataSourceTokenIntrospector.lookup", dataSourceName), e);
        }
        if (!(resource instanceof DataSource dataSource)) {
            throw new SQLException(sm.getString("dataSourceTokenIntrospector.notDataSource", dataSourceName));
        }
        return dataSource.getConnection();
    }


    private static long queryLong(Connection conn, String sql) throws SQLException {
        try (PreparedStatement stmt = conn.prepareStatement(sql); ResultSet rs = stmt.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
