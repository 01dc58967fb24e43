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
package org.scopegate.token;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServlet;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.RemoteIpValve;
import org.apache.tomcat.util.descriptor.web.ContextResource;
import org.apache.tomcat.util.descriptor.web.ContextResourceLink;
import org.scopegate.testsupport.TestDatabase;

/**
 * An embedded Tomcat on 127.0.0.1, port 0, temporary base, with the webapp of {@code src/main/webapp} at
 * {@code /token} (classes from the test class path), low password hash cost and per-address limits of sign-up and
 * sign-in too high to matter (every test comes from 127.0.0.1); plus HTTP helpers.
 * <p>
 * The store is embedded Derby under the base directory, or, when the store tests run on PostgreSQL (system property
 * {@value TestDatabase#ENGINE_PROPERTY}{@code =postgres}, the second surefire execution), a database of the test
 * JVM's PostgreSQL cluster named after the base directory: a server started again on the same base finds its store
 * again. {@link #on(TestDatabase)} puts several servers on one PostgreSQL database.
 */
public final class EmbeddedTokenServer {

    /** Name of the global DataSource of {@link #throughJndi(TestDatabase)}. */
    public static final String JNDI_NAME = "jdbc/OAuthStore";

    /** Shared JSON mapper of the tests. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private final Path base;
    private final Map<String, String> parameters = new HashMap<>();
    private final Map<String, HttpServlet> publicPages = new HashMap<>();
    private TestDatabase database;
    private TestDatabase jndiDatabase;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private Tomcat tomcat;
    private Context context;
    private int port;
    private String adminAuthorization;
    private boolean behindTls;
    private boolean behindProxy;

    /**
     * @param base temporary base directory (database and admin secret go under it)
     */
    public EmbeddedTokenServer(Path base) {
        this.base = base;
        if (TestDatabase.onPostgres()) {
            useDatabase(TestDatabase.named("sg_" + base.getFileName()));
        } else {
            parameters.put("databaseDirectory", base.resolve("db").toString());
        }
        parameters.put("adminSecretFile", base.resolve("conf/token-admin.secret").toString());
        parameters.put("argon2MemoryKiB", "64");
        parameters.put("argon2Iterations", "1");
        // Every test signs up and in from 127.0.0.1: the per-address limits are tested on their own.
        parameters.put("signupRateLimit", "100000");
        parameters.put("signInRateLimit", "100000");
    }

    /**
     * Puts the store on that PostgreSQL database (several servers may share it), instead of the server's own.
     *
     * @param database a PostgreSQL database
     * @return this
     */
    public EmbeddedTokenServer on(TestDatabase database) {
        if (!TestDatabase.POSTGRES.equals(database.engine())) {
            throw new IllegalArgumentException("Servers share a PostgreSQL database, not " + database.engine());
        }
        useDatabase(database);
        return this;
    }

    private void useDatabase(TestDatabase database) {
        this.database = database;
        parameters.remove("databaseDirectory");
        parameters.put("jdbcUrl", database.url());
        parameters.put("jdbcUser", database.user());
        parameters.put("jdbcPassword", database.password());
        parameters.put("jdbcPoolSize", "10");
    }

    /**
     * Puts the store on that database through JNDI, as an administrator does: a global DataSource
     * {@value #JNDI_NAME} (a DBCP2 pool made by its JNDI factory, like Tomcat's own), a {@code ResourceLink} in the
     * webapp's context and the context parameter {@code dataSourceName}.
     *
     * @param database the database
     * @return this
     */
    public EmbeddedTokenServer throughJndi(TestDatabase database) {
        this.database = database;
        this.jndiDatabase = database;
        parameters.remove("databaseDirectory");
        parameters.remove("jdbcUrl");
        parameters.remove("jdbcUser");
        parameters.remove("jdbcPassword");
        parameters.remove("jdbcPoolSize");
        parameters.put("dataSourceName", JNDI_NAME);
        return this;
    }

    private void addGlobalDataSource(TestDatabase db) {
        tomcat.enableNaming();
        ContextResource resource = new ContextResource();
        resource.setName(JNDI_NAME);
        resource.setType(DataSource.class.getName());
        resource.setProperty("factory", "org.apache.commons.dbcp2.BasicDataSourceFactory");
        resource.setProperty("driverClassName", db.driverClassName());
        resource.setProperty("url", db.url());
        if (db.user() != null) {
            resource.setProperty("username", db.user());
            resource.setProperty("password", db.password());
        }
        resource.setProperty("maxTotal", "10");
        resource.setProperty("defaultAutoCommit", "false");
        resource.setProperty("testOnBorrow", "true");
        tomcat.getServer().getGlobalNamingResources().addResource(resource);
    }

