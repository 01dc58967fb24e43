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

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.scopegate.token.TokenService;
import org.scopegate.token.protocol.OAuth2ErrorCodes;

/**
 * Refuses plain HTTP from other hosts (RFC 6749 sections 3.1 and 3.2: the token endpoint MUST require TLS; every
 * endpoint of the webapp carries passwords, secrets or tokens). Allowed: every request over HTTPS (also behind a
 * TLS-terminating proxy whose {@code RemoteIpValve} marks it secure), and plain HTTP from this host (a loopback
 * address: the local valve's introspection, {@code tokenctl} on the server). Anything else gets {@code 400
 * invalid_request} before any credential in it is read. Context parameter {@code requireSecureTransport=false}
 * switches the check off.
 */
public final class SecureTransportFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    private transient OAuthResponses responses;
    private boolean required;

    @Override
    public void init() throws ServletException {
        TokenService service = TokenService.from(getServletContext());
        responses = new OAuthResponses(service.objectMapper());
        required = service.config().requireSecureTransport();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!required || request.isSecure() || isLoopback(request.getRemoteAddr())) {
            chain.doFilter(request, response);
            return;
        }
        OAuthResponses.noStore(response);
        responses.writeError(response, HttpServletResponse.SC_BAD_REQUEST, OAuth2ErrorCodes.INVALID_REQUEST,
                "TLS is required: use https:// (plain HTTP is answered only to this host)");
    }

    /**
     * Whether a remote address is this host's, without a name lookup: {@code 127.0.0.0/8} and {@code ::1}, also
     * IPv4-mapped. A name (a proxy header that is not an address) is not.
     *
     * @param address the request's remote address
     * @return whether it is a loopback address
     */
    static boolean isLoopback(String address) {
        if (address == null) {
            return false;
        }
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1)
                : address;
        if (a.regionMatches(true, 0, "::ffff:", 0, 7)) {
            a = a.substring(7);
        } else if (a.regionMatches(true, 0, "0:0:0:0:0:ffff:", 0, 15)) {
            a = a.substring(15);
        }
        if (a.startsWith("127.")) {
            return a.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
        }
        return "::1".equals(a) || "0:0:0:0:0:0:0:1".equals(a);
    }
}
