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
package org.scopegate.e2e;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * HTTP over TLS to a demo Tomcat, trusting exactly the demo's self-signed certificate
 * ({@code CA_CERT} of demo.env), with host name verification on: the certificate names localhost
 * and 127.0.0.1; or {@link #plain() plain HTTP} to an installed Tomcat.
 */
public final class Http {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SSLContext ssl;
    private final HttpClient client;

    /**
     * @param server the demo whose certificate to trust
     * @throws Exception when the certificate cannot be read
     */
    public Http(DemoServer server) throws Exception {
        this(trusting(Path.of(server.get("CA_CERT"))));
    }

    private Http(SSLContext ssl) {
        this.ssl = ssl;
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (ssl != null) {
            b.sslContext(ssl);
        }
        this.client = b.build();
    }

    /** Plain HTTP, as to a Tomcat on its stock connector bound to 127.0.0.1 ({@link #ssl()} is null). */
    public static Http plain() {
        return new Http((SSLContext) null);
    }

    /** An SSLContext trusting the given PEM certificate only. */
    static SSLContext trusting(Path pem) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Certificate cert;
        try (InputStream in = Files.newInputStream(pem)) {
            cert = cf.generateCertificate(in);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("demo", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** The SSL context (for raw sockets). */
    public SSLContext ssl() {
        return ssl;
    }

    /** {@code Basic base64(urlencode(id) ":" urlencode(secret))}, RFC 6749 2.3.1. */
    public static String basic(String id, String secret) {
        String raw = form(id) + ":" + form(secret);
        return "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** application/x-www-form-urlencoded encoding of one value. */
    public static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Form body from name/value pairs (order kept). */
    public static String form(Map<String, String> params) {
        return params.entrySet().stream().map(e -> form(e.getKey()) + "=" + form(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** Map of pairs, in order. */
    public static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /**
     * POSTs a form with the given Authorization header (null for none).
     *
     * @param url the URL
     * @param authorization header value or null
     * @param body the encoded form
     * @return the answer
     * @throws Exception on I/O failure
     */
    public Response postForm(String url, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.build());
    }

    /**
     * Any request.
     *
     * @param method the method
     * @param url the URL
     * @param headers alternating names and values
     * @return the answer
     * @throws Exception on I/O failure
     */
    public Response request(String method, String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    /** GET with a bearer token (null for none). */
    public Response get(String url, String token) throws Exception {
        return token == null ? request("GET", url) : request("GET", url, "Authorization", "Bearer " + token);
    }

    /** POST without a body, with a bearer token (null for none). */
    public Response post(String url, String token) throws Exception {
        return token == null ? request("POST", url) : request("POST", url, "Authorization", "Bearer " + token);
    }

    private Response send(HttpRequest req) throws Exception {
        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(r.statusCode(), r, r.body());
    }

    /** Parses JSON text. */
    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /**
     * An answer.
     *
     * @param status the status code
     * @param raw the client's response, for headers
     * @param body the body text
     */
    public record Response(int status, HttpResponse<String> raw, String body) {

        /** First value of a header, or null. */
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        /** The body as JSON. */
        public JsonNode json() {
            return Http.json(body);
        }

        @Override
        public String toString() {
            return status + " " + raw.headers().map() + " " + body;
        }
    }
}
