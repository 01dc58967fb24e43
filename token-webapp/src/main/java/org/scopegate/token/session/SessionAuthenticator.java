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

/**
 * The session of the self-service pages: signing in starts a new session (the old one, if any, is invalidated, so
 * the session id changes), holding the user name, whether it is the administrator, and a new CSRF synchronizer
 * token. The session cookie's attributes (HttpOnly, SameSite=Strict, Secure on HTTPS) and the idle timeout are set
 * in {@code web.xml}.
 */
public final class SessionAuthenticator {

    /** Session attribute: the stored user name. */
    public static final String USERNAME = "org.scopegate.token.session.USERNAME";

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
     * Starts a new session for a user who proved who they are.
     *
     * @param request the sign-in request
     * @param username the stored user name
     * @param admin whether this is the administrator
     * @return the signed-in user, with the new CSRF token
     */
    public SignedInUser signIn(HttpServletRequest request, String username, boolean admin) {
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        HttpSession session = request.getSession(true);
        String csrf = secrets.newSecret();
        session.setAttribute(USERNAME, username);
        session.setAttribute(ADMIN, Boolean.toString(admin));
        session.setAttribute(CSRF_TOKEN, csrf);
        return new SignedInUser(username, admin, csrf);
    }

    /**
     * @param request a request
     * @return who is signed in, or {@code null}
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
            return new SignedInUser(name, "true".equals(session.getAttribute(ADMIN)), token);
        } catch (IllegalStateException e) {
            // Invalidated meanwhile.
            return null;
        }
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
