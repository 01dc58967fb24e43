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
package org.scopegate.token.metrics;

import java.sql.SQLException;
import java.util.function.LongSupplier;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.token.Messages;
import org.scopegate.token.store.Database;
import org.scopegate.token.store.LiveTokenCounter;

/**
 * Refreshes the live-token gauge from the store: scheduled every {@link #INTERVAL_SECONDS} s, so that a scrape (or a
 * dashboard) reads a number instead of counting a large table.
 */
public final class LiveTokenCount implements Runnable {

    /** Seconds between two counts. */
    public static final long INTERVAL_SECONDS = 30;

    private static final Log log = LogFactory.getLog(LiveTokenCount.class);

    private final Database database;
    private final LiveTokenCounter counter;
    private final TokenServiceMetrics metrics;
    private final LongSupplier clock;
    private boolean failing;

    /**
     * @param database the store
     * @param counter the SQL
     * @param metrics where the count goes
     * @param clock epoch milliseconds
     */
    public LiveTokenCount(Database database, LiveTokenCounter counter, TokenServiceMetrics metrics,
            LongSupplier clock) {
        this.database = database;
        this.counter = counter;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void run() {
        long now = clock.getAsLong();
        try {
            long[] counts = database.call(c -> counter.count(c, now));
            metrics.liveTokens(counts[0], counts[1], now);
            failing = false;
        } catch (SQLException | RuntimeException e) {
            // Logged once per failing period: the store's own failures are logged by whoever meets them
            if (!failing) {
                log.warn(Messages.get("liveTokenCount.failed", e.toString()));
            }
            failing = true;
        }
    }
}
