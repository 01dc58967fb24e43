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
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.SSLContext;

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
    private final Duration readTimeout;
    private final HttpClient client;


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
        this.readTimeout = Duration.ofMillis(readTimeout);
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofMillis(connectTimeout));
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.client = builder.build();
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
        HttpRequest request = HttpRequest.newBuilder(introspectionUri)
                .timeout(readTimeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.US_ASCII))
                .build();
        return parseIntrospection(send(request));
    }


    @Override
    public RevocationBatch revocations(long after) throws IntrospectionException {
        URI uri = URI.create(revocationFeedUri.toString() + "?after=" + after);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(readTimeout)
                .header("Authorization", authorization)
                .header("Accept", "application/json")
                .GET()
                .build();
        return parseRevocations(send(request));
    }


    @Override
    public String describe() {
        return sm.getString("httpTokenIntrospector.describe", introspectionUri);
    }


    private byte[] send(HttpRequest request) throws IntrospectionException {
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IntrospectionException(sm.getString("httpTokenIntrospector.ioError", request.uri(), e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IntrospectionException(sm.getString("httpTokenIntrospector.interrupted", request.uri()), e);
        }
        if (response.statusCode() != 200) {
            throw new IntrospectionException(sm.getString("httpTokenIntrospector.status", request.uri(),
                    Integer.toString(response.statusCode())));
        }
        return response.body();
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
        return TokenInfo.active(username, clientId, scope, exp);
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
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken token = p.nextToken();
            if ("type".equals(name)) {
                type = optionalString(p, token);
            } else if ("value".equals(name)) {
                value = optionalString(p, token);
            } else {
                p.skipChildren();
            }
        }
        expect(p.currentToken() == JsonToken.END_OBJECT);
        return new RevocationEvent(type, value);
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
