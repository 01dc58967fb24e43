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
package org.scopegate.token;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.catalina.LifecycleState;
import org.scopegate.testsupport.TestDatabase;

/**
 * Several equal key managers on one PostgreSQL database, as in the "Several servers" layout: each is an embedded
 * Tomcat with its own token service and its own pool, all on the same database of the test JVM's PostgreSQL cluster,
 * sharing the admin secret. Any of them administers the store; a test sends the two halves of a race to two of them.
 * <pre>
 * try (KeyManagers kms = KeyManagers.start(2, "race")) {
 *     kms.get(0).createUser("alice", "Granite-Heron-7741");
 *     ... kms.get(1).postForm("", basic, "grant_type=password&amp;...") ...
 * }
 * </pre>
 * Needs PostgreSQL: classes using it run in the store tests' PostgreSQL execution only
 * ({@code @EnabledIfSystemProperty(named = "scopegate.test.store", matches = "postgres")}).
 */
public final class KeyManagers implements AutoCloseable {

    private final TestDatabase database;
    private final List<Path> bases = new ArrayList<>();
    private final List<EmbeddedTokenServer> servers = new ArrayList<>();

    private KeyManagers(TestDatabase database) {
        this.database = database;
    }

    /**
     * Starts key managers one after the other on a new database.
     *
     * @param count how many
     * @param name a readable part of the database's name
     * @return the running key managers
     * @throws Exception when one does not start
     */
    public static KeyManagers start(int count, String name) throws Exception {
        return start(count, name, server -> {
        });
    }

    /**
     * Starts key managers one after the other on a new database.
     *
     * @param count how many
     * @param name a readable part of the database's name
     * @param configure applied to each server before it starts (context parameters)
     * @return the running key managers
     * @throws Exception when one does not start
     */
    public static KeyManagers start(int count, String name, Consumer<EmbeddedTokenServer> configure)
            throws Exception {
        if (!TestDatabase.onPostgres()) {
            throw new IllegalStateException("Several key managers share a PostgreSQL database: run with -D"
                    + TestDatabase.ENGINE_PROPERTY + "=postgres");
        }
        KeyManagers kms = new KeyManagers(TestDatabase.fresh("km_" + name));
        try {
            for (int i = 0; i < count; i++) {
                kms.add(configure);
            }
        } catch (Exception | Error e) {
            kms.close();
            throw e;
        }
        return kms;
    }

    /**
     * Starts one more key manager on the same database, with the same admin secret.
     *
     * @param configure applied to it before it starts
     * @return the new key manager
     * @throws Exception when it does not start
     */
    public EmbeddedTokenServer add(Consumer<EmbeddedTokenServer> configure) throws Exception {
        Path base = Files.createTempDirectory("km" + servers.size() + "-");
        bases.add(base);
        EmbeddedTokenServer server = new EmbeddedTokenServer(base).on(database);
        if (!servers.isEmpty()) {
            Path secret = base.resolve("conf/token-admin.secret");
            Files.createDirectories(secret.getParent());
            Files.writeString(secret, servers.get(0).adminSecret());
        }
        configure.accept(server);
        servers.add(server);
        LifecycleState state = server.start();
        if (state != LifecycleState.STARTED) {
            throw new IllegalStateException("Key manager " + (servers.size() - 1) + " did not start: " + state);
        }
        return server;
    }

    /**
     * @param index 0, 1, ...
     * @return that key manager
     */
    public EmbeddedTokenServer get(int index) {
        return servers.get(index);
    }

    /**
     * @return how many run
     */
    public int size() {
        return servers.size();
    }

    /**
     * @return the shared database
     */
    public TestDatabase database() {
        return database;
    }

    /**
     * @return a new connection to the shared database, auto-commit on (to look at or prepare rows directly)
     * @throws SQLException when the server refuses it
     */
    public Connection connect() throws SQLException {
        return java.sql.DriverManager.getConnection(database.url(), database.user(), database.password());
    }

    /**
     * Stops every key manager and deletes their directories.
     */
    @Override
    public void close() {
        for (EmbeddedTokenServer server : servers) {
            server.stopAndDelete();
        }
        servers.clear();
        for (Path base : bases) {
            try {
                Files.deleteIfExists(base);
            } catch (IOException e) {
                // the server deleted it
            }
        }
    }
}
