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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.token.Messages;
import org.scopegate.token.TokenService;
import org.scopegate.token.admin.AdminException;
import org.scopegate.token.admin.AdminRequestBody;
import org.scopegate.token.admin.AdminSecret;
import org.scopegate.token.admin.ApplicationAdministration;
import org.scopegate.token.audit.AuditActor;
import org.scopegate.token.crypto.PasswordHasherBusyException;
import org.scopegate.token.grant.ScopeResolver;
import org.scopegate.token.grant.UserAuthenticationException;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.session.CsrfGuard;
import org.scopegate.token.session.SessionAuthenticator;
import org.scopegate.token.session.SignedInUser;
import org.scopegate.token.store.ScopeRecord;
import org.scopegate.token.store.UserRecord;
import org.scopegate.token.web.CrossSiteRequestGuard;
import org.scopegate.token.web.OAuthResponses;

/**
 * The JSON API of the self-service pages, {@code /api/*} (the administration page's operations are the admin API's,
 * under {@code /api/admin/*}):
 * <pre>
 * GET    /api/session                                      who is signed in, with the CSRF token (401 when nobody)
 * POST   /api/session {"username","password"}              sign in (the administrator: admin + the admin secret)
 * DELETE /api/session                                      sign out
 * GET    /api/scopes                                       the scopes, and which the user's roles allow
 * GET    /api/applications | POST {"name","grant_types"}   the user's applications | a new one
 * GET|PATCH|DELETE /api/applications/{id}                  one of them (PATCH: name, grant_types)
 * GET    /api/applications/{id}/stats                      Registered Users and tokens per day
 * POST   /api/applications/{id}/keys/{type}                Generate Keys (type PRODUCTION or SANDBOX)
 * POST   /api/applications/{id}/keys/{type}/secret         regenerate the secret (the key set's tokens die)
 * POST   /api/applications/{id}/keys/{type}/tokens {"scope"}  an access token for the signed-in user
 * GET    /api/applications/{id}/tokens                     the user's live access tokens of the application
 * DELETE /api/applications/{id}/tokens/{token_id}          revoke one
 * </pre>
 * Everything but the sign-in needs the session (401); every change needs the session's CSRF token in
 * {@value CsrfGuard#HEADER} (403); request bodies are JSON ({@code application/json}, 415 otherwise), which a
 * cross-site form cannot send. Another user's application answers 404, as an unknown one.
 */
