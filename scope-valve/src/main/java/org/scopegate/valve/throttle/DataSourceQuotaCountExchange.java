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
import java.sql.SQLException;
import java.util.List;
import java.util.function.LongSupplier;

import javax.naming.Context;
import javax.naming.NamingException;
import javax.sql.DataSource;

import org.apache.tomcat.util.res.StringManager;
import org.scopegate.common.store.QuotaCount;
import org.scopegate.common.store.QuotaCountStore;

/**
 * Exchanges quota counts through the store itself (the valve's {@code dataSourceName} mode): the same
 * {@code oauth_quota_count} rows and the same statements ({@link QuotaCountStore}, shared with the token service) as
 * the key manager's {@code /token/quota-counts}, so gateways on one database (PostgreSQL, or Derby's network server)
 * agree without any key manager.
 */
public final class DataSourceQuotaCountExchange implements QuotaCountExchange {

    private static final StringManager sm = StringManager.getManager(DataSourceQuotaCountExchange.class);

    private final Context namingContext;
    private final String dataSourceName;
    private final LongSupplier epochMillisClock;
    private final QuotaCountStore quotaCounts = new QuotaCountStore();


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
                List<QuotaCount> answer = quotaCounts.addAll(conn, counts, epochMillisClock.getAsLong());
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

}
