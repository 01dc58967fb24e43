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
package org.scopegate.token.selfservice;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.token.Messages;
import org.scopegate.token.TokenService;
import org.scopegate.token.admin.AdminException;
import org.scopegate.token.admin.SignupAdministration;
import org.scopegate.token.audit.AuditActor;
import org.scopegate.token.crypto.PasswordHasherBusyException;
import org.scopegate.token.protocol.FormParameters;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.PrincipalNames;
import org.scopegate.token.web.CrossSiteRequestGuard;
import org.scopegate.token.web.FormRequests;
import org.scopegate.token.web.OAuthResponses;

/**
 * Self sign-up, {@code /signup}: {@code POST} with form fields {@code username} and {@code password} creates an
 * enabled user with the configured default roles (201), only while the administrator has switched sign-up on (else
 * 403 {@code signup_disabled}). The rules of {@link SignupPolicy} give 400 with a clear message; a name taken in any
 * case gives 409, and nothing else tells whether a name exists. {@code GET} answers whether sign-up is on and the
 * shortest password accepted, for the page.
 */
public final class SignupServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Log log = LogFactory.getLog(SignupServlet.class);

    private transient TokenService service;
    private transient OAuthResponses responses;
    private transient SignupAdministration signup;
    private transient SignupPolicy policy;
    private transient CrossSiteRequestGuard crossSite;
    private transient AddressRateLimiter rate;

    @Override
    public void init() throws ServletException {
        service = TokenService.from(getServletContext());
        responses = new OAuthResponses(service.objectMapper());
        signup = new SignupAdministration(service);
        policy = new SignupPolicy(service.config().passwordMinLength());
        crossSite = new CrossSiteRequestGuard(service.config().issuer());
        rate = new AddressRateLimiter(service.config().signupRateLimit(), Duration.ofHours(1));
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OAuthResponses.noStore(response);
        // The sign-up page posts a form: another site's page must not sign people up through the visitor's browser.
        CrossSiteRequestGuard.Refusal refusal = crossSite.checkOrigin(request);
        if (refusal != null) {
            responses.writeError(response, refusal.status(), refusal.error(), refusal.description());
            return;
        }
        try {
            if ("GET".equals(request.getMethod())) {
                Map<String, Object> state = new LinkedHashMap<>();
                state.put("enabled", Boolean.valueOf(signup.isEnabled()));
                state.put("password_min_length", Integer.valueOf(policy.getMinLength()));
                responses.writeJson(response, HttpServletResponse.SC_OK, state);
            } else if ("POST".equals(request.getMethod())) {
                responses.writeJson(response, HttpServletResponse.SC_CREATED, signUp(request));
            } else {
                responses.writeMethodNotAllowed(response, "GET, POST");
            }
        } catch (TooManyRequestsException e) {
            response.setHeader("Retry-After", String.valueOf(e.getRetryAfterSeconds()));
            responses.writeError(response, e.getStatus(), e.getError(), e.getMessage());
        } catch (AdminException e) {
            responses.writeError(response, e.getStatus(), e.getError(), e.getMessage());
        } catch (OAuthException e) {
            responses.writeError(response, e);
        } catch (PasswordHasherBusyException e) {
            responses.writeBusy(response, e);
        } catch (SQLException | RuntimeException e) {
            responses.writeFailure(response, e, log, Messages.get("signupServlet.serverError"));
        }
    }

    private Map<String, Object> signUp(HttpServletRequest request)
            throws AdminException, OAuthException, SQLException {
        if (!signup.isEnabled()) {
            throw new AdminException(HttpServletResponse.SC_FORBIDDEN, "signup_disabled",
                    "Self sign-up is switched off: ask the administrator for an account");
        }
        long retryAfter = rate.acquire(request.getRemoteAddr());
        if (retryAfter > 0) {
            throw new TooManyRequestsException(retryAfter, "Too many sign-ups from your address: try again in "
                    + retryAfter + " s");
        }
        FormParameters form = FormRequests.read(request);
        String username = form.require("username");
        String password = form.require("password");
        policy.checkUsername(username);
        policy.checkPassword(username, password);
        String hash = service.hasher().hash(password);
        long now = service.clock().getAsLong();
        try {
            service.database().call(c -> {
                // Taken by a user, or by a client as its id (one name space), in any case.
                if (PrincipalNames.holder(c, username) != null) {
                    throw conflict();
                }
                service.users().insert(c, username, hash, service.config().signupDefaultRoles(), now);
                return null;
            });
        } catch (SQLException e) {
            if (PrincipalNames.isNameTaken(e)) {
                // The same name signed up concurrently.
                throw conflict();
            }
            throw e;
        }
        log.info(Messages.get("signupServlet.signedUp", username));
        service.audit().userCreated(username, AuditActor.of(username, request));
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("username", username);
        created.put("roles", new ArrayList<>(service.config().signupDefaultRoles()));
        return created;
    }

    private static AdminException conflict() {
        return AdminException.conflict("This user name is taken: choose another one");
    }
}
