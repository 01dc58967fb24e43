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
package org.scopegate.common.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * JDBC access to {@code oauth_quota_count}: the requests the scope valves (gateways) served per counter and window,
 * added up so that several gateways enforce one quota together. The token service runs these statements for
 * {@code POST /token/quota-counts}; the scope valve's {@code dataSourceName} mode runs the very same ones on the same
 * rows (its relocated copy), so both ways of counting agree. The table belongs to the token service's migrations.
 */
public final class QuotaCountStore {

    private static final String ADD_SAME_WINDOW = "UPDATE oauth_quota_count SET requests = requests + ?, "
            + "updated_at = ? WHERE counter_key = ? AND window_start = ?";
    private static final String START_WINDOW = "UPDATE oauth_quota_count SET window_start = ?, requests = ?, "
            + "updated_at = ? WHERE counter_key = ? AND window_start < ?";
    private static final String ADD_LATER_WINDOW = "UPDATE oauth_quota_count SET requests = requests + ?, "
            + "updated_at = ? WHERE counter_key = ?";
    private static final String INSERT = "INSERT INTO oauth_quota_count (counter_key, window_start, requests, "
            + "updated_at) VALUES (?, ?, ?, ?)";
    private static final String SELECT = "SELECT window_start, requests FROM oauth_quota_count WHERE counter_key = ?";

    /**
     * Adds each report to its counter and reads the counters back. A report for the counter's window adds to it;
     * a report for a newer window starts the count again; a report for an older window (a gateway whose clock is
     * behind) adds to the newer one.
     *
     * @param connection a connection in a transaction
     * @param reports per counter: the reporting gateway's window and the requests it served since its last report
     * @param now epoch milliseconds
     * @return per counter that exists: its window and the requests of every gateway in it
     * @throws SQLException on a database failure, including two first reports of one counter at once (the
     *             gateways report again at their next exchange)
     */
    public List<QuotaCount> addAll(Connection connection, List<QuotaCount> reports, long now) throws SQLException {
        List<QuotaCount> answer = new ArrayList<>(reports.size());
        for (QuotaCount report : reports) {
            if (report.requests() > 0) {
                add(connection, report, now);
            }
            try (PreparedStatement ps = connection.prepareStatement(SELECT)) {
                ps.setString(1, report.key());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        answer.add(new QuotaCount(report.key(), rs.getLong(1), rs.getLong(2)));
                    }
                }
            }
        }
        return answer;
    }

    private static void add(Connection connection, QuotaCount report, long now) throws SQLException {
        if (update(connection, ADD_SAME_WINDOW, report, now, true) || startWindow(connection, report, now)
                || update(connection, ADD_LATER_WINDOW, report, now, false)) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            ps.setString(1, report.key());
            ps.setLong(2, report.windowStart());
            ps.setLong(3, report.requests());
            ps.setLong(4, now);
            ps.executeUpdate();
        }
    }

    private static boolean startWindow(Connection connection, QuotaCount report, long now) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(START_WINDOW)) {
            ps.setLong(1, report.windowStart());
            ps.setLong(2, report.requests());
            ps.setLong(3, now);
            ps.setString(4, report.key());
            ps.setLong(5, report.windowStart());
            return ps.executeUpdate() > 0;
        }
    }

    private static boolean update(Connection connection, String sql, QuotaCount report, long now,
            boolean sameWindow) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, report.requests());
            ps.setLong(2, now);
            ps.setString(3, report.key());
            if (sameWindow) {
                ps.setLong(4, report.windowStart());
            }
            return ps.executeUpdate() > 0;
        }
    }
}
