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
import java.util.function.LongSupplier;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.token.Messages;

/**
 * Deletes expired tokens and revocation events older than the feed keeps them, on a schedule.
 */
public final class TokenPurger implements Runnable {

    /** How long revocation events are kept: one hour (protocol.md section 3). */
    public static final long EVENT_RETENTION_MILLIS = 3_600_000L;

    private static final Log log = LogFactory.getLog(TokenPurger.class);

    private final Database database;
    private final TokenStore tokens;
    private final RevocationEventStore events;
    private final SettingStore settings;
    private final LongSupplier clock;

    /**
     * @param database the store
     * @param tokens token store
     * @param events revocation event store
     * @param settings setting store
     * @param clock epoch milliseconds
     */
    public TokenPurger(Database database, TokenStore tokens, RevocationEventStore events, SettingStore settings,
            LongSupplier clock) {
        this.database = database;
        this.tokens = tokens;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Purges once; a failure is logged and the next run tries again. An unavailable store is logged by
     * {@link Database} once for every outage, not at every purge.
     */
    @Override
    public void run() {
        try {
            purge();
        } catch (SQLException | RuntimeException e) {
            if (StoreFailures.isUnavailable(e)) {
                if (log.isDebugEnabled()) {
                    log.debug("Purge skipped: " + StoreFailures.describe(e));
                }
                return;
            }
            log.error(Messages.get("tokenPurger.failed"), e);
        }
    }

    /**
     * Purges once.
     *
     * @return {tokens deleted, id of the newest event deleted or -1}
     * @throws SQLException on a database failure
     */
    public long[] purge() throws SQLException {
        long now = clock.getAsLong();
        int purgedTokens = database.call(c -> Integer.valueOf(tokens.purgeExpired(c, now))).intValue();
        long purgedThrough = database.call(c -> {
            events.lock(c);
            long through = events.purgeBefore(c, now - EVENT_RETENTION_MILLIS);
            if (through >= 0) {
                settings.put(c, SettingStore.REVOCATION_PURGED_THROUGH, Long.toString(through));
            }
            return Long.valueOf(through);
        }).longValue();
        if (purgedTokens > 0 || purgedThrough >= 0) {
            log.info(Messages.get("tokenPurger.purged", String.valueOf(purgedTokens),
                    purgedThrough >= 0 ? "through id " + purgedThrough : "0"));
        }
        return new long[] { purgedTokens, purgedThrough };
    }
}
