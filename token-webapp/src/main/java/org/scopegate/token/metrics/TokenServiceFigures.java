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
 * The JMX view of {@link TokenServiceMetrics}.
 */
public final class TokenServiceFigures implements TokenServiceFiguresMBean {

    private final TokenServiceMetrics metrics;

    /**
     * @param metrics the counters shown
     */
    public TokenServiceFigures(TokenServiceMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public long getGrantsIssued() {
        return metrics.grants(GrantOutcome.ISSUED);
    }

    @Override
    public long getGrantsRefused() {
        return metrics.refusedGrants();
    }

    @Override
    public long getGrantsInvalidGrant() {
        return metrics.grants(GrantOutcome.INVALID_GRANT);
    }

    @Override
    public long getGrantsInvalidClient() {
        return metrics.grants(GrantOutcome.INVALID_CLIENT);
    }

    @Override
    public long getSignInFailures() {
        return metrics.signIns(false);
    }

    @Override
    public long getLockouts() {
        return metrics.lockouts();
    }

    @Override
    public long getRevokedTokens() {
        return metrics.revokedTokens();
    }

    @Override
    public long getLiveAccessTokens() {
        return metrics.liveAccessTokens();
    }

    @Override
    public long getLiveRefreshTokens() {
        return metrics.liveRefreshTokens();
    }
}
