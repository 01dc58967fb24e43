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

import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.NoSuchElementException;

/**
 * Tells a store that is away for a while from a store that is set up wrong (docs/operations.md, "When the store
 * fails"):
 * <ul>
 * <li><b>unavailable</b> ({@link #isUnavailable(Throwable)}): the server cannot be reached or refuses connections for
 * now (SQLState class {@code 08} except an unknown host; {@code 57P01}-{@code 57P03}: shut down, crashed, starting;
 * class {@code 53}: too many connections, out of resources), a transaction lost a deadlock or a serialization
 * conflict (class {@code 40}), the pool had no connection within its wait, or another key manager holds the
 * migration lock longer than we waited. A request gets 503 with {@code Retry-After}; at start the key manager keeps
 * trying.</li>
 * <li>anything else at start is a <b>settings error</b> that retrying cannot fix: a bad password or unknown role
 * (class {@code 28}), a missing database ({@code 3D000}), an unknown host, a schema Flyway refuses. The webapp
 * stops with one log line.</li>
 * </ul>
 */
public final class StoreFailures {

    /** Seconds in the {@code Retry-After} of a 503 answered because the store is unavailable. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private StoreFailures() {
    }

    /**
     * @param failure an exception, possibly wrapping the database's
     * @return whether it says the store is away for now (retry later) rather than set up wrong
     */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException) {
                return true;
            }
            if (t instanceof UnknownHostException) {
                return false;
            }
            if (t instanceof NoSuchElementException && t.getCause() == null) {
                // commons-pool2: no idle connection within the pool's maximum wait
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08")) {
                    return !causedByUnknownHost(t);
                }
                if (state.startsWith("53") || state.startsWith("40") || "57P01".equals(state)
                        || "57P02".equals(state) || "57P03".equals(state) || "57014".equals(state)) {
                    return true;
                }
            }
            String message = t.getMessage();
            if (message != null && t.getClass().getName().startsWith("org.flywaydb.")
                    && message.contains("attempting to acquire PostgreSQL advisory lock")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * One line for the log: the innermost database message and its SQLState, never a password (the JDBC drivers'
     * messages do not carry one).
     *
     * @param failure an exception
     * @return {@code "message (SQLState xxxxx)"}
     */
    public static String describe(Throwable failure) {
        Throwable best = failure;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException || t instanceof UnknownHostException) {
                best = t;
            }
        }
        String message = best.getMessage();
        if (message == null || message.isBlank()) {
            message = best.getClass().getSimpleName();
        }
        message = message.replaceAll("\\s+", " ").trim();
        if (best instanceof UnknownHostException) {
            message = "unknown host " + message;
        }
        if (best instanceof SQLException sql && sql.getSQLState() != null) {
            message += " (SQLState " + sql.getSQLState() + ")";
        }
        return message;
    }

    private static boolean causedByUnknownHost(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }
}
