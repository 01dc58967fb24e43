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
package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.scopegate.token.Messages;

/**
 * Version 4.1 of the store: settles, once, what version 4's references by id leave open in existing data, and logs
 * every decision (a Java migration because a SQL one cannot log):
 * <ul>
 * <li>an application's owner name that matches a user becomes that user's id; a name that matches no user (an owner
 * made up, or a user deleted since, whose name the next sign-up would have inherited the application with) leaves
 * the application to the administrator alone: it stays as it is, owned by nobody, and a WARNING names it;</li>
 * <li>the owner name columns go;</li>
 * <li>every user name and client id enters the one name space of {@code oauth_principal_name}; a client id equal to a
 * user name (in any case) cannot, and a WARNING asks the administrator to delete one of the two; {@code admin} is
 * reserved when free;</li>
 * <li>a live token whose user no longer exists is revoked (with a {@code user} revocation event), and the Registered
 * Users rows of names that are no user any more are dropped, so a new user with such a name inherits nothing.</li>
 * </ul>
 * Portable between Derby 10.16 and PostgreSQL 15.
 */
public class V4_1__Settle_names_and_owners extends BaseJavaMigration {

    private static final Log log = LogFactory.getLog(V4_1__Settle_names_and_owners.class);

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        settleOwners(c);
        dropOwnerNames(c);
        registerNames(c);
        revokeTokensOfDeletedUsers(c);
        int dropped = update(c, "DELETE FROM oauth_app_user WHERE username NOT IN (SELECT username FROM oauth_user)");
        if (dropped > 0) {
            log.info(Messages.get("migration41.statisticsDropped", String.valueOf(dropped)));
        }
    }

    private static void settleOwners(Connection c) throws SQLException {
        Map<Long, String[]> owned = new LinkedHashMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, name, owner FROM oauth_application WHERE owner IS NOT NULL "
                        + "ORDER BY id")) {
            while (rs.next()) {
                owned.put(Long.valueOf(rs.getLong(1)), new String[] { rs.getString(2), rs.getString(3) });
            }
        }
        try (PreparedStatement find = c.prepareStatement("SELECT id FROM oauth_user WHERE username_key = ?");
                PreparedStatement set = c.prepareStatement("UPDATE oauth_application SET owner_id = ? WHERE id = ?")) {
            for (Map.Entry<Long, String[]> application : owned.entrySet()) {
                String owner = application.getValue()[1];
                find.setString(1, owner.toLowerCase(Locale.ROOT));
                Long userId = null;
                try (ResultSet rs = find.executeQuery()) {
                    if (rs.next()) {
                        userId = Long.valueOf(rs.getLong(1));
                    }
                }
                if (userId == null) {
                    log.warn(Messages.get("migration41.ownerUnknown", application.getKey().toString(),
                            application.getValue()[0], owner));
                    continue;
                }
                set.setLong(1, userId.longValue());
                set.setLong(2, application.getKey().longValue());
                set.executeUpdate();
            }
        }
    }

    private static void dropOwnerNames(Connection c) throws SQLException {
        update(c, "DROP INDEX ix_oauth_application_owner");
        update(c, "ALTER TABLE oauth_application DROP COLUMN owner");
        update(c, "ALTER TABLE oauth_client DROP COLUMN owner");
    }

    private static void registerNames(Connection c) throws SQLException {
        update(c, "INSERT INTO oauth_principal_name (name_key, kind) SELECT username_key, 'U' FROM oauth_user");
        List<String> clients = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT client_id FROM oauth_client ORDER BY client_id")) {
            while (rs.next()) {
                clients.add(rs.getString(1));
            }
        }
        try (PreparedStatement holder = c.prepareStatement("SELECT kind FROM oauth_principal_name WHERE name_key = ?");
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO oauth_principal_name (name_key, kind) VALUES (?, 'C')")) {
            for (String clientId : clients) {
                String key = clientId.toLowerCase(Locale.ROOT);
                holder.setString(1, key);
                String kind = null;
                try (ResultSet rs = holder.executeQuery()) {
                    if (rs.next()) {
                        kind = rs.getString(1);
                    }
                }
                if ("U".equals(kind)) {
                    log.warn(Messages.get("migration41.nameShared", clientId));
                } else if (kind == null) {
                    insert.setString(1, key);
                    insert.executeUpdate();
                }
            }
        }
        try (PreparedStatement holder = c.prepareStatement(
                "SELECT kind FROM oauth_principal_name WHERE name_key = ?")) {
            holder.setString(1, "admin");
            try (ResultSet rs = holder.executeQuery()) {
                if (!rs.next()) {
                    update(c, "INSERT INTO oauth_principal_name (name_key, kind) VALUES ('admin', 'R')");
                }
            }
        }
    }

    private static void revokeTokensOfDeletedUsers(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT DISTINCT username FROM oauth_token WHERE username IS NOT NULL "
                        + "AND user_id IS NULL AND revoked = FALSE")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        if (names.isEmpty()) {
            return;
        }
        int revoked = update(c, "UPDATE oauth_token SET revoked = TRUE WHERE username IS NOT NULL AND user_id IS NULL "
                + "AND revoked = FALSE");
        long now = System.currentTimeMillis();
        try (PreparedStatement event = c.prepareStatement(
                "INSERT INTO oauth_revocation_event (event_type, event_value, created_at) VALUES ('user', ?, ?)")) {
            for (String name : names) {
                event.setString(1, name);
                event.setLong(2, now);
                event.executeUpdate();
            }
        }
        log.warn(Messages.get("migration41.tokensRevoked", String.valueOf(revoked), String.valueOf(names.size())));
    }

    private static int update(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            return st.executeUpdate(sql);
        }
    }
}
