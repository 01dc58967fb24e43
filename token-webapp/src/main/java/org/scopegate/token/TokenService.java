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

import java.util.Map;
import java.util.function.LongSupplier;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.scopegate.token.admin.AdminSecret;
import org.scopegate.token.audit.AuditActor;
import org.scopegate.token.audit.AuditLog;
import org.scopegate.token.client.ClientAuthenticator;
import org.scopegate.token.config.TokenServiceConfig;
import org.scopegate.token.crypto.PasswordHasher;
import org.scopegate.token.crypto.SecretGenerator;
import org.scopegate.token.grant.GrantHandler;
import org.scopegate.token.grant.PasswordGrantHandler;
import org.scopegate.token.grant.ScopeResolver;
import org.scopegate.token.grant.UserAuthenticator;
import org.scopegate.token.metrics.TokenServiceMetrics;
import org.scopegate.token.stats.UsageStatistics;
import org.scopegate.token.store.ApplicationStore;
import org.scopegate.token.store.ClientStore;
import org.scopegate.token.store.Database;
import org.scopegate.token.store.RevocationCause;
import org.scopegate.token.store.RevocationEventStore;
import org.scopegate.token.store.ScopeStore;
import org.scopegate.token.store.SettingStore;
import org.scopegate.token.store.TokenRevoker;
import org.scopegate.token.store.TokenStore;
import org.scopegate.token.store.UserStore;
import org.scopegate.token.throttle.Throttling;

/**
 * The parts of the running token service, built once by the context listener and shared by the servlets through
 * the servlet context attribute {@link #ATTRIBUTE}.
 *
 * @param config the configuration
 * @param database the store
 * @param objectMapper the one JSON mapper
 * @param clock epoch milliseconds
 * @param secrets random source
 * @param hasher password hasher
 * @param clientAuthenticator application authentication
 * @param grantHandlers handler per grant type
 * @param scopeResolver scope decision
 * @param users user store
 * @param clients application store
 * @param scopes scope store
 * @param tokens token store
 * @param events revocation event store
 * @param settings setting store
 * @param revoker revocation paths
 * @param adminSecret the admin API credential
 * @param applications application store
 * @param statistics usage statistics
 * @param userAuthenticator user name and password check (password grant and sign-in)
 * @param passwordGrant the password grant, also used by the self-service pages to issue tokens
 * @param throttling the tiers of the applications and the rate limits of the token endpoint
 * @param metrics the counters of the metrics endpoint, JMX and the admin dashboard
 * @param audit the audit log of security events
 */
public record TokenService(TokenServiceConfig config, Database database, ObjectMapper objectMapper,
        LongSupplier clock, SecretGenerator secrets, PasswordHasher hasher, ClientAuthenticator clientAuthenticator,
        Map<String, GrantHandler> grantHandlers, ScopeResolver scopeResolver, UserStore users, ClientStore clients,
        ScopeStore scopes, TokenStore tokens, RevocationEventStore events, SettingStore settings,
        TokenRevoker revoker, AdminSecret adminSecret, ApplicationStore applications, UsageStatistics statistics,
        UserAuthenticator userAuthenticator, PasswordGrantHandler passwordGrant, Throttling throttling,
        TokenServiceMetrics metrics, AuditLog audit) {

    /**
     * Records a revocation in the metrics and the audit log.
     *
     * @param actor who asked, or {@code null} when the event just before in the audit log names them
     * @param cause why
     * @param count token rows revoked
     * @param subjectType {@code token}, {@code client} or {@code user}
     * @param subject a token's digest prefix, a client id or a user name
     */
    public void revoked(AuditActor actor, RevocationCause cause, int count, String subjectType, String subject) {
        metrics.revoked(cause, count);
        audit.tokensRevoked(actor, cause, count, subjectType, subject);
    }

    /** Name of the servlet context attribute holding the service. */
    public static final String ATTRIBUTE = "org.scopegate.token.TokenService";


    /**
     * The running token service of a webapp, for a servlet's {@code init()}.
     *
     * @param context the servlet context
     * @return the service the listener built
     * @throws ServletException when the listener did not start it (its failure is already logged)
     */
    public static TokenService from(ServletContext context) throws ServletException {
        TokenService service = (TokenService) context.getAttribute(ATTRIBUTE);
        if (service == null) {
            throw new ServletException("The token service did not start");
        }
        return service;
    }
}
