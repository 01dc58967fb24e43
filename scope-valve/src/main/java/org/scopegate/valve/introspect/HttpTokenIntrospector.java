/*
 * Copyright the ScopeGate authors.
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
package org.scopegate.valve.introspect;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.apache.tomcat.util.res.StringManager;

/**
 * Introspection over HTTP (RFC 7662, protocol.md section 2) and the revocation feed (section 3), authenticated
 * with HTTP Basic as the valve's own application. JSON is read with the (shaded) Jackson streaming parser.
 */
public final class HttpTokenIntrospector implements TokenIntrospector {

    private static final StringManager sm = StringManager.getManager(HttpTokenIntrospector.class);

    private static final JsonFactory JSON = new JsonFactory();

    private final URI introspectionUri;
    private final URI revocationFeedUri;
    private final String authorization;
    private final int connectTimeout;
    private final int readTimeout;
    private final SSLSocketFactory socketFactory;


    /**
     * @param introspectionUri  the introspection endpoint
     * @param revocationFeedUri the revocation feed
     * @param clientId          the valve's application
     * @param clientSecret      its secret
     * @param connectTimeout    connect timeout in ms
     * @param readTimeout       time allowed for a whole answer, in ms
     * @param sslContext        TLS settings for a private CA, or {@code null} for the JVM's defaults
     */
    public HttpTokenIntrospector(URI introspectionUri, URI revocationFeedUri, String clientId, String clientSecret,
            long connectTimeout, long readTimeout, SSLContext sslContext) {
        this.introspectionUri = introspectionUri;
        this.revocationFeedUri = revocationFeedUri;
        // RFC 6749 section 2.3.1: each part form-urlencoded before Base64
        String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":" +
                URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        // A blocking HttpURLConnection on the request thread (kept-alive connections pooled by the JDK): unlike
        // java.net.http.HttpClient, no hand-off to selector and executor threads on every introspection.
        this.connectTimeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout));
        this.readTimeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1, readTimeout));
        this.socketFactory = sslContext == null ? null : sslContext.getSocketFactory();
    }


    /**
     * Derives the default feed address: the introspection URL with its last path segment replaced by
     * {@code revocations}.
     *
     * @param introspectionUri the introspection endpoint
     *
     * @return the feed address
     */
    public static URI defaultRevocationFeedUri(URI introspectionUri) {
        return introspectionUri.resolve("revocations");
    }


    @Override
    public TokenInfo introspect(String token, TokenDigest digest) throws IntrospectionException {
        String form = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&token_type_hint=access_token";
        return parseIntrospection(send(introspectionUri, form.getBytes(StandardCharsets.US_ASCII)));
    }


    @Override
    public RevocationBatch revocations(long after) throws IntrospectionException {
        URI uri = URI.create(revocationFeedUri.toString() + "?after=" + after);
        return parseRevocations(send(uri, null));
    }


    @Override
    public String describe() {
        return sm.getString("httpTokenIntrospector.describe", introspectionUri);
    }


    /**
     * @return the introspection endpoint
     */
    public URI introspectionUri() {
        return introspectionUri;
    }


    /**
     * @return the revocation feed
     */
    public URI revocationFeedUri() {
        return revocationFeedUri;
    }


    /**
     * Opens the pushed revocation feed (protocol.md section 3a): a GET with {@code Accept: text/event-stream} whose
     * answer the caller reads as it comes. A key manager without the pushed feed answers with the polled feed's
     * JSON instead: the caller tells them apart by the {@code Content-Type}.
     *
     * @param after       the cursor to start from, {@code -1} for a valve that has nothing cached
     * @param readTimeout the longest silence before a read fails, in ms
     *
     * @return the connection, its status 200 and its headers read
     *
     * @throws IntrospectionException when the key manager cannot be reached or answers another status
     */
    public HttpURLConnection openRevocationStream(long after, int readTimeout) throws IntrospectionException {
        URI uri = URI.create(revocationFeedUri.toString() + "?after=" + after);
        HttpURLConnection connection = null;
        try {
            connection = connect(uri, "text/event-stream", readTimeout);
            int status = connection.getResponseCode();
            if (status != 200) {
                drainError(connection);
                connection.disconnect();
                throw new IntrospectionException(sm.getString("httpTokenIntrospector.status", uri,
                        Integer.toString(status)));
            }
            return connection;
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            if (connection != null) {
                connection.disconnect();
            }
            throw new IntrospectionException(sm.getString("httpTokenIntrospector.ioError", uri, e), e);
        }
    }


    /**
     * Acknowledges to the key manager that every event of a stream through a cursor has been applied.
     *
     * @param stream the stream's id, from its {@code hello}
     * @param cursor the newest event applied
     *
     * @throws IntrospectionException when the key manager does not record it
     */
    public void acknowledge(String stream, long cursor) throws IntrospectionException {
        String form = "stream=" + URLEncoder.encode(stream, StandardCharsets.UTF_8) + "&cursor=" + cursor;
        send(revocationFeedUri, form.getBytes(StandardCharsets.US_ASCII), 204);
    }


    /**
     * Reads a polled feed answer from a connection opened with {@link #openRevocationStream} that a key manager
     * without the pushed feed answered with JSON.
     *
     * @param connection the connection
     *
     * @return the answer
     *
     * @throws IntrospectionException when it cannot be read
     */
    public RevocationBatch readRevocations(HttpURLConnection connection) throws IntrospectionException {
        try (InputStream in = connection.getInputStream()) {
            return parseRevocations(in.readAllBytes());
        } catch (IOException e) {
            connection.disconnect();
            throw new IntrospectionException(sm.getString("httpTokenIntrospector.ioError", revocationFeedUri, e), e);
        }
    }


    private HttpURLConnection connect(URI uri, String accept, int timeout) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        if (socketFactory != null && connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(socketFactory);
        }
        connection.setConnectTimeout(connectTimeout);
        connection.setReadTimeout(timeout);
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setRequestProperty("Authorization", authorization);
        connection.setRequestProperty("Accept", accept);
        return connection;
    }


    private static void drainError(HttpURLConnection connection) {
        // Read what came, so that the connection can be kept alive
        try (InputStream err = connection.getErrorStream()) {
            if (err != null) {
                err.readAllBytes();
            }
        } catch (IOException e) {
            // The status is what matters
        }
    }


    private byte[] send(URI uri, byte[] form) throws IntrospectionException {
        return send(uri, form, 200);
    }


    private byte[] send(URI uri, byte[] form, int expected) throws IntrospectionException {
        HttpURLConnection connection = null;
        try {
            connection = connect(uri, "application/json", readTimeout);
            if (form != null) {
                connection.setRequestMethod("POST");
                connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(form.length);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(form);
                }
            }
            int status = connection.getResponseCode();
            if (status != expected) {
                drainError(connection);
                throw new IntrospectionException(sm.getString("httpTokenIntrospector.status", uri,
                        Integer.toString(status)));
            }
            try (InputStream in = connection.getInputStream()) {
                return in.readAllBytes();
            }
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            if (connection != null) {
                connection.disconnect();
            }
            throw new IntrospectionException(sm.getString("httpTokenIntrospector.ioError", uri, e), e);
        }
    }


    /**
     * Reads an introspection answer.
     *
     * @param body the JSON
     *
     * @return the answer
     *
     * @throws IntrospectionException when the body is not an introspection answer
     */
    static TokenInfo parseIntrospection(byte[] body) throws IntrospectionException {
        Boolean active = null;
        String username = null;
        String clientId = null;
        String scope = null;
        String sub = null;
        long exp = 0;
        ThrottlingMember throttling = null;
        try (JsonParser p = JSON.createParser(body)) {
            expect(p.nextToken() == JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "active" -> {
                        expect(value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE);
                        active = Boolean.valueOf(value == JsonToken.VALUE_TRUE);
                    }
                    case "username" -> username = optionalString(p, value);
                    case "client_id" -> clientId = optionalString(p, value);
                    case "scope" -> scope = optionalString(p, value);
                    case "sub" -> sub = optionalString(p, value);
                    case "exp" -> {
                        expect(value == JsonToken.VALUE_NUMBER_INT);
                        exp = p.getLongValue();
                    }
                    case ThrottlingMember.NAME -> throttling = ThrottlingMember.parse(p);
                    default -> p.skipChildren();
                }
            }
            expect(p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null);
        } catch (IOException e) {
            throw new IntrospectionException(sm.getString("httpTokenIntrospector.garbage"), e);
        }
        if (active == null) {
            throw new IntrospectionException(sm.getString("httpTokenIntrospector.garbage"));
        }
        if (!active.booleanValue()) {
            return TokenInfo.INACTIVE;
        }
        if (clientId == null && username == null) {
            clientId = sub;
        }
        return throttling == null ? TokenInfo.active(username, clientId, scope, exp) :
                TokenInfo.active(username, clientId, scope, exp, throttling.application(), throttling.quota());
    }


    /**
     * Reads a revocation feed answer.
     *
     * @param body the JSON
     *
     * @return the answer
     *
     * @throws IntrospectionException when the body is not a feed answer
     */
    static RevocationBatch parseRevocations(byte[] body) throws IntrospectionException {
        Long cursor = null;
        boolean reset = false;
        List<RevocationEvent> events = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            expect(p.nextToken() == JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "cursor" -> {
                        expect(value == JsonToken.VALUE_NUMBER_INT);
                        cursor = Long.valueOf(p.getLongValue());
                    }
                    case "reset" -> {
                        expect(value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE);
                        reset = value == JsonToken.VALUE_TRUE;
                    }
                    case "events" -> {
                        expect(value == JsonToken.START_ARRAY);
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            events.add(parseEvent(p));
                        }
                        expect(p.currentToken() == JsonToken.END_ARRAY);
                    }
                    default -> p.skipChildren();
                }
            }
            expect(p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null);
        } catch (IOException e) {
            throw new IntrospectionException(sm.getString("httpTokenIntrospector.garbage"), e);
        }
        if (cursor == null || cursor.longValue() < 0) {
            throw new IntrospectionException(sm.getString("httpTokenIntrospector.garbage"));
        }
        return new RevocationBatch(cursor.longValue(), reset, List.copyOf(events));
    }


    private static RevocationEvent parseEvent(JsonParser p) throws IOException {
        String type = null;
        String value = null;
        long at = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken token = p.nextToken();
            if ("type".equals(name)) {
                type = optionalString(p, token);
            } else if ("value".equals(name)) {
                value = optionalString(p, token);
            } else if ("at".equals(name) && token == JsonToken.VALUE_NUMBER_INT) {
                at = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
        expect(p.currentToken() == JsonToken.END_OBJECT);
        return new RevocationEvent(type, value, at);
    }


    private static String optionalString(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(value == JsonToken.VALUE_STRING);
        return p.getText();
    }


    private static void expect(boolean condition) throws IOException {
        if (!condition) {
            throw new IOException(sm.getString("httpTokenIntrospector.unexpected"));
        }
    }
}