    /**
     * @return the PostgreSQL database of the store, or {@code null} on embedded Derby
     */
    public TestDatabase database() {
        return database;
    }

    /**
     * A connection of the test's own to the store of the running server (the embedded Derby database shares the
     * server's Derby engine in this JVM), for what the product's APIs cannot set up, such as a state reached only by
     * a lost race. Auto-commit is on.
     *
     * @return a new connection; close it
     * @throws SQLException when the store cannot be reached
     */
    public Connection openStore() throws SQLException {
        if (database != null) {
            return DriverManager.getConnection(database.url(), database.user(), database.password());
        }
        return DriverManager.getConnection("jdbc:derby:" + Path.of(parameters.get("databaseDirectory"))
                .toAbsolutePath());
    }

    /**
     * @param name context parameter
     * @param value its value
     * @return this
     */
    public EmbeddedTokenServer with(String name, String value) {
        parameters.put(name, value);
        return this;
    }

    /**
     * Marks the connector secure with scheme {@code https}, as requests arrive when TLS ends in front of Tomcat
     * (a proxy and {@code RemoteIpValve}): {@code request.isSecure()} is true.
     *
     * @return this
     */
    public EmbeddedTokenServer behindTls() {
        behindTls = true;
        return this;
    }

    /**
     * Puts Tomcat's {@code RemoteIpValve} on the host, as behind a reverse proxy on this host: a request's
     * {@code X-Forwarded-For} becomes its remote address, {@code X-Forwarded-Proto: https} marks it secure.
     *
     * @return this
     */
    public EmbeddedTokenServer behindProxy() {
        behindProxy = true;
        return this;
    }

    /**
     * Adds a second webapp at {@code path} whose only servlet answers every request, as another application on the
     * same Tomcat (and the same connector) as the token service.
     *
     * @param path context path, e.g. {@code /public}
     * @param servlet the servlet, mapped to {@code /*}
     * @return this
     */
    public EmbeddedTokenServer withContext(String path, HttpServlet servlet) {
        publicPages.put(path, servlet);
        return this;
    }

    /**
     * @return the port Tomcat listens on
     */
    public int port() {
        return port;
    }

