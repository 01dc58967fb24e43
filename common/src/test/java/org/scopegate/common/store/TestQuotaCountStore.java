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
package org.scopegate.common.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.TestDatabase;

/**
 * The shared quota counts on the real {@code oauth_quota_count} of the token service's migration, on Derby (and on
 * PostgreSQL in the {@code store-on-postgresql} run): the statements the token service's {@code /token/quota-counts}
 * and the valve's {@code dataSourceName} mode both run.
 */
public class TestQuotaCountStore {

    /** The migration that creates the table (the token service owns the schema). */
    private static final Path MIGRATION =
            Path.of("../token-webapp/src/main/resources/db/migration/V5_1__quota_counts.sql");
    private static final long WINDOW = 1_795_773_600_000L;
    private static final long NEXT_WINDOW = WINDOW + 60_000L;
    private static final long NOW = WINDOW + 1_000L;

    private final QuotaCountStore store = new QuotaCountStore();
    private Connection connection;


    @BeforeEach
    void createTable() throws Exception {
        TestDatabase db = TestDatabase.fresh("quota_counts");
        connection = DriverManager.getConnection(db.url(), db.user(), db.password());
        StringBuilder sql = new StringBuilder();
        for (String line : Files.readAllLines(MIGRATION, StandardCharsets.UTF_8)) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        try (Statement st = connection.createStatement()) {
            st.execute(sql.toString().strip().replaceFirst(";$", ""));
        }
        connection.setAutoCommit(false);
    }


    @AfterEach
    void close() throws SQLException {
        connection.rollback();
        connection.close();
    }


    private List<QuotaCount> report(QuotaCount... reports) throws SQLException {
        List<QuotaCount> answer = store.addAll(connection, List.of(reports), NOW);
        connection.commit();
        return answer;
    }


    @Test
    void addAllWhenTwoGatewaysReportInOneWindowThenCountsAddUp() throws Exception {
        // TEST
        List<QuotaCount> first = report(new QuotaCount("12", WINDOW, 3), new QuotaCount("12|rule:00112233", WINDOW, 1));
        List<QuotaCount> second = report(new QuotaCount("12", WINDOW, 2));

        // VERIFY
        Assertions.assertEquals(List.of(new QuotaCount("12", WINDOW, 3), new QuotaCount("12|rule:00112233", WINDOW, 1)),
                first);
        Assertions.assertEquals(List.of(new QuotaCount("12", WINDOW, 5)), second);
    }


    @Test
    void addAllWhenNewerWindowThenCountStartsAgainAndOlderWindowAddsToTheNewer() throws Exception {
        // PREPARE
        report(new QuotaCount("12", WINDOW, 4));

        // TEST
        List<QuotaCount> newer = report(new QuotaCount("12", NEXT_WINDOW, 1));
        List<QuotaCount> late = report(new QuotaCount("12", WINDOW, 2));

        // VERIFY: a gateway whose clock is behind counts in the newer window, never resets it
        Assertions.assertEquals(List.of(new QuotaCount("12", NEXT_WINDOW, 1)), newer);
        Assertions.assertEquals(List.of(new QuotaCount("12", NEXT_WINDOW, 3)), late);
    }


    @Test
    void addAllWhenNothingServedThenReadsTheCountAndAddsNoRow() throws Exception {
        // PREPARE
        report(new QuotaCount("12", WINDOW, 4));

        // TEST
        List<QuotaCount> known = report(new QuotaCount("12", WINDOW, 0));
        List<QuotaCount> unknown = report(new QuotaCount("99", WINDOW, 0));

        // VERIFY
        Assertions.assertEquals(List.of(new QuotaCount("12", WINDOW, 4)), known);
        Assertions.assertEquals(List.of(), unknown);
    }
}
