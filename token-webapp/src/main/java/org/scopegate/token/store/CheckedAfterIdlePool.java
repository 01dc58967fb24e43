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

import java.sql.SQLException;
import java.time.Duration;

import javax.management.ObjectName;

import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.commons.dbcp2.ConnectionFactory;
import org.apache.commons.dbcp2.PoolableConnection;
import org.apache.commons.dbcp2.PoolableConnectionFactory;
import org.apache.commons.pool2.PooledObject;

/**
 * A DBCP2 pool that checks a connection before lending it only when the connection sat idle for
 * {@link #CHECK_AFTER_IDLE} or more (as HikariCP's "alive bypass window"): a connection returned a moment ago by a
 * request that used it successfully is lent again without the round trip of a check, which on PostgreSQL costs about
 * as much as one of the store's queries; one that waited (the database may have restarted meanwhile) is checked. A
 * database restart takes longer than that second, so the connections it ended are either checked or already found
 * broken when it is back; only a connection the database ends less than a second after its last good use reaches one
 * request (a 503). A connection whose driver saw it break is closed and never lent again whatever its age. Set
 * {@code testOnBorrow} for the checks to happen.
 * <p>
 * The connection factory is configured from this pool's properties as {@link BasicDataSource} configures its own.
 */
final class CheckedAfterIdlePool extends BasicDataSource {

    /** A connection idle this long or longer is checked before it is lent. */
    static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(1);

    @Override
    protected PoolableConnectionFactory createPoolableConnectionFactory(ConnectionFactory driverConnectionFactory)
            throws SQLException {
        PoolableConnectionFactory factory = new CheckedAfterIdleFactory(driverConnectionFactory,
                getRegisteredJmxName());
        factory.setValidationQuery(getValidationQuery());
        factory.setValidationQueryTimeout(getValidationQueryTimeoutDuration());
        factory.setConnectionInitSql(getConnectionInitSqls());
        factory.setDefaultReadOnly(getDefaultReadOnly());
        factory.setDefaultAutoCommit(getDefaultAutoCommit());
        factory.setDefaultTransactionIsolation(getDefaultTransactionIsolation());
        factory.setDefaultCatalog(getDefaultCatalog());
        factory.setDefaultSchema(getDefaultSchema());
        factory.setCacheState(getCacheState());
        factory.setPoolStatements(isPoolPreparedStatements());
        factory.setClearStatementPoolOnReturn(isClearStatementPoolOnReturn());
        factory.setMaxOpenPreparedStatements(getMaxOpenPreparedStatements());
        factory.setMaxConn(getMaxConnDuration());
        factory.setRollbackOnReturn(getRollbackOnReturn());
        factory.setAutoCommitOnReturn(getAutoCommitOnReturn());
        factory.setDefaultQueryTimeout(getDefaultQueryTimeoutDuration());
        factory.setFastFailValidation(getFastFailValidation());
        factory.setDisconnectionSqlCodes(getDisconnectionSqlCodes());
        factory.setDisconnectionIgnoreSqlCodes(getDisconnectionIgnoreSqlCodes());
        validateConnectionFactory(factory);
        return factory;
    }

    /**
     * The pool's factory, with the check skipped for connections idle less than {@link #CHECK_AFTER_IDLE}.
     */
    private static final class CheckedAfterIdleFactory extends PoolableConnectionFactory {

        CheckedAfterIdleFactory(ConnectionFactory connectionFactory, ObjectName dataSourceJmxObjectName) {
            super(connectionFactory, dataSourceJmxObjectName);
        }

        @Override
        public boolean validateObject(PooledObject<PoolableConnection> p) {
            if (p.getIdleDuration().compareTo(CHECK_AFTER_IDLE) < 0) {
                try {
                    return !p.getObject().isClosed();
                } catch (SQLException e) {
                    return false;
                }
            }
            return super.validateObject(p);
        }
    }
}
