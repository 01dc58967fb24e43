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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Enumeration;
import java.util.Properties;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.derby.jdbc.EmbeddedDriver;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.token.Messages;
import org.scopegate.token.config.JdbcSettings;

/**
 * Opens the store: a JNDI DataSource named in the configuration, or the webapp's own DBCP2 pool on PostgreSQL
 * (a JDBC URL, with the PostgreSQL driver the WAR carries) or on embedded Derby; and closes what it opened, shutting
 * down the embedded database and, when the WAR brought Derby itself, the Derby engine, and deregistering the JDBC
 * drivers the WAR registered. Nothing here connects: the first connection is the start-up's
 * ({@link StoreStarter}).
 */
public final class DataSources implements AutoCloseable {

    private static final Log log = LogFactory.getLog(DataSources.class);
    private static final int POOL_SIZE = 20;
    /** Seconds a connection attempt to PostgreSQL may take, unless the URL says otherwise. */
    private static final String CONNECT_TIMEOUT = "5";
    private static final String DERBY_PAGE_CACHE = "derby.storage.pageCacheSize";
    private static final String DERBY_ERROR_FILE = "derby.stream.error.file";

    private final DataSource dataSource;
    private final BasicDataSource pool;
    private final Driver driver;
    private final String url;

    private DataSources(DataSource dataSource, BasicDataSource pool, Driver driver, String url) {
        this.dataSource = dataSource;
        this.pool = pool;
        this.driver = driver;
        this.url = url;
    }

    /**
     * @param name JNDI name under {@code java:comp/env}
     * @return the looked-up DataSource (not closed by {@link #close()})
     * @throws NamingException when the name is not bound
     */
    public static DataSources jndi(String name) throws NamingException {
        DataSource ds = (DataSource) new InitialContext().lookup("java:comp/env/" + name);
        log.info(Messages.get("dataSources.jndi", name));
        return new DataSources(ds, null, null, null);
    }

    /**
     * A pool of connections to PostgreSQL. A connection that sat idle for a second or more is checked before use
     * ({@link CheckedAfterIdlePool}), and idle connections are checked in the background, so that a database restart
     * costs no request once the pool is quiet.
     *
     * @param settings URL, user, password, pool size
     * @return the pool (no connection is opened yet)
     */
    public static DataSources postgreSql(JdbcSettings settings) {
        BasicDataSource pool = new CheckedAfterIdlePool();
        pool.setDriver(new org.postgresql.Driver());
        pool.setUrl(settings.url());
        if (settings.user() != null) {
            pool.setUsername(settings.user());
        }
        if (settings.password() != null) {
            pool.setPassword(settings.password());
        }
        // Defaults the URL may override (its parameters win over these properties).
        pool.setConnectionProperties("connectTimeout=" + CONNECT_TIMEOUT + ";tcpKeepAlive=true;"
                + "ApplicationName=ScopeGate token service");
        pool.setMaxTotal(settings.poolSize());
        pool.setMaxIdle(settings.poolSize());
        // No connection is opened in the background: while the database is away, nothing but requests retries.
        pool.setMinIdle(0);
        pool.setDefaultAutoCommit(Boolean.FALSE);
        pool.setAutoCommitOnReturn(false);
        pool.setRollbackOnReturn(true);
        // PooledStatements prepares statements below the pool's wrappers
        pool.setAccessToUnderlyingConnectionAllowed(true);
        // PostgreSQL's default isolation is READ COMMITTED; setting it here would make the pool ask the server for
        // the isolation of every borrowed connection (SHOW TRANSACTION ISOLATION LEVEL).
        pool.setTestOnBorrow(true);
        pool.setValidationQueryTimeout(Duration.ofSeconds(5));
        pool.setTestWhileIdle(true);
        pool.setDurationBetweenEvictionRuns(Duration.ofSeconds(30));
        pool.setNumTestsPerEvictionRun(settings.poolSize());
        pool.setMinEvictableIdle(Duration.ofMinutes(10));
        pool.setMaxWait(Duration.ofSeconds(10));
        log.info(Messages.get("dataSources.postgresql", settings.safeUrl(),
                settings.user() != null ? settings.user() : "(from the URL)", String.valueOf(settings.poolSize())));
        return new DataSources(pool, pool, null, settings.safeUrl());
    }

