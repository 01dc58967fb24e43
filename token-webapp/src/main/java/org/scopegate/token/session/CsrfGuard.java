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

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.http.HttpServletRequest;

/**
 * CSRF protection of the self-service API by a synchronizer token per session: every state-changing request
 * (anything but GET, HEAD and OPTIONS) must carry the session's token in the header {@value #HEADER}. The pages read
 * the token from {@code GET /api/session} and send it with every change.
 */
public final class CsrfGuard {

    /** Request header carrying the token. */
    public static final String HEADER = "X-CSRF-Token";

    private CsrfGuard() {
    }

    /**
     * @param method an HTTP method
     * @return whether a request with it may change state
     */
    public static boolean isStateChanging(String method) {
        return !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method));
    }

    /**
     * @param request a request
     * @param user the signed-in user
     * @return whether the request is safe, or carries the session's token
     */
    public static boolean permits(HttpServletRequest request, SignedInUser user) {
        if (!isStateChanging(request.getMethod())) {
            return true;
        }
        String presented = request.getHeader(HEADER);
        if (presented == null || user == null) {
            return false;
        }
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                user.csrfToken().getBytes(StandardCharsets.UTF_8));
    }
}