    /**
     * Starts Tomcat and the webapp.
     *
     * @return the state of the webapp after start
     * @throws LifecycleException when Tomcat itself fails
     * @throws IOException when the admin secret cannot be read
     */
    public LifecycleState start() throws LifecycleException, IOException {
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.resolve("tomcat").toString());
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setThrowOnFailure(true);
        if (behindTls) {
            connector.setSecure(true);
            connector.setScheme("https");
        }
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);
        if (behindProxy) {
            RemoteIpValve proxy = new RemoteIpValve();
            proxy.setInternalProxies("127\\.0\\.0\\.1");
            proxy.setRemoteIpHeader("X-Forwarded-For");
            proxy.setProtocolHeader("X-Forwarded-Proto");
            tomcat.getHost().getPipeline().addValve(proxy);
        }
        if (jndiDatabase != null) {
            addGlobalDataSource(jndiDatabase);
        }
        context = tomcat.addWebapp("/token", new File("src/main/webapp").getAbsolutePath());
        if (jndiDatabase != null) {
            ContextResourceLink link = new ContextResourceLink();
            link.setName(JNDI_NAME);
            link.setGlobal(JNDI_NAME);
            link.setType(DataSource.class.getName());
            context.getNamingResources().addResourceLink(link);
        }
        parameters.forEach(context::addParameter);
        for (Map.Entry<String, HttpServlet> page : publicPages.entrySet()) {
            Context other = tomcat.addContext(page.getKey(), base.resolve("docs" + page.getKey().replace('/', '-'))
                    .toFile().getAbsolutePath());
            new File(other.getDocBase()).mkdirs();
            Tomcat.addServlet(other, "page", page.getValue());
            other.addServletMappingDecoded("/*", "page");
        }
        tomcat.start();
        port = connector.getLocalPort();
        Path secretFile = Path.of(parameters.get("adminSecretFile"));
        if (context.getState() == LifecycleState.STARTED) {
            String secret = Files.readString(secretFile).trim();
            adminAuthorization = basic("admin", secret);
        }
        return context.getState();
    }

    /**
     * Stops and destroys Tomcat (the database stays).
     */
    public void stop() {
        if (tomcat == null) {
            return;
        }
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
        tomcat = null;
    }

    /**
     * Stops Tomcat and deletes the base directory.
     */
    public void stopAndDelete() {
        stop();
        try (Stream<Path> paths = Files.walk(base)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // Temporary files only.
        }
    }

    /**
     * @return the admin secret
     */
    public String adminSecret() {
        try {
            return Files.readString(Path.of(parameters.get("adminSecretFile"))).trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Switches self sign-up on or off through the admin API.
     *
     * @param enabled the new state
     */
    public void setSignup(boolean enabled) {
        expect(admin("PUT", "/settings/signup", "{\"enabled\":" + enabled + "}"), 200);
    }

    /**
     * Signs a user up through {@code POST /signup}.
     *
     * @param username user name
     * @param password password
     * @return the answer
     */
    public HttpResponse<String> signup(String username, String password) {
        return postForm("/signup", null, "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8));
    }

    /**
     * @param name a servlet context attribute
     * @return its value in the running webapp
     */
    public Object attribute(String name) {
        return context.getServletContext().getAttribute(name);
    }

    /**
     * @return the webapp URL, {@code http://127.0.0.1:<port>/token}
     */
    public String url() {
        return "http://127.0.0.1:" + port + "/token";
    }

    /**
     * @param id consumer key
     * @param secret consumer secret
     * @return {@code Basic base64(urlencode(id):urlencode(secret))}
     */
    public static String basic(String id, String secret) {
        String pair = URLEncoder.encode(id, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * POSTs a form body as written (a literal space stays a space on the wire).
     *
     * @param path path after {@code /token}, e.g. {@code ""} or {@code "/revoke"}
     * @param authorization Authorization header or {@code null}
     * @param body raw body
     * @return the response
     */
    public HttpResponse<String> postForm(String path, String authorization, String body) {
        return send(path, "POST", authorization, "application/x-www-form-urlencoded", body);
    }

    /**
     * @param path path after {@code /token}
     * @param method HTTP method
     * @param authorization Authorization header or {@code null}
     * @param contentType Content-Type or {@code null}
     * @param body body or {@code null}
     * @return the response
     */
    public HttpResponse<String> send(String path, String method, String authorization, String contentType,
            String body) {
        List<String> headers = new ArrayList<>(4);
        if (authorization != null) {
            headers.add("Authorization");
            headers.add(authorization);
        }
        if (contentType != null) {
            headers.add("Content-Type");
            headers.add(contentType);
        }
        return sendWithHeaders(path, method, body, headers.toArray(String[]::new));
    }

    /**
     * Sends a request with the headers as given, each pair as one header line: a name may come twice.
     *
     * @param path path after {@code /token}
     * @param method HTTP method
     * @param body body or {@code null}
     * @param headers names and values, alternately
     * @return the response
     */
    public HttpResponse<String> sendWithHeaders(String path, String method, String body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * @return the admin API's Basic credential
     */
    public String adminAuthorization() {
        return adminAuthorization;
    }

    /**
     * Calls the admin API with the admin credential.
     *
     * @param method HTTP method
     * @param path path after {@code /token/admin}
     * @param json body or {@code null}
     * @return the response
     */
    public HttpResponse<String> admin(String method, String path, String json) {
        return send("/admin" + path, method, adminAuthorization, json == null ? null : "application/json", json);
    }

    /**
     * @param username user name
     * @param password password
     * @param roles roles
     */
    public void createUser(String username, String password, String... roles) {
        Map<String, Object> body = new HashMap<>();
        body.put("username", username);
        body.put("password", password);
        body.put("roles", roles);
        expect(admin("POST", "/users", write(body)), 201);
    }

    /**
     * @param name scope name
     * @param roles roles granting it
     */
    public void createScope(String name, String... roles) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("roles", roles);
        expect(admin("POST", "/scopes", write(body)), 201);
    }

    /**
     * @param introspect whether the application may introspect
     * @param grantTypes allowed grant types
     * @return {@code {client_id, client_secret}}
     */
    public String[] createClient(boolean introspect, String... grantTypes) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "test application");
        body.put("grant_types", grantTypes);
        body.put("introspect", Boolean.valueOf(introspect));
        JsonNode created = json(expect(admin("POST", "/clients", write(body)), 201));
        return new String[] { created.get("client_id").asText(), created.get("client_secret").asText() };
    }

    /**
     * @param response a response
     * @return its body as JSON
     */
    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("Not JSON: " + response.body(), e);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("Expected " + status + " but got " + response.statusCode() + ": "
                    + response.body());
        }
        return response;
    }
}
