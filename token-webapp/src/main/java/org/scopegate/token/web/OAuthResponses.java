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
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletResponse;

import org.apache.juli.logging.Log;
import org.scopegate.token.crypto.PasswordHasherBusyException;
import org.scopegate.token.grant.TokenResponse;
import org.scopegate.token.protocol.OAuth2ErrorCodes;
import org.scopegate.token.protocol.OAuthException;
import org.scopegate.token.store.StoreFailures;

/**
 * The one place that writes the JSON answers of the OAuth endpoints: success (RFC 6749 section 5.1), errors
 * (section 5.2) and the other JSON documents, always with {@code Cache-Control: no-store} and
 * {@code Pragma: no-cache}.
 */
public final class OAuthResponses {

    /** Content type of every JSON answer. */
    public static final String JSON = "application/json;charset=UTF-8";

    /** Realm of the Basic challenge of the OAuth endpoints. */
    public static final String REALM = "token";

    private final ObjectMapper mapper;

    /**
     * @param mapper the shared JSON mapper
     */
    public OAuthResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Sets {@code Cache-Control: no-store} and {@code Pragma: no-cache}.
     *
     * @param response the response
     */
    public static void noStore(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
    }

    /**
     * Writes an access token response.
     *
     * @param response the response
     * @param token the issued tokens
     * @throws IOException when the client went away
     */
    public void writeToken(HttpServletResponse response, TokenResponse token) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token.accessToken());
        if (token.refreshToken() != null) {
            body.put("refresh_token", token.refreshToken());
        }
        body.put("scope", token.scope());
        body.put("token_type", "Bearer");
        body.put("expires_in", Long.valueOf(token.expiresIn()));
        writeJson(response, HttpServletResponse.SC_OK, body);
    }

    /**
     * Writes an error, with a Basic challenge or a {@code Retry-After} when the exception asks for one.
     *
     * @param response the response
     * @param error the error
     * @throws IOException when the client went away
     */
    public void writeError(HttpServletResponse response, OAuthException error) throws IOException {
        if (error.isBasicChallenge()) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        }
        if (error.getRetryAfter() > 0) {
            response.setHeader("Retry-After", Long.toString(error.getRetryAfter()));
        }
        writeError(response, error.getHttpStatus(), error.getErrorCode(), error.getDescription());
    }

    /**
     * Writes an error document {@code {"error","error_description"}}.
     *
     * @param response the response
     * @param status HTTP status
     * @param code error code
     * @param description error description
     * @throws IOException when the client went away
     */
    public void writeError(HttpServletResponse response, int status, String code, String description)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        writeJson(response, status, body);
    }

    /**
     * Writes a 500 {@code server_error} without any detail.
     *
     * @param response the response
     * @throws IOException when the client went away
     */
    public void writeServerError(HttpServletResponse response) throws IOException {
        writeError(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, OAuth2ErrorCodes.SERVER_ERROR,
                "The server could not process the request");
    }

    /**
     * Writes a 503 {@code temporarily_unavailable} with {@code Retry-After}: too many password checks at once.
     *
     * @param response the response
     * @param busy the refusal of the password hasher
     * @throws IOException when the client went away
     */
    public void writeBusy(HttpServletResponse response, PasswordHasherBusyException busy) throws IOException {
        response.setHeader("Retry-After", String.valueOf(busy.getRetryAfterSeconds()));
        writeError(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE,
                "Too many password checks at once: retry after " + busy.getRetryAfterSeconds() + " s");
    }

    /**
     * Writes a 503 {@code temporarily_unavailable} with {@code Retry-After}: the token store is unavailable (see
     * {@link StoreFailures}). Nothing was changed, or the whole change was undone.
     *
     * @param response the response
     * @throws IOException when the client went away
     */
    public void writeStoreUnavailable(HttpServletResponse response) throws IOException {
        response.setHeader("Retry-After", Integer.toString(StoreFailures.RETRY_AFTER_SECONDS));
        writeError(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE,
                "The token service cannot reach its store: try again later");
    }

    /**
     * Answers a failure no protocol error describes: 503 when the store is unavailable, else 500
     * {@code server_error} (logged with its stack trace: it is a bug). Does nothing when the response is committed.
     *
     * @param response the response
     * @param failure what went wrong
     * @param log where an unexpected failure goes
     * @param logMessage the log line of an unexpected failure
     * @throws IOException when the client went away
     */
    public void writeFailure(HttpServletResponse response, Exception failure, Log log, String logMessage)
            throws IOException {
        boolean unavailable = StoreFailures.isUnavailable(failure);
        if (unavailable) {
            if (log.isDebugEnabled()) {
                log.debug(logMessage + ": " + StoreFailures.describe(failure));
            }
        } else {
            log.error(logMessage, failure);
        }
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        if (unavailable) {
            writeStoreUnavailable(response);
        } else {
            writeServerError(response);
        }
    }

    /**
     * Writes a 405 with {@code Allow} and an {@code invalid_request} error.
     *
     * @param response the response
     * @param allowed the allowed method
     * @throws IOException when the client went away
     */
    public void writeMethodNotAllowed(HttpServletResponse response, String allowed) throws IOException {
        response.setHeader("Allow", allowed);
        writeError(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, OAuth2ErrorCodes.INVALID_REQUEST,
                "Method not allowed: use " + allowed);
    }

    /**
     * Writes a JSON document.
     *
     * @param response the response
     * @param status HTTP status
     * @param body a value Jackson can serialise
     * @throws IOException when the client went away
     */
    public void writeJson(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        noStore(response);
        response.setStatus(status);
        response.setContentType(JSON);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /**
     * Writes a 200 with an empty body.
     *
     * @param response the response
     */
    public void writeEmpty(HttpServletResponse response) {
        noStore(response);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentLength(0);
    }
}
