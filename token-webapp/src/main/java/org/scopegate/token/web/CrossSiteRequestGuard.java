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

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Refuses what a browser sends on behalf of another site: the admin API and the pages' API answer only their own
 * pages and non-browser clients. A browser that once sent the admin Basic credentials, or holds a session cookie,
 * sends them again with a request another site makes it send; such a request either carries a foreign
 * {@code Origin} (browsers send it with every cross-origin POST, PUT, PATCH and DELETE, and with cross-origin
 * {@code fetch}) or a {@code Sec-Fetch-Site} of {@code cross-site}/{@code same-site}, and the only bodies a
 * cross-site form can send are form-encoded, multipart or {@code text/plain}.
 * <ul>
 * <li>A foreign origin: 403 {@code invalid_origin}. The service's own origin is the configured {@code issuer}'s, or
 * the one the request was addressed to (its scheme and {@code Host}; over a TLS proxy, also {@code https} with that
 * {@code Host}). {@code Origin: null} is foreign. A request without {@code Origin} (curl, tokenctl, a server) passes
 * this check.</li>
 * <li>A body that is not {@code application/json} on a request that may carry one (every method but GET, HEAD and
 * OPTIONS): 415. A request without body and without {@code Content-Type} passes.</li>
 * </ul>
 */
public final class CrossSiteRequestGuard {

    private static final String JSON = "application/json";

    private final String configuredOrigin;

    /**
     * @param issuer the configured {@code issuer} URL, or {@code null}
     */
    public CrossSiteRequestGuard(String issuer) {
        this.configuredOrigin = issuer == null ? null : origin(issuer);
    }

    /**
     * Checks the origin of a request.
     *
     * @param request a request
     * @return a refusal to send (403 {@code invalid_origin}), or {@code null} when the request may proceed
     */
    public Refusal checkOrigin(HttpServletRequest request) {
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null && ("cross-site".equalsIgnoreCase(fetchSite.trim())
                || "same-site".equalsIgnoreCase(fetchSite.trim()))) {
            return foreign("the browser says the request comes from another site");
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return null;
        }
        String presented = origin(origin.trim());
        if (presented == null) {
            return foreign("Origin " + printable(origin) + " is not a web origin");
        }
        if (presented.equals(configuredOrigin)) {
            return null;
        }
        String host = request.getHeader("Host");
        if (host != null) {
            String hostKey = host.trim().toLowerCase(Locale.ROOT);
            for (String scheme : new String[] { request.getScheme(), "https" }) {
                String own = origin(scheme + "://" + hostKey);
                if (presented.equals(own)) {
                    return null;
                }
            }
        }
        return foreign("Origin " + printable(origin) + " is not this service's");
    }

    /**
     * Checks the origin, then, for a request that may carry a body, that the body is JSON.
     *
     * @param request a request
     * @return a refusal to send (403 or 415), or {@code null} when the request may proceed
     */
    public Refusal checkJsonRequest(HttpServletRequest request) {
        Refusal refusal = checkOrigin(request);
        if (refusal != null) {
            return refusal;
        }
        String method = request.getMethod();
        if ("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)) {
            return null;
        }
        String type = request.getContentType();
        boolean hasBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        if (type == null && !hasBody) {
            return null;
        }
        if (type != null && isJson(type)) {
            return null;
        }
        return new Refusal(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "invalid_request",
                "The body must be application/json");
    }

    /**
     * @param contentType a {@code Content-Type} value
     * @return whether it is {@code application/json}, with or without parameters
     */
    public static boolean isJson(String contentType) {
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return JSON.equalsIgnoreCase(media);
    }

    /**
     * @param url an absolute http(s) URL or an origin
     * @return its origin, {@code scheme://host[:port]} in lower case without a default port, or {@code null}
     */
    static String origin(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                return null;
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80)
                    || ("https".equals(scheme) && port == 443);
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static Refusal foreign(String why) {
        return new Refusal(HttpServletResponse.SC_FORBIDDEN, "invalid_origin", "Cross-site request refused: " + why);
    }

    private static String printable(String value) {
        String cut = value.length() > 100 ? value.substring(0, 100) : value;
        return "[" + cut.replaceAll("[^\\x20-\\x7E]", "?") + "]";
    }

    /**
     * A refusal, written in the API's JSON format.
     *
     * @param status the HTTP status
     * @param error the error code
     * @param description the error description
     */
    public record Refusal(int status, String error, String description) {
    }
}
