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
import org.scopegate.token.client.ClientAuthenticator;
import org.scopegate.token.config.TokenServiceConfig;
import org.scopegate.token.crypto.PasswordHasher;
import org.scopegate.token.crypto.SecretGenerator;
import org.scopegate.token.grant.GrantHandler;
import org.scopegate.token.grant.PasswordGrantHandler;
import org.scopegate.token.grant.ScopeResolver;
import org.scopegate.token.grant.UserAuthenticator;
import org.scopegate.token.stats.UsageStatistics;
import org.scopegate.token.store.ApplicationStore;
import org.scopegate.token.store.ClientStore;
import org.scopegate.token.store.Database;
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
 */
public record TokenService(TokenServiceConfig config, Database database, ObjectMapper objectMapper,
        LongSupplier clock, SecretGenerator secrets, PasswordHasher hasher, ClientAuthenticator clientAuthenticator,
        Map<String, GrantHandler> grantHandlers, ScopeResolver scopeResolver, UserStore users, ClientStore clients,
        ScopeStore scopes, TokenStore tokens, RevocationEventStore events, SettingStore settings,
        TokenRevoker revoker, AdminSecret adminSecret, ApplicationStore applications, UsageStatistics statistics,
        UserAuthenticator userAuthenticator, PasswordGrantHandler passwordGrant, Throttling throttling) {

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
