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

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The database engine under the store, read once from the connection's metadata at start. The store's SQL is the
 * same on both engines (the migrations and every statement are written for Derby 10.16 and PostgreSQL 10 and later);
 * the engine is named in the start-up log and decides the few things that differ, such as the embedded Derby
 * shut-down and the clause of a shared row lock ({@link #shareLockClause()}).
 *
 * @param engine the engine
 * @param productName the product name the driver reports
 * @param productVersion the server version the driver reports
 */
public record StoreDialect(Engine engine, String productName, String productVersion) {

    /** The engines the store runs on. */
    public enum Engine {
        /** Apache Derby (embedded or network server). */
        DERBY,
        /** PostgreSQL. */
        POSTGRESQL,
        /** Anything else: the portable SQL is tried as it is. */
        OTHER
    }

    /**
     * @param connection an open connection
     * @return the dialect of its database
     * @throws SQLException on a database failure
     */
    public static StoreDialect of(Connection connection) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String name = metaData.getDatabaseProductName();
        String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
        Engine engine = lower.contains("derby") ? Engine.DERBY
                : lower.contains("postgresql") ? Engine.POSTGRESQL : Engine.OTHER;
        return new StoreDialect(engine, name, metaData.getDatabaseProductVersion());
    }

    /**
     * @return whether the store is on PostgreSQL
     */
    public boolean isPostgreSql() {
        return engine == Engine.POSTGRESQL;
    }

    /**
     * @return what ends a {@code SELECT} that holds a shared lock on the rows it returns until the transaction ends:
     *         Derby's read stability ({@code WITH RS}), PostgreSQL's {@code FOR SHARE}
     */
    public String shareLockClause() {
        return engine == Engine.DERBY ? " WITH RS" : " FOR SHARE";
    }

    /**
     * @return e.g. {@code PostgreSQL 15.8}
     */
    public String describe() {
        return productName + " " + productVersion;
    }
}