public final class SelfServiceApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Pattern EDGE_SLASHES = Pattern.compile("^/+|/+$");
    private static final Log log = LogFactory.getLog(SelfServiceApiServlet.class);
    private static final String BAD_SIGN_IN = "The user name or password is wrong, or the account is locked or "
            + "disabled";

    private transient TokenService service;
    private transient OAuthResponses responses;
    private transient SessionAuthenticator sessions;
    private transient ApplicationAdministration applications;
    private transient UserTokens userTokens;
    private transient CrossSiteRequestGuard crossSite;
    private transient AddressRateLimiter signInRate;

    @Override
    public void init() throws ServletException {
        service = TokenService.from(getServletContext());
        responses = new OAuthResponses(service.objectMapper());
        sessions = new SessionAuthenticator(service.secrets());
        applications = new ApplicationAdministration(service);
        userTokens = new UserTokens(service, applications);
        crossSite = new CrossSiteRequestGuard(service.config().issuer());
        signInRate = new AddressRateLimiter(service.config().signInRateLimit(), Duration.ofMinutes(1));
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OAuthResponses.noStore(response);
        CrossSiteRequestGuard.Refusal refusal = crossSite.checkJsonRequest(request);
        if (refusal != null) {
            responses.writeError(response, refusal.status(), refusal.error(), refusal.description());
            return;
        }
        try {
            route(request, response);
        } catch (TooManyRequestsException e) {
            response.setHeader("Retry-After", String.valueOf(e.getRetryAfterSeconds()));
            responses.writeError(response, e.getStatus(), e.getError(), e.getMessage());
        } catch (AdminException e) {
            responses.writeError(response, e.getStatus(), e.getError(), e.getMessage());
        } catch (PasswordHasherBusyException e) {
            responses.writeBusy(response, e);
        } catch (SQLException | RuntimeException e) {
            responses.writeFailure(response, e, log,
                    Messages.get("selfServiceApiServlet.serverError", request.getMethod(), request.getRequestURI()));
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response)
            throws AdminException, SQLException, IOException {
        String path = request.getPathInfo();
        String[] s = path == null ? new String[0] : EDGE_SLASHES.matcher(path).replaceAll("").split("/");
        String method = request.getMethod();
        if (s.length == 1 && "session".equals(s[0])) {
            session(request, response, method);
            return;
        }
        SignedInUser signedIn = sessions.current(request);
        if (signedIn == null) {
            throw new AdminException(HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", "Sign in first");
        }
        if (!CsrfGuard.permits(request, signedIn)) {
            throw new AdminException(HttpServletResponse.SC_FORBIDDEN, "invalid_csrf_token",
                    "The request lacks the CSRF token of the session");
        }
        if (signedIn.admin()) {
            throw new AdminException(HttpServletResponse.SC_FORBIDDEN, "forbidden",
                    "The administrator uses the administration page");
        }
        UserRecord user = currentUser(request, signedIn);
        Long owner = Long.valueOf(user.id());
        if (s.length == 1 && "scopes".equals(s[0])) {
            allow(method, "GET");
            ok(response, scopes(user));
        } else if (s.length >= 1 && "applications".equals(s[0])) {
            routeApplications(request, response, method, s, user, owner);
        } else {
            throw AdminException.notFound("No such resource");
        }
    }

    private void routeApplications(HttpServletRequest request, HttpServletResponse response, String method,
            String[] s, UserRecord user, Long owner) throws AdminException, SQLException, IOException {
        if (s.length == 1) {
            if ("GET".equals(method)) {
                ok(response, applications.list(owner));
            } else {
                allow(method, "GET, POST");
                Map<String, Object> created = applications.create(owner, body(request));
                write(response, HttpServletResponse.SC_CREATED, created);
                service.audit().applicationCreated(String.valueOf(created.get("id")), AuditActor.of(user.username(), request));
            }
            return;
        }
        String id = s[1];
        if (s.length == 2) {
            if ("GET".equals(method)) {
                ok(response, applications.get(owner, id));
            } else if ("PATCH".equals(method)) {
                AdminRequestBody body = body(request);
                ok(response, applications.patch(owner, id, body));
                service.audit().applicationChanged(id, AuditActor.of(user.username(), request), body.fieldNames());
            } else {
                allow(method, "GET, PATCH, DELETE");
                applications.delete(owner, id);
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
                service.audit().applicationDeleted(id, AuditActor.of(user.username(), request));
            }
        } else if (s.length == 3 && "stats".equals(s[2])) {
            allow(method, "GET");
            ok(response, applications.statistics(owner, id));
        } else if (s.length == 3 && "tokens".equals(s[2])) {
            allow(method, "GET");
            ok(response, userTokens.list(user, id));
        } else if (s.length == 4 && "tokens".equals(s[2])) {
            allow(method, "DELETE");
            userTokens.revoke(user, id, s[3], AuditActor.of(user.username(), request));
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } else if (s.length == 4 && "keys".equals(s[2])) {
            allow(method, "POST");
            write(response, HttpServletResponse.SC_CREATED, applications.generateKeys(owner, id, s[3]));
            service.audit().applicationChanged(id, AuditActor.of(user.username(), request), List.of("keys." + s[3]));
        } else if (s.length == 5 && "keys".equals(s[2]) && "secret".equals(s[4])) {
            allow(method, "POST");
            Map<String, Object> regenerated = applications.regenerateSecret(owner, id, s[3]);
            ok(response, regenerated);
            service.audit().secretRegenerated(String.valueOf(regenerated.get("client_id")),
                    AuditActor.of(user.username(), request));
        } else if (s.length == 5 && "keys".equals(s[2]) && "tokens".equals(s[4])) {
            allow(method, "POST");
            AdminRequestBody body = body(request);
            ok(response, userTokens.issue(user, id, s[3], body.text("scope", ScopeResolver.MAX_SCOPE_LENGTH)));
        } else {
            throw AdminException.notFound("No such resource");
        }
    }

    private void session(HttpServletRequest request, HttpServletResponse response, String method)
            throws AdminException, SQLException, IOException {
        if ("GET".equals(method)) {
            SignedInUser user = sessions.current(request);
            if (user == null || (!user.admin() && currentUserOrNull(request, user) == null)) {
                throw new AdminException(HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", "Nobody is signed in");
            }
            ok(response, sessionView(user));
        } else if ("POST".equals(method)) {
            // Sign-in needs no client credentials: each address gets a few tries a minute.
            long retryAfter = signInRate.acquire(request.getRemoteAddr());
            if (retryAfter > 0) {
                throw new TooManyRequestsException(retryAfter, "Too many sign-ins from your address: try again in "
                        + retryAfter + " s");
            }
            AdminRequestBody body = body(request);
            String username = body.requiredText("username", 128);
            String password = body.requiredText("password", 1024);
            SignedInUser user = signIn(request, username, password);
            ok(response, sessionView(user));
        } else if ("DELETE".equals(method)) {
            SignedInUser user = sessions.current(request);
            if (user != null && !CsrfGuard.permits(request, user)) {
                throw new AdminException(HttpServletResponse.SC_FORBIDDEN, "invalid_csrf_token",
                        "The request lacks the CSRF token of the session");
            }
            sessions.signOut(request);
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } else {
            allow(method, "GET, POST, DELETE");
        }
    }

    private SignedInUser signIn(HttpServletRequest request, String username, String password)
            throws AdminException, SQLException {
        if (SignupPolicy.RESERVED.equalsIgnoreCase(username)) {
            if (!service.adminSecret().matches(password)) {
                log.info(Messages.get("selfServiceApiServlet.signInFailed", AdminSecret.USERNAME,
                        request.getRemoteAddr()));
                service.metrics().signIn(false);
                service.audit().signInFailed(AdminSecret.USERNAME, request.getRemoteAddr(), "bad_admin_secret");
                throw badSignIn();
            }
            log.info(Messages.get("selfServiceApiServlet.signedIn", AdminSecret.USERNAME, request.getRemoteAddr()));
            service.metrics().signIn(true);
            service.audit().signInSucceeded(AdminSecret.USERNAME, request.getRemoteAddr());
            return sessions.signInAdministrator(request, AdminSecret.USERNAME);
        }
        UserRecord user;
        try {
            user = service.userAuthenticator().authenticate(username, password, (c, checked) -> checked);
        } catch (OAuthException e) {
            log.info(Messages.get("selfServiceApiServlet.signInFailed", username, request.getRemoteAddr()));
            service.metrics().signIn(false);
            service.audit().signInFailed(username, request.getRemoteAddr(),
                    UserAuthenticationException.reasonOf(e));
            throw badSignIn();
        }
        log.info(Messages.get("selfServiceApiServlet.signedIn", user.username(), request.getRemoteAddr()));
        service.metrics().signIn(true);
        service.audit().signInSucceeded(user.username(), request.getRemoteAddr());
        return sessions.signIn(request, user);
    }

    private UserRecord currentUser(HttpServletRequest request, SignedInUser signedIn)
            throws AdminException, SQLException {
        UserRecord user = currentUserOrNull(request, signedIn);
        if (user == null) {
            throw new AdminException(HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", "Sign in again");
        }
        return user;
    }

    /**
     * Reads the session's user again, by id: a user deleted, disabled, locked or given a new password since the
     * sign-in (on any key manager) loses the session; a new user who took a deleted user's name is someone else.
     */
    private UserRecord currentUserOrNull(HttpServletRequest request, SignedInUser signedIn) throws SQLException {
        if (signedIn.userId() == null) {
            sessions.signOut(request);
            return null;
        }
        UserRecord user = service.database().call(c -> service.users().findById(c, signedIn.userId().longValue()));
        if (!SessionAuthenticator.stillValid(signedIn, user, service.clock().getAsLong())) {
            sessions.signOut(request);
            return null;
        }
        return user;
    }

    private List<Map<String, Object>> scopes(UserRecord user) throws SQLException {
        List<Map<String, Object>> result = new ArrayList<>();
        for (ScopeRecord scope : service.database().call(c -> service.scopes().loadAll(c)).values()) {
            boolean allowed = scope.roles().isEmpty() || scope.roles().stream().anyMatch(user.roles()::contains);
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", scope.name());
            view.put("description", scope.description());
            view.put("allowed", Boolean.valueOf(allowed));
            result.add(view);
        }
        return result;
    }

    private static Map<String, Object> sessionView(SignedInUser user) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("username", user.username());
        view.put("admin", Boolean.valueOf(user.admin()));
        view.put("csrf_token", user.csrfToken());
        return view;
    }

    private static AdminException badSignIn() {
        return new AdminException(HttpServletResponse.SC_UNAUTHORIZED, "invalid_credentials", BAD_SIGN_IN);
    }

    private static void allow(String method, String allowed) throws AdminException {
        for (String m : allowed.split(", ")) {
            if (m.equals(method)) {
                return;
            }
        }
        throw new AdminException(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "invalid_request",
                "Method not allowed: use " + allowed);
    }

    private AdminRequestBody body(HttpServletRequest request) throws AdminException, IOException {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new AdminException(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "invalid_request",
                    "The body must be application/json");
        }
        return AdminRequestBody.read(request, service.objectMapper());
    }

    private void ok(HttpServletResponse response, Object body) throws IOException {
        write(response, HttpServletResponse.SC_OK, body);
    }

    private void write(HttpServletResponse response, int status, Object body) throws IOException {
        responses.writeJson(response, status, body);
    }
}
