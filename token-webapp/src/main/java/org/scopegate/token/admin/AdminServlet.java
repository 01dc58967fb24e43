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
package org.scopegate.token.admin;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
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
import org.scopegate.token.audit.AuditActor;
import org.scopegate.token.client.ClientCredentials;
import org.scopegate.token.crypto.PasswordHasherBusyException;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.session.CsrfGuard;
import org.scopegate.token.session.SessionAuthenticator;
import org.scopegate.token.session.SignedInUser;
import org.scopegate.token.web.CrossSiteRequestGuard;
import org.scopegate.token.web.OAuthResponses;
import org.scopegate.token.web.RequestHeaders;

/**
 * The admin API under {@code /admin/*} (protocol.md section 6), protected by its own credential: HTTP Basic with
 * user {@code admin} and the admin secret. JSON in and out (a body of any other type: 415); errors as
 * {@code {"error","error_description"}}. A request from another site's page is refused (403, see
 * {@link CrossSiteRequestGuard}) before any credential is checked.
 * The same operations answer under {@code /api/admin/*} to the administration page: there the credential is the
 * session of the administrator (signed in with the admin secret), and every change needs the session's CSRF token.
 */
public final class AdminServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Pattern EDGE_SLASHES = Pattern.compile("^/+|/+$");
    private static final Log log = LogFactory.getLog(AdminServlet.class);
    private static final String SESSION_PATH = "/api/admin";
    private static final String REALM = "Basic realm=\"token-admin\", charset=\"UTF-8\"";

    private transient TokenService service;
    private transient OAuthResponses responses;
    private transient UserAdministration users;
    private transient ClientAdministration clients;
    private transient ScopeAdministration scopes;
    private transient ApplicationAdministration applications;
    private transient SignupAdministration signup;
    private transient TierAdministration tiers;
    private transient SessionAuthenticator sessions;
    private transient PasswordHashTiming hashTiming;
    private transient CrossSiteRequestGuard crossSite;
    private transient DashboardFigures dashboard;

    @Override
    public void init() throws ServletException {
        service = TokenService.from(getServletContext());
        responses = new OAuthResponses(service.objectMapper());
        hashTiming = new PasswordHashTiming(service.hasher(), service.config().passwordHash());
        users = new UserAdministration(service);
        clients = new ClientAdministration(service);
        scopes = new ScopeAdministration(service);
        applications = new ApplicationAdministration(service);
        signup = new SignupAdministration(service);
        tiers = new TierAdministration(service);
        sessions = new SessionAuthenticator(service.secrets());
        crossSite = new CrossSiteRequestGuard(service.config().issuer());
        dashboard = new DashboardFigures(service.metrics(), service.clock());
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OAuthResponses.noStore(response);
        // Before any credential is looked at: a browser sends the Basic credentials or the session cookie along with
        // what another site makes it send.
        CrossSiteRequestGuard.Refusal refusal = crossSite.checkJsonRequest(request);
        if (refusal != null) {
            responses.writeError(response, refusal.status(), refusal.error(), refusal.description());
            return;
        }
        if (SESSION_PATH.equals(request.getServletPath())) {
            SignedInUser user = sessions.current(request);
            if (user == null || !user.admin()) {
                responses.writeError(response, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized",
                        "Sign in as the administrator");
                return;
            }
            if (!CsrfGuard.permits(request, user)) {
                responses.writeError(response, HttpServletResponse.SC_FORBIDDEN, "invalid_csrf_token",
                        "The request lacks the CSRF token of the session");
                return;
            }
        } else if (!authenticated(request, response)) {
            return;
        }
        try {
            route(request, response);
        } catch (AdminException e) {
            responses.writeError(response, e.getStatus(), e.getError(), e.getMessage());
        } catch (PasswordHasherBusyException e) {
            responses.writeBusy(response, e);
        } catch (SQLIntegrityConstraintViolationException e) {
            responses.writeError(response, HttpServletResponse.SC_CONFLICT, "conflict", "The change conflicts");
        } catch (SQLException | RuntimeException e) {
            if ("23505".equals(sqlState(e))) {
                responses.writeError(response, HttpServletResponse.SC_CONFLICT, "conflict", "The change conflicts");
                return;
            }
            responses.writeFailure(response, e, log,
                    Messages.get("adminServlet.serverError", request.getMethod(), request.getRequestURI()));
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response)
            throws AdminException, SQLException, IOException {
        String path = request.getPathInfo();
        String[] segments = path == null ? new String[0] : EDGE_SLASHES.matcher(path).replaceAll("").split("/");
        String method = request.getMethod();
        String collection = segments.length > 0 ? segments[0] : "";
        String item = segments.length > 1 ? segments[1] : null;
        String action = segments.length > 2 ? segments[2] : null;
        if (segments.length > 3) {
            throw AdminException.notFound("No such resource");
        }
        switch (collection) {
            case "users":
                routeUsers(request, response, method, item, action);
                break;
            case "clients":
                routeClients(request, response, method, item, action);
                break;
            case "scopes":
                routeScopes(request, response, method, item, action);
                break;
            case "applications":
                routeApplications(request, response, method, item, action);
                break;
            case "tiers":
                routeTiers(request, response, method, item, action);
                break;
            case "stats":
                if (item == null || action != null) {
                    throw AdminException.notFound("No such resource");
                }
                if (!"GET".equals(method)) {
                    notAllowed(response, "GET");
                    return;
                }
                ok(response, applications.statisticsOfClient(item));
                break;
            case "password-hash":
                if (item == null) {
                    if (!"GET".equals(method)) {
                        notAllowed(response, "GET");
                        return;
                    }
                    ok(response, hashTiming.statistics());
                    break;
                }
                if (!"timing".equals(item) || action != null) {
                    throw AdminException.notFound("No such resource");
                }
                if (!"POST".equals(method)) {
                    notAllowed(response, "POST");
                    return;
                }
                ok(response, hashTiming.time(body(request)));
                break;
            case "dashboard":
                if (item != null) {
                    throw AdminException.notFound("No such resource");
                }
                if (!"GET".equals(method)) {
                    notAllowed(response, "GET");
                    return;
                }
                ok(response, dashboard.current());
                break;
            case "settings":
                if (!"signup".equals(item) || action != null) {
                    throw AdminException.notFound("No such resource");
                }
                if ("GET".equals(method)) {
                    ok(response, signup.get());
                } else if ("PUT".equals(method)) {
                    Map<String, Object> switched = signup.put(body(request));
                    ok(response, switched);
                    service.audit().signupSwitched(Boolean.TRUE.equals(switched.get("enabled")),
                            AuditActor.admin(request));
                } else {
                    notAllowed(response, "GET, PUT");
                }
                break;
            default:
                throw AdminException.notFound("No such resource");
        }
    }

    private void routeUsers(HttpServletRequest request, HttpServletResponse response, String method, String item,
            String action) throws AdminException, SQLException, IOException {
        if (item == null) {
            if ("GET".equals(method)) {
                ok(response, users.list());
            } else if ("POST".equals(method)) {
                Map<String, Object> user = users.create(body(request));
                created(response, user);
                service.audit().userCreated(String.valueOf(user.get("username")), AuditActor.admin(request));
            } else {
                notAllowed(response, "GET, POST");
            }
        } else if (action == null) {
            if ("GET".equals(method)) {
                ok(response, users.get(item));
            } else if ("PATCH".equals(method)) {
                AdminRequestBody body = body(request);
                ok(response, users.patch(item, body));
                service.audit().userChanged(item, AuditActor.admin(request), body.fieldNames());
            } else if ("DELETE".equals(method)) {
                users.delete(item);
                noContent(response);
                service.audit().userDeleted(item, AuditActor.admin(request));
            } else {
                notAllowed(response, "GET, PATCH, DELETE");
            }
        } else if ("unlock".equals(action)) {
            if ("POST".equals(method)) {
                users.unlock(item);
                noContent(response);
                service.metrics().unlock();
                service.audit().accountUnlocked(item, AuditActor.admin(request));
            } else {
                notAllowed(response, "POST");
            }
        } else {
            throw AdminException.notFound("No such resource");
        }
    }

    private void routeClients(HttpServletRequest request, HttpServletResponse response, String method, String item,
            String action) throws AdminException, SQLException, IOException {
        if (item == null) {
            if ("GET".equals(method)) {
                ok(response, clients.list());
            } else if ("POST".equals(method)) {
                Map<String, Object> client = clients.create(body(request));
                created(response, client);
                service.audit().clientCreated(String.valueOf(client.get("client_id")), AuditActor.admin(request));
            } else {
                notAllowed(response, "GET, POST");
            }
        } else if (action == null) {
            if ("GET".equals(method)) {
                ok(response, clients.get(item));
            } else if ("PATCH".equals(method)) {
                AdminRequestBody body = body(request);
                ok(response, clients.patch(item, body));
                service.audit().clientChanged(item, AuditActor.admin(request), body.fieldNames());
            } else if ("DELETE".equals(method)) {
                clients.delete(item);
                noContent(response);
                service.audit().clientDeleted(item, AuditActor.admin(request));
            } else {
                notAllowed(response, "GET, PATCH, DELETE");
            }
        } else if ("secret".equals(action)) {
            if ("POST".equals(method)) {
                ok(response, clients.regenerateSecret(item));
                service.audit().secretRegenerated(item, AuditActor.admin(request));
            } else {
                notAllowed(response, "POST");
            }
        } else {
            throw AdminException.notFound("No such resource");
        }
    }

    private void routeApplications(HttpServletRequest request, HttpServletResponse response, String method,
            String item, String action) throws AdminException, SQLException, IOException {
        if (item == null) {
            if ("GET".equals(method)) {
                ok(response, applications.list(null));
            } else if ("POST".equals(method)) {
                Map<String, Object> application = applications.create(null, body(request));
                created(response, application);
                service.audit().applicationCreated(String.valueOf(application.get("id")), AuditActor.admin(request));
            } else {
                notAllowed(response, "GET, POST");
            }
        } else if (action == null) {
            if ("GET".equals(method)) {
                ok(response, applications.get(null, item));
            } else if ("PATCH".equals(method)) {
                AdminRequestBody body = body(request);
                ok(response, applications.patch(null, item, body));
                service.audit().applicationChanged(item, AuditActor.admin(request), body.fieldNames());
            } else if ("DELETE".equals(method)) {
                applications.delete(null, item);
                noContent(response);
                service.audit().applicationDeleted(item, AuditActor.admin(request));
            } else {
                notAllowed(response, "GET, PATCH, DELETE");
            }
        } else if ("stats".equals(action)) {
            if ("GET".equals(method)) {
                ok(response, applications.statistics(null, item));
            } else {
                notAllowed(response, "GET");
            }
        } else {
            throw AdminException.notFound("No such resource");
        }
    }

    private void routeTiers(HttpServletRequest request, HttpServletResponse response, String method, String item,
            String action) throws AdminException, SQLException, IOException {
        if (action != null) {
            throw AdminException.notFound("No such resource");
        }
        if (item == null) {
            if ("GET".equals(method)) {
                ok(response, tiers.list());
            } else if ("POST".equals(method)) {
                Map<String, Object> tier = tiers.create(body(request));
                created(response, tier);
                service.audit().tierCreated(String.valueOf(tier.get("name")), AuditActor.admin(request));
            } else {
                notAllowed(response, "GET, POST");
            }
        } else if ("GET".equals(method)) {
            ok(response, tiers.get(item));
        } else if ("PATCH".equals(method)) {
            AdminRequestBody body = body(request);
            ok(response, tiers.patch(item, body));
            service.audit().tierChanged(item, AuditActor.admin(request), body.fieldNames());
        } else if ("DELETE".equals(method)) {
            tiers.delete(item);
            noContent(response);
            service.audit().tierDeleted(item, AuditActor.admin(request));
        } else {
            notAllowed(response, "GET, PATCH, DELETE");
        }
    }

    private void routeScopes(HttpServletRequest request, HttpServletResponse response, String method, String item,
            String action) throws AdminException, SQLException, IOException {
        if (action != null) {
            throw AdminException.notFound("No such resource");
        }
        if (item == null) {
            if ("GET".equals(method)) {
                ok(response, scopes.list());
            } else if ("POST".equals(method)) {
                Map<String, Object> scope = scopes.create(body(request));
                created(response, scope);
                service.audit().scopeCreated(String.valueOf(scope.get("name")), AuditActor.admin(request));
            } else {
                notAllowed(response, "GET, POST");
            }
        } else if ("PATCH".equals(method)) {
            AdminRequestBody body = body(request);
            ok(response, scopes.patch(item, body));
            service.audit().scopeChanged(item, AuditActor.admin(request), body.fieldNames());
        } else if ("DELETE".equals(method)) {
            scopes.delete(item);
            noContent(response);
            service.audit().scopeDeleted(item, AuditActor.admin(request));
        } else {
            notAllowed(response, "PATCH, DELETE");
        }
    }

    /**
     * Checks the admin credential of a request, and answers one that does not carry it.
     *
     * @param request the request
     * @param response its response, written when the answer is no
     * @return whether the request carries the admin credential
     * @throws IOException when the client went away
     */
    private boolean authenticated(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String header;
        try {
            header = RequestHeaders.authorization(request);
        } catch (OAuthException e) {
            responses.writeError(response, HttpServletResponse.SC_BAD_REQUEST, "invalid_request", e.getDescription());
            return false;
        }
        if (basicCredentialMatches(header)) {
            return true;
        }
        log.info(Messages.get("adminServlet.authFailed", request.getRemoteAddr()));
        response.setHeader("WWW-Authenticate", REALM);
        responses.writeError(response, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized",
                "The admin API needs the admin credential");
        return false;
    }

    private boolean basicCredentialMatches(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            ClientCredentials credentials = ClientCredentials.parseBasic(header.substring(6).trim());
            boolean secretMatches = service.adminSecret().matches(credentials.clientSecret());
            return secretMatches && AdminSecret.USERNAME.equals(credentials.clientId());
        } catch (OAuthException e) {
            return false;
        }
    }

    private AdminRequestBody body(HttpServletRequest request) throws AdminException, IOException {
        return AdminRequestBody.read(request, service.objectMapper());
    }

    private void ok(HttpServletResponse response, Object body) throws IOException {
        responses.writeJson(response, HttpServletResponse.SC_OK, body);
    }

    private void created(HttpServletResponse response, Object body) throws IOException {
        responses.writeJson(response, HttpServletResponse.SC_CREATED, body);
    }

    private static void noContent(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private void notAllowed(HttpServletResponse response, String allowed) throws IOException {
        response.setHeader("Allow", allowed);
        responses.writeError(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "invalid_request",
                "Method not allowed: use " + allowed);
    }

    private static String sqlState(Throwable e) {
        return e instanceof SQLException sql ? sql.getSQLState() : null;
    }
}
