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
package org.scopegate.token.session;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.scopegate.token.crypto.SecretGenerator;
import org.scopegate.token.store.UserRecord;

/**
 * The session of the self-service pages: signing in starts a new session (the old one, if any, is invalidated, so
 * the session id changes), holding the user name, id and security version (see {@link SignedInUser}), whether it is
 * the administrator, and a new CSRF synchronizer token. The session cookie's attributes (HttpOnly, SameSite=Strict,
 * Secure on HTTPS) and the idle timeout are set in {@code web.xml}.
 */
public final class SessionAuthenticator {

    /** Session attribute: the stored user name. */
    public static final String USERNAME = "org.scopegate.token.session.USERNAME";

    /** Session attribute: the user's id ({@link Long}), absent for the administrator. */
    public static final String USER_ID = "org.scopegate.token.session.USER_ID";

    /** Session attribute: the user's security version at sign-in ({@link Integer}). */
    public static final String SECURITY_VERSION = "org.scopegate.token.session.SECURITY_VERSION";

    /** Session attribute: {@code "true"} for the administrator. */
    public static final String ADMIN = "org.scopegate.token.session.ADMIN";

    /** Session attribute: the CSRF synchronizer token. */
    public static final String CSRF_TOKEN = "org.scopegate.token.session.CSRF_TOKEN";

    private final SecretGenerator secrets;

    /**
     * @param secrets random source of the CSRF tokens
     */
    public SessionAuthenticator(SecretGenerator secrets) {
        this.secrets = secrets;
    }

    /**
     * Starts a new session for a user who proved the password.
     *
     * @param request the sign-in request
     * @param user the user, as read when the password was checked
     * @return the signed-in user, with the new CSRF token
     */
    public SignedInUser signIn(HttpServletRequest request, UserRecord user) {
        return start(request, new SignedInUser(user.username(), Long.valueOf(user.id()), user.securityVersion(), false,
                secrets.newSecret()));
    }

    /**
     * Starts a new session for the administrator, who proved the admin secret.
     *
     * @param request the sign-in request
     * @param username the administrator's name
     * @return the signed-in administrator, with the new CSRF token
     */
    public SignedInUser signInAdministrator(HttpServletRequest request, String username) {
        return start(request, new SignedInUser(username, null, 0, true, secrets.newSecret()));
    }

    private static SignedInUser start(HttpServletRequest request, SignedInUser user) {
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        HttpSession session = request.getSession(true);
        session.setAttribute(USERNAME, user.username());
        if (user.userId() != null) {
            session.setAttribute(USER_ID, user.userId());
            session.setAttribute(SECURITY_VERSION, Integer.valueOf(user.securityVersion()));
        }
        session.setAttribute(ADMIN, Boolean.toString(user.admin()));
        session.setAttribute(CSRF_TOKEN, user.csrfToken());
        return user;
    }

    /**
     * @param request a request
     * @return who is signed in, or {@code null}; a user's session still has to be checked against the store
     */
    public SignedInUser current(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return null;
        }
        try {
            Object username = session.getAttribute(USERNAME);
            Object csrf = session.getAttribute(CSRF_TOKEN);
            if (!(username instanceof String name) || !(csrf instanceof String token)) {
                return null;
            }
            boolean admin = "true".equals(session.getAttribute(ADMIN));
            if (admin) {
                return new SignedInUser(name, null, 0, true, token);
            }
            if (!(session.getAttribute(USER_ID) instanceof Long id)
                    || !(session.getAttribute(SECURITY_VERSION) instanceof Integer version)) {
                return null;
            }
            return new SignedInUser(name, id, version.intValue(), false, token);
        } catch (IllegalStateException e) {
            // Invalidated meanwhile.
            return null;
        }
    }

    /**
     * @param signedIn a user's session
     * @param stored the user as stored now, or {@code null} when deleted
     * @param now epoch milliseconds
     * @return whether the session still counts: the same user (by id), enabled, not locked, with the security
     *         version of the sign-in (no new password and no disable since)
     */
    public static boolean stillValid(SignedInUser signedIn, UserRecord stored, long now) {
        return stored != null && signedIn.userId() != null && stored.id() == signedIn.userId().longValue()
                && stored.enabled() && stored.lockedUntil() <= now
                && stored.securityVersion() == signedIn.securityVersion();
    }

    /**
     * Ends the session, if any.
     *
     * @param request a request
     */
    public void signOut(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            try {
                session.invalidate();
            } catch (IllegalStateException e) {
                // Already gone.
            }
        }
    }
}
