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
package org.scopegate.token.audit;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who did something, and from where.
 *
 * @param name the administrator ({@code admin}), a user name, or a client id
 * @param address the remote address of the request
 */
public record AuditActor(String name, String address) {

    /** The administrator's name in the audit log. */
    public static final String ADMIN = "admin";

    /**
     * @param name who
     * @param request the request they sent
     * @return the actor
     */
    public static AuditActor of(String name, HttpServletRequest request) {
        return new AuditActor(name, request.getRemoteAddr());
    }

    /**
     * @param request a request of the admin API or the administration page
     * @return the administrator, from that request's address
     */
    public static AuditActor admin(HttpServletRequest request) {
        return of(ADMIN, request);
    }
}
