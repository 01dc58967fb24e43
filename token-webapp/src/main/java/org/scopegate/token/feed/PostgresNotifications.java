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
package org.scopegate.token.feed;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.token.Messages;
import org.scopegate.token.store.RevocationEventStore;

/**
 * Carries the events other key managers commit to this one's {@link RevocationHub}: PostgreSQL's {@code LISTEN} on
 * {@link RevocationEventStore#NOTIFY_CHANNEL} (every transaction that writes events sends a {@code NOTIFY}, which
 * PostgreSQL delivers at commit, in commit order), on a connection of its own taken from the pool for as long as
 * the key manager runs. Each notification makes the hub read the event table at once; the hub's periodic read
 * remains the safety net for a notification lost with a broken connection. The connection is re-made after a
 * failure, with a growing pause.
 * <p>
 * The driver may come from the webapp or, with a JNDI DataSource, from {@code $CATALINA_HOME/lib}, so
 * {@code org.postgresql.PGConnection} is looked up in the class loaders that may hold it and its
 * {@code getNotifications(int)} called by reflection: the webapp does not need the driver at compile time, and two
 * copies of the driver cannot confuse it.
 */
public final class PostgresNotifications implements Runnable {

    private static final Log log = LogFactory.getLog(PostgresNotifications.class);

    private static final String PG_CONNECTION = "org.postgresql.PGConnection";
    private static final int WAIT_MILLIS = 500;
    private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long MAX_PAUSE_MILLIS = 10_000;

    private final DataSource dataSource;
    private final RevocationHub hub;
    private final ClassLoader webappClassLoader;
    private volatile boolean stopped;
    private volatile boolean listening;
    private Thread thread;


    /**
     * @param dataSource        the store's pool
     * @param hub               told of every notification
     * @param webappClassLoader the webapp's class loader, one place the driver may be
     */
    public PostgresNotifications(DataSource dataSource, RevocationHub hub, ClassLoader webappClassLoader) {
        this.dataSource = dataSource;
        this.hub = hub;
        this.webappClassLoader = webappClassLoader;
    }


    /**
     * @param dataSource the store's pool
     * @return whether the store is PostgreSQL
     * @throws SQLException when it cannot be asked
     */
    public static boolean isPostgreSql(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
        }
    }


    /**
     * Starts the listening thread.
     */
    public synchronized void start() {
        if (thread == null && !stopped) {
            thread = new Thread(this, "scopegate-revocation-listen");
            thread.setDaemon(true);
            thread.start();
        }
    }


    /**
     * Stops listening and gives the connection back.
     */
    public void stop() {
        Thread t;
        synchronized (this) {
            stopped = true;
            t = thread;
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }


    /**
     * @return whether the notification connection is listening now
     */
    public boolean isListening() {
        return listening;
    }


    @Override
    public void run() {
        long pause = 500;
        boolean failing = false;
        while (!stopped) {
            try (Connection c = dataSource.getConnection()) {
                // each statement commits at once: LISTEN takes effect, and pg_stat_activity shows it as the
                // session's last statement (the pool restores its default when the connection comes back)
                c.setAutoCommit(true);
                Object pg = unwrap(c);
                Method getNotifications = pg.getClass().getMethod("getNotifications", int.class);
                listen(c, "LISTEN " + RevocationEventStore.NOTIFY_CHANNEL);
                listening = true;
                if (failing) {
                    failing = false;
                    log.info(Messages.get("postgresNotifications.listening"));
                }
                pause = 500;
                // Anything committed while we were not listening
                hub.requestRefresh();
                long lastCheck = System.nanoTime();
                while (!stopped) {
                    Object[] received = (Object[]) getNotifications.invoke(pg, Integer.valueOf(WAIT_MILLIS));
                    if (received != null && received.length > 0) {
                        hub.requestRefresh();
                        lastCheck = System.nanoTime();
                    } else if (System.nanoTime() - lastCheck > CHECK_NANOS) {
                        // A quiet connection may be dead without saying so
                        listen(c, "SELECT 1");
                        lastCheck = System.nanoTime();
                    }
                }
                listening = false;
                listen(c, "UNLISTEN *");
            } catch (SQLException | ReflectiveOperationException | RuntimeException e) {
                listening = false;
                Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ?
                        ite.getCause() : e;
                if (!failing) {
                    failing = true;
                    log.warn(Messages.get("postgresNotifications.failed", String.valueOf(cause)));
                }
                if (e instanceof ClassNotFoundException) {
                    // No PostgreSQL driver to talk to: the periodic read of the hub is all there is
                    return;
                }
            }
            sleep(pause);
            pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
        }
    }


    private static void listen(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }


    /**
     * Finds the driver's {@code PGConnection} behind a pooled connection, trying each class loader the driver may
     * have come from.
     *
     * @param c a pooled connection
     * @return the driver's connection object
     * @throws SQLException when the pool refuses to unwrap it
     * @throws ClassNotFoundException when no class loader knows the driver
     */
    Object unwrap(Connection c) throws SQLException, ClassNotFoundException {
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        loaders.add(webappClassLoader);
        loaders.add(dataSource.getClass().getClassLoader());
        loaders.add(c.getClass().getClassLoader());
        loaders.add(Thread.currentThread().getContextClassLoader());
        boolean found = false;
        for (ClassLoader loader : loaders) {
            if (loader == null) {
                continue;
            }
            Class<?> type;
            try {
                type = Class.forName(PG_CONNECTION, false, loader);
            } catch (ClassNotFoundException e) {
                continue;
            }
            found = true;
            if (type.isInstance(c)) {
                return c;
            }
            if (c.isWrapperFor(type)) {
                return c.unwrap(type);
            }
        }
        if (!found) {
            throw new ClassNotFoundException(PG_CONNECTION);
        }
        throw new SQLException("The pool does not unwrap its connections to " + PG_CONNECTION);
    }


    private void sleep(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!stopped && System.nanoTime() < deadline) {
            try {
                Thread.sleep(Math.min(100, millis));
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
