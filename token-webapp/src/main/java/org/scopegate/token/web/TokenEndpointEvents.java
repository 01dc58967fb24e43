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
package org.scopegate.token.web;

import jakarta.servlet.http.HttpServletRequest;

import org.scopegate.token.audit.AuditLog;
import org.scopegate.token.client.ClientCredentials;
import org.scopegate.token.grant.GrantTypes;
import org.scopegate.token.grant.UserAuthenticationException;
import org.scopegate.token.metrics.GrantOutcome;
import org.scopegate.token.metrics.TokenServiceMetrics;
import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuth2ErrorCodes;
import org.scopegate.token.protocol.OAuth2ParameterNames;
import org.scopegate.token.protocol.OAuthException;

/**
 * What one answer of the token endpoint adds to the metrics and the audit log: every answer is counted by grant
 * type and outcome; a password grant, issued or refused, and a failed client authentication are audit events.
 */
final class TokenEndpointEvents {

    private final TokenServiceMetrics metrics;
    private final AuditLog audit;

    /**
     * @param metrics the counters
     * @param audit the audit log
     */
    TokenEndpointEvents(TokenServiceMetrics metrics, AuditLog audit) {
        this.metrics = metrics;
        this.audit = audit;
    }

    /**
     * Records tokens issued.
     *
     * @param request the request
     * @param parameters its body
     */
    void issued(HttpServletRequest request, FormParameters parameters) {
        answered(request, parameters, null, null, false);
    }

    /**
     * Records a refusal.
     *
     * @param request the request
     * @param parameters its body, or {@code null} when it could not be read
     * @param refusal what was answered
     */
    void refused(HttpServletRequest request, FormParameters parameters, OAuthException refusal) {
        answered(request, parameters, refusal.getErrorCode(), UserAuthenticationException.reasonOf(refusal),
                refusal.isClientKnown());
    }

    /**
     * Records a refusal because too many passwords were being checked ({@code temporarily_unavailable}).
     *
     * @param request the request
     * @param parameters its body
     */
    void busy(HttpServletRequest request, FormParameters parameters) {
        answered(request, parameters, "temporarily_unavailable", "busy", false);
    }

    /**
     * Records a failure of the service itself ({@code server_error}).
     *
     * @param request the request
     * @param parameters its body, or {@code null} when it could not be read
     */
    void failed(HttpServletRequest request, FormParameters parameters) {
        answered(request, parameters, OAuth2ErrorCodes.SERVER_ERROR, OAuth2ErrorCodes.SERVER_ERROR, false);
    }

    private void answered(HttpServletRequest request, FormParameters parameters, String errorCode, String reason,
            boolean clientKnown) {
        String grantType = parameter(parameters, OAuth2ParameterNames.GRANT_TYPE);
        metrics.grant(grantType, errorCode);
        String address = request.getRemoteAddr();
        if (OAuth2ErrorCodes.INVALID_CLIENT.equals(errorCode)) {
            audit.clientAuthenticationFailed(clientId(request, parameters), clientKnown, "token", address);
        } else if (GrantOutcome.ofError(errorCode) == GrantOutcome.THROTTLED) {
            // Limited by the client's address, or by the client once authenticated: the client id as sent, if any
            audit.requestThrottled("token", AuditLog.clientAsSent(clientId(request, parameters), clientKnown), address);
        }
        if (GrantTypes.PASSWORD.equals(grantType)) {
            String username = parameter(parameters, OAuth2ParameterNames.USERNAME);
            if (errorCode == null) {
                audit.passwordGrantSucceeded(username, clientId(request, parameters), address);
            } else {
                audit.passwordGrantFailed(username, clientId(request, parameters), address, reason);
            }
        }
    }

    /**
     * @param request the request
     * @param parameters its body, or {@code null}
     * @return the client id as sent (Basic or body), or {@code null} when none can be read; never the secret
     */
    static String clientId(HttpServletRequest request, FormParameters parameters) {
        try {
            return ClientCredentials.resolve(RequestHeaders.authorization(request), parameters).clientId();
        } catch (OAuthException | RuntimeException e) {
            return null;
        }
    }

    private static String parameter(FormParameters parameters, String name) {
        if (parameters == null) {
            return null;
        }
        try {
            return parameters.get(name);
        } catch (OAuthException e) {
            return null;
        }
    }
}
