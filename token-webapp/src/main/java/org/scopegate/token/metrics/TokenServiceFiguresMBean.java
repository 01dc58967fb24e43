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

/**
 * The token service's counters over JMX ({@code org.scopegate:type=TokenService,context=/token}), read-only: what an
 * operator sees in JConsole or VisualVM when no Prometheus agent runs.
 */
public interface TokenServiceFiguresMBean {

    /**
     * @return tokens issued at the token endpoint
     */
    long getGrantsIssued();

    /**
     * @return refused requests at the token endpoint, every error
     */
    long getGrantsRefused();

    /**
     * @return {@code invalid_grant} answers (wrong password, locked account, bad refresh token)
     */
    long getGrantsInvalidGrant();

    /**
     * @return {@code invalid_client} answers
     */
    long getGrantsInvalidClient();

    /**
     * @return failed sign-ins to the self-service pages
     */
    long getSignInFailures();

    /**
     * @return accounts locked
     */
    long getLockouts();

    /**
     * @return tokens revoked, every cause
     */
    long getRevokedTokens();

    /**
     * @return live access tokens at the last count (-1 before the first)
     */
    long getLiveAccessTokens();

    /**
     * @return live refresh tokens at the last count (-1 before the first)
     */
    long getLiveRefreshTokens();
}