    /**
     * @param directory database directory (created when absent)
     * @return a pool on the embedded Derby database
     */
    public static DataSources embeddedDerby(Path directory) {
        if (System.getProperty(DERBY_PAGE_CACHE) == null) {
            // Derby's page cache counts pages, and a page of oauth_token is 32 KiB (its scope column is VARCHAR(2000));
            // an index page is 4 KiB. 1,000 pages (Derby's own default) hold at most about 32 MiB of heap, within the
            // 256 MiB the README recommends; 4,000 pages held up to 125 MiB on a large store
            System.setProperty(DERBY_PAGE_CACHE, "1000");
        }
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null) {
            // derby.log goes next to the database, and Derby opens it when it boots, before it creates the database's
            // directories: on a first start in a stock Tomcat (no data/ yet) it would print a FileNotFoundException to
            // catalina.out and log there instead
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                log.warn(Messages.get("dataSources.noDirectory", parent.toString(), e.toString()));
            }
        }
        if (System.getProperty(DERBY_ERROR_FILE) == null && System.getProperty("derby.stream.error.field") == null
                && System.getProperty("derby.stream.error.method") == null) {
            System.setProperty(DERBY_ERROR_FILE,
                    (parent != null ? parent : directory.toAbsolutePath()).resolve("derby.log").toString());
        }
        Driver driver = new EmbeddedDriver();
        String url = "jdbc:derby:" + directory.toAbsolutePath();
        BasicDataSource pool = new BasicDataSource();
        pool.setDriver(driver);
        pool.setUrl(url + ";create=true");
        pool.setMaxTotal(POOL_SIZE);
        pool.setMaxIdle(POOL_SIZE);
        pool.setMinIdle(2);
        pool.setDefaultAutoCommit(Boolean.FALSE);
        pool.setAutoCommitOnReturn(false);
        pool.setRollbackOnReturn(true);
        // PooledStatements prepares statements below the pool's wrappers
        pool.setAccessToUnderlyingConnectionAllowed(true);
        pool.setDefaultTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        pool.setPoolPreparedStatements(true);
        pool.setMaxOpenPreparedStatements(100);
        pool.setMaxWait(Duration.ofSeconds(10));
        log.info(Messages.get("dataSources.embedded", directory.toAbsolutePath().toString()));
        return new DataSources(pool, pool, driver, url);
    }

    /**
     * @return the store
     */
    public DataSource getDataSource() {
        return dataSource;
    }

    /**
     * Closes the pool and shuts down what this class started.
     *
     * @param webappClassLoader the webapp's class loader, to tell whether Derby came with the WAR
     */
    public void close(ClassLoader webappClassLoader) {
        if (pool != null) {
            try {
                pool.close();
            } catch (SQLException e) {
                log.warn(Messages.get("dataSources.closeFailed", url), e);
            }
        }
        if (driver != null) {
            shutdownDerby(url + ";shutdown=true", "08006");
            if (driver.getClass().getClassLoader() == webappClassLoader) {
                shutdownDerby("jdbc:derby:;shutdown=true", "XJ015");
            }
        }
        deregisterDrivers(webappClassLoader);
    }

    /**
     * Same as {@link #close(ClassLoader)} with the context class loader.
     */
    @Override
    public void close() {
        close(Thread.currentThread().getContextClassLoader());
    }

    private void shutdownDerby(String shutdownUrl, String expectedState) {
        try {
            Connection c = driver.connect(shutdownUrl, new Properties());
            if (c != null) {
                c.close();
            }
        } catch (SQLException e) {
            if (!expectedState.equals(e.getSQLState())) {
                log.warn(Messages.get("dataSources.shutdownFailed", url), e);
            }
        }
    }

    private static void deregisterDrivers(ClassLoader webappClassLoader) {
        // Listing the drivers loads, through the webapp's class loader, the classes of those registered by others
        // (e.g. the PostgreSQL driver of $CATALINA_HOME/lib, which the WAR carries too): the WAR's copy then
        // registers itself. The second listing sees it (as Tomcat's own JdbcLeakPrevention does).
        DriverManager.getDrivers();
        Enumeration<Driver> drivers = DriverManager.getDrivers();
        while (drivers.hasMoreElements()) {
            Driver d = drivers.nextElement();
            if (d.getClass().getClassLoader() == webappClassLoader) {
                try {
                    DriverManager.deregisterDriver(d);
                } catch (SQLException e) {
                    log.warn(Messages.get("tokenServiceListener.driverDeregisterFailed", d.getClass().getName()), e);
                }
            }
        }
    }
}
