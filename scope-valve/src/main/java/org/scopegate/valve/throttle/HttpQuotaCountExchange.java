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
package org.scopegate.valve.throttle;

import java.io.ByteArrayOutputStream;
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
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.apache.tomcat.util.res.StringManager;
import org.scopegate.common.store.QuotaCount;

/**
 * Exchanges quota counts with the key managers: {@code POST /token/quota-counts} (protocol.md section 3b), as the
 * valve's own application (the one it introspects with). The key managers keep the counts in their shared store,
 * so any of them will do: the one that answered last is asked first, the others in turn when it does not answer.
 * <pre>
 * → {"counts":[{"key":"12","window_start":1764111600000,"requests":5}]}
 * ← {"counts":[{"key":"12","window_start":1764111600000,"requests":42}]}
 * </pre>
 */
public final class HttpQuotaCountExchange implements QuotaCountExchange {

    private static final StringManager sm = StringManager.getManager(HttpQuotaCountExchange.class);

    private static final JsonFactory JSON = new JsonFactory();

    /** Largest answer read. */
    private static final int MAX_ANSWER = 4 * 1024 * 1024;

    private final List<URI> uris;
    private final String authorization;
    private final int connectTimeout;
    private final int readTimeout;
    private final SSLSocketFactory socketFactory;
    private volatile int preferred;


    /**
     * @param uris           the key managers' {@code quota-counts} endpoints, in order of preference
     * @param clientId       the valve's application
     * @param clientSecret   its secret
     * @param connectTimeout connect timeout in ms
     * @param readTimeout    read timeout in ms
     * @param sslContext     TLS settings for a private CA, or {@code null} for the JVM's defaults
     */
    public HttpQuotaCountExchange(List<URI> uris, String clientId, String clientSecret, int connectTimeout,
            int readTimeout, SSLContext sslContext) {
        this.uris = List.copyOf(uris);
        String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":" +
                URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        this.connectTimeout = Math.max(1, connectTimeout);
        this.readTimeout = Math.max(1, readTimeout);
        this.socketFactory = sslContext == null ? null : sslContext.getSocketFactory();
    }


    /**
     * @param introspectionUri the introspection endpoint
     *
     * @return the default address: the introspection URL with its last segment replaced by {@code quota-counts}
     */
    public static URI defaultUri(URI introspectionUri) {
        return introspectionUri.resolve("quota-counts");
    }


    @Override
    public List<QuotaCount> exchange(List<QuotaCount> counts) throws IOException {
        byte[] body = write(counts);
        int first = preferred;
        IOException failure = null;
        for (int i = 0; i < uris.size(); i++) {
            int index = (first + i) % uris.size();
            try {
                List<QuotaCount> answer = exchange(uris.get(index), body);
                preferred = index;
                return answer;
            } catch (IOException e) {
                // a key manager that does not answer: the next may (a report whose answer was lost may so be
                // counted twice, which errs on the strict side)
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw failure;
    }


    private List<QuotaCount> exchange(URI uri, byte[] body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        try {
            if (socketFactory != null && connection instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(socketFactory);
            }
            connection.setConnectTimeout(connectTimeout);
            connection.setReadTimeout(readTimeout);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setRequestMethod("POST");
            connection.setRequestProperty("Authorization", authorization);
            connection.setRequestProperty("Accept", "application/json");
            connection.setRequestProperty("Content-Type", "application/json");
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            if (status != 200) {
                try (InputStream err = connection.getErrorStream()) {
                    if (err != null) {
                        err.readNBytes(MAX_ANSWER);
                    }
                }
                throw new IOException(sm.getString("httpQuotaCountExchange.status", uri, Integer.toString(status)));
            }
            try (InputStream in = connection.getInputStream()) {
                return read(in.readNBytes(MAX_ANSWER));
            }
        } catch (IOException | RuntimeException e) {
            connection.disconnect();
            throw e;
        }
    }


    @Override
    public String describe() {
        return sm.getString("httpQuotaCountExchange.describe", uris);
    }


    static byte[] write(List<QuotaCount> counts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + counts.size() * 64);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("counts");
            for (QuotaCount count : counts) {
                g.writeStartObject();
                g.writeStringField("key", count.key());
                g.writeNumberField("window_start", count.windowStart());
                g.writeNumberField("requests", count.requests());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }


    static List<QuotaCount> read(byte[] body) throws IOException {
        List<QuotaCount> counts = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            expect(p.nextToken() == JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("counts".equals(name)) {
                    expect(value == JsonToken.START_ARRAY);
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        counts.add(readCount(p));
                    }
                    expect(p.currentToken() == JsonToken.END_ARRAY);
                } else {
                    p.skipChildren();
                }
            }
            expect(p.currentToken() == JsonToken.END_OBJECT);
        }
        return counts;
    }


    private static QuotaCount readCount(JsonParser p) throws IOException {
        String key = null;
        long windowStart = -1;
        long requests = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "key" -> {
                    expect(value == JsonToken.VALUE_STRING);
                    key = p.getText();
                }
                case "window_start" -> {
                    expect(value == JsonToken.VALUE_NUMBER_INT);
                    windowStart = p.getLongValue();
                }
                case "requests" -> {
                    expect(value == JsonToken.VALUE_NUMBER_INT);
                    requests = p.getLongValue();
                }
                default -> p.skipChildren();
            }
        }
        expect(key != null && windowStart >= 0 && requests >= 0);
        return new QuotaCount(key, windowStart, requests);
    }


    private static void expect(boolean condition) throws IOException {
        if (!condition) {
            throw new IOException(sm.getString("httpQuotaCountExchange.garbage"));
        }
    }
}
