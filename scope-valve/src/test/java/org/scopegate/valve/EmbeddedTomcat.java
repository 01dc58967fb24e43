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
package org.scopegate.valve;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Valve;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * An in-process Tomcat for tests, after Tomcat's own {@code TomcatBaseTest}: 127.0.0.1, port 0, a temporary base
 * directory, no jar scanning, and a webapp {@code /app} whose servlets print what the valve handed them.
 */
final class EmbeddedTomcat implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Tomcat tomcat = new Tomcat();


    EmbeddedTomcat(Path baseDir) {
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        Connector connector = tomcat.getConnector();
        connector.setProperty("address", "127.0.0.1");
        connector.setThrowOnFailure(true);
        Context context = tomcat.addContext("/app", null);
        StandardJarScanner scanner = (StandardJarScanner) context.getJarScanner();
        scanner.setScanClassPath(false);
        scanner.setScanManifest(false);
        Tomcat.addServlet(context, "echo", new EchoServlet());
        context.addServletMappingDecoded("/*", "echo");
        Wrapper async = Tomcat.addServlet(context, "async", new AsyncEchoServlet());
        async.setAsyncSupported(true);
        context.addServletMappingDecoded("/async/*", "async");
    }


    Tomcat tomcat() {
        return tomcat;
    }


    void addHostValve(Valve valve) {
        tomcat.getHost().getPipeline().addValve(valve);
    }


    void start() throws LifecycleException {
        tomcat.start();
    }


    String url(String path) {
        return "http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + path;
    }


    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(builder.GET().build(), HttpResponse.BodyHandlers.ofString());
    }


    HttpResponse<String> send(String method, String path, String contentType, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        builder.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }


    @Override
    public void close() throws LifecycleException {
        try {
            tomcat.stop();
        } finally {
            tomcat.destroy();
        }
    }


    static void describe(HttpServletRequest req, PrintWriter out) {
        out.println("user=" + req.getRemoteUser());
        out.println("authType=" + req.getAuthType());
        out.println("role.read=" + req.isUserInRole("read"));
        out.println("role.update=" + req.isUserInRole("update"));
        out.println("client=" + req.getAttribute(ScopeValve.CLIENT_ID_ATTRIBUTE));
        out.println("scopes=" + req.getAttribute(ScopeValve.SCOPES_ATTRIBUTE));
        Object exp = req.getAttribute(ScopeValve.EXPIRES_AT_ATTRIBUTE);
        out.println("expiresAt=" + exp + (exp == null ? "" : " " + exp.getClass().getName()));
    }


    /** Prints what the valve handed the webapp. */
    static final class EchoServlet extends HttpServlet {

        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.setCharacterEncoding("UTF-8");
            PrintWriter out = resp.getWriter();
            out.println("method=" + req.getMethod());
            describe(req, out);
        }
    }


    /** The same, answered from another thread after {@code startAsync()}. */
    static final class AsyncEchoServlet extends HttpServlet {

        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext async = req.startAsync();
            async.start(() -> {
                try {
                    resp.setContentType("text/plain");
                    PrintWriter out = resp.getWriter();
                    out.println("async=true");
                    describe((HttpServletRequest) async.getRequest(), out);
                } catch (IOException e) {
                    resp.setStatus(500);
                } finally {
                    async.complete();
                }
            });
        }
    }
}
