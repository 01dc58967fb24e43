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
package org.scopegate.valve.throttle;

import java.io.IOException;
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

/**
 * Exchanges quota counts through the store itself (the valve's {@code dataSourceName} mode): the same
 * {@code oauth_quota_count} rows and the same statements as the key manager's {@code /token/quota-counts}, so
 * gateways on one database (PostgreSQL, or Derby's network server) agree without any key manager.
 */
public final class DataSourceQuotaCountExchange implements QuotaCountExchange {

    private static final StringManager sm = StringManager.getManager(DataSourceQuotaCountExchange.class);

    private final Context namingContext;
    private final String dataSourceName;
    private final LongSupplier epochMillisClock;


    /**
     * @param namingContext    the server's global naming context
     * @param dataSourceName   the name of the DataSource in it
     * @param epochMillisClock wall clock, for {@code updated_at}
     */
    public DataSourceQuotaCountExchange(Context namingContext, String dataSourceName,
            LongSupplier epochMillisClock) {
        this.namingContext = namingContext;
        this.dataSourceName = dataSourceName;
        this.epochMillisClock = epochMillisClock;
    }


    @Override
    public List<QuotaCount> exchange(List<QuotaCount> counts) throws IOException {
        try (Connection conn = open()) {
            boolean autoCommit = conn.getAutoCommit();
            conn.setAutoCommit(false);
            try {
                List<QuotaCount> answer = QuotaCountStatements.addAll(conn, counts, epochMillisClock.getAsLong());
                conn.commit();
                return answer;
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IOException(e.toString(), e);
        }
    }


    @Override
    public String describe() {
        return sm.getString("dataSourceQuotaCountExchange.describe", dataSourceName);
    }


    private Connection open() throws SQLException {
        Object resource;
        try {
            resource = namingContext.lookup(dataSourceName);
        } catch (NamingException e) {
            throw new SQLException(e.toString(), e);
        }
        if (!(resource instanceof DataSource dataSource)) {
            throw new SQLException(dataSourceName + " is not a DataSource");
        }
        return dataSource.getConnection();
    }


    /**
     * The statements on {@code oauth_quota_count}, kept the same as the token service's {@code QuotaCountStore}.
     */
    static final class QuotaCountStatements {

        private static final String ADD_SAME_WINDOW = "UPDATE oauth_quota_count SET requests = requests + ?, " +
                "updated_at = ? WHERE counter_key = ? AND window_start = ?";
        private static final String START_WINDOW = "UPDATE oauth_quota_count SET window_start = ?, requests = ?, " +
                "updated_at = ? WHERE counter_key = ? AND window_start < ?";
        private static final String ADD_LATER_WINDOW = "UPDATE oauth_quota_count SET requests = requests + ?, " +
                "updated_at = ? WHERE counter_key = ?";
        private static final String INSERT = "INSERT INTO oauth_quota_count (counter_key, window_start, requests, " +
                "updated_at) VALUES (?, ?, ?, ?)";
        private static final String SELECT = "SELECT window_start, requests FROM oauth_quota_count " +
                "WHERE counter_key = ?";

        private QuotaCountStatements() {
        }


        static List<QuotaCount> addAll(Connection conn, List<QuotaCount> counts, long now) throws SQLException {
            List<QuotaCount> answer = new ArrayList<>(counts.size());
            for (QuotaCount count : counts) {
                if (count.requests() > 0) {
                    add(conn, count, now);
                }
                try (PreparedStatement ps = conn.prepareStatement(SELECT)) {
                    ps.setString(1, count.key());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            answer.add(new QuotaCount(count.key(), rs.getLong(1), rs.getLong(2)));
                        }
                    }
                }
            }
            return answer;
        }


        private static void add(Connection conn, QuotaCount count, long now) throws SQLException {
            if (update(conn, ADD_SAME_WINDOW, count.requests(), now, count.key(), count.windowStart()) ||
                    startWindow(conn, count, now) ||
                    update(conn, ADD_LATER_WINDOW, count.requests(), now, count.key(), -1)) {
                return;
            }
            try (PreparedStatement ps = conn.prepareStatement(INSERT)) {
                ps.setString(1, count.key());
                ps.setLong(2, count.windowStart());
                ps.setLong(3, count.requests());
                ps.setLong(4, now);
                ps.executeUpdate();
            }
        }


        private static boolean startWindow(Connection conn, QuotaCount count, long now) throws SQLException {
            try (PreparedStatement ps = conn.prepareStatement(START_WINDOW)) {
                ps.setLong(1, count.windowStart());
                ps.setLong(2, count.requests());
                ps.setLong(3, now);
                ps.setString(4, count.key());
                ps.setLong(5, count.windowStart());
                return ps.executeUpdate() > 0;
            }
        }


        private static boolean update(Connection conn, String sql, long requests, long now, String key,
                long windowStart) throws SQLException {
            try (PreparedStatement ps = conn.prepareStatement(sql)) {
                ps.setLong(1, requests);
                ps.setLong(2, now);
                ps.setString(3, key);
                if (windowStart >= 0) {
                    ps.setLong(4, windowStart);
                }
                return ps.executeUpdate() > 0;
            }
        }
    }
}
