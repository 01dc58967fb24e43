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
package org.scopegate.token.config;

/**
 * A PostgreSQL server the webapp reaches with its own pool (context parameters {@code jdbcUrl}, {@code jdbcUser},
 * {@code jdbcPassword} or {@code jdbcPasswordFile}, {@code jdbcPoolSize}). {@link #toString()} never shows the
 * password.
 *
 * @param url a {@code jdbc:postgresql:} URL
 * @param user the role, or {@code null} when the URL names it
 * @param password the password, or {@code null} when the URL or {@code ~/.pgpass} gives it
 * @param poolSize most connections the pool opens
 */
public record JdbcSettings(String url, String user, String password, int poolSize) {

    /**
     * @return the URL without its query string, which may hold credentials: for logs
     */
    public String safeUrl() {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    @Override
    public String toString() {
        return "JdbcSettings[url=" + safeUrl() + ", user=" + user + ", password=" + (password == null ? "none" : "***")
                + ", poolSize=" + poolSize + "]";
    }
}
