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
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.naming.NamingException;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.common.store.QuotaCountStore;
import org.scopegate.token.Messages;
import org.scopegate.token.TokenService;
import org.scopegate.token.admin.AdminSecret;
import org.scopegate.token.audit.AuditActor;
import org.scopegate.token.audit.AuditLog;
import org.scopegate.token.client.ClientAuthenticator;
import org.scopegate.token.config.TokenServiceConfig;
import org.scopegate.token.crypto.Digests;
import org.scopegate.token.crypto.PasswordHasher;
import org.scopegate.token.crypto.SecretGenerator;
import org.scopegate.token.feed.PostgresNotifications;
import org.scopegate.token.feed.RevocationFeedConfig;
import org.scopegate.token.feed.RevocationHub;
import org.scopegate.token.grant.ClientCredentialsGrantHandler;
import org.scopegate.token.grant.GrantHandler;
import org.scopegate.token.grant.LockoutPolicy;
import org.scopegate.token.grant.PasswordGrantHandler;
import org.scopegate.token.grant.RefreshTokenGrantHandler;
import org.scopegate.token.grant.ScopeResolver;
import org.scopegate.token.grant.TokenIssuer;
import org.scopegate.token.grant.UserAuthenticator;
import org.scopegate.token.metrics.LiveTokenCount;
import org.scopegate.token.metrics.MetricsExport;
import org.scopegate.token.metrics.TokenServiceMetrics;
import org.scopegate.token.stats.UsageStatistics;
import org.scopegate.token.store.ApplicationStore;
import org.scopegate.token.store.ClientStore;
import org.scopegate.token.store.DataSources;
import org.scopegate.token.store.Database;
import org.scopegate.token.store.LiveTokenCounter;
import org.scopegate.token.store.RevocationCause;
import org.scopegate.token.store.RevocationEventStore;
import org.scopegate.token.store.ScopeStore;
import org.scopegate.token.store.SettingStore;
import org.scopegate.token.store.StoreFailures;
import org.scopegate.token.store.StoreSettingsException;
import org.scopegate.token.store.StoreStarter;
import org.scopegate.token.store.TierStore;
import org.scopegate.token.store.TokenPurger;
import org.scopegate.token.store.TokenRevoker;
import org.scopegate.token.store.TokenStore;
import org.scopegate.token.store.UserStore;
import org.scopegate.token.throttle.GrantRateLimiter;
import org.scopegate.token.throttle.Throttling;

/**
 * Builds the token service when the webapp starts (configuration, store, services, purge schedule) and tears it down
 * when it stops (scheduler, pool, embedded Derby, driver registration). A bad configuration or a store set up wrong
 * (see {@link StoreFailures}) stops the webapp from starting, with one clear log line and no stack trace. A store that
 * is only unavailable (the database is down or starting) does not: the webapp starts, answers 503 with
 * {@code Retry-After}, and {@link StoreStarter} keeps trying in the background.
 */
public final class TokenServiceListener implements ServletContextListener {

    private static final Log log = LogFactory.getLog(TokenServiceListener.class);

    /** Most clients, and most addresses, whose grant rate is tracked at once. */
    private static final long GRANT_LIMIT_ENTRIES = 100_000;

    private DataSources dataSources;
    private ScheduledExecutorService scheduler;
    private RevocationHub hub;
    private ObjectName hubName;
    private PostgresNotifications notifications;
    private StoreStarter starter;
    private MetricsExport metricsExport;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        long start = System.nanoTime();
        ServletContext context = event.getServletContext();
        TokenServiceConfig configured;
        RevocationFeedConfig feedConfig;
        try {
            configured = TokenServiceConfig.read(context::getInitParameter, catalinaBase());
            feedConfig = RevocationFeedConfig.read(context::getInitParameter);
        } catch (IllegalArgumentException e) {
            String message = Messages.get("tokenServiceListener.configInvalid", e.getMessage());
            log.error(message);
            throw new StartFailure(message);
        }
        TokenServiceConfig config = configured.issuer() != null ? configured
                : configured.withIssuer(ServerIssuer.derive(context));
        if (configured.issuer() == null) {
            log.warn(Messages.get("tokenServiceListener.issuerDerived", config.issuer()));
        }
        try {
            dataSources = open(config);
            Database database = Database.opening(dataSources.getDataSource());
            TokenService service = build(config, database);
            startRevocationFeed(service, feedConfig, context);
            context.setAttribute(TokenService.ATTRIBUTE, service);
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "scopegate-token-store");
                t.setDaemon(true);
                return t;
            });
            ScheduledExecutorService tasks = scheduler;
            service.hasher().statistics().observeWith(service.metrics()::passwordHashed);
            metricsExport = MetricsExport.start(service.metrics(), context.getContextPath());
            starter = new StoreStarter(database, context.getClassLoader(), service.scopes(), config.defaultScope(),
                    tasks, () -> {
                        TokenPurger purger = new TokenPurger(service.database(), service.tokens(), service.events(),
                                service.settings(), service.clock());
                        tasks.scheduleWithFixedDelay(purger, config.purgeInterval(), config.purgeInterval(),
                                TimeUnit.SECONDS);
                        tasks.scheduleWithFixedDelay(new LiveTokenCount(service.database(), new LiveTokenCounter(),
                                service.metrics(), service.clock()), 0, LiveTokenCount.INTERVAL_SECONDS,
                                TimeUnit.SECONDS);
                        listenForOtherKeyManagers(database, context.getClassLoader());
                        log.info(Messages.get("tokenServiceListener.started",
                                String.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)),
                                config.passwordHash().algorithm(), String.valueOf(config.accessTokenLifetime())));
                    });
            starter.start();
        } catch (StoreSettingsException e) {
            // logged once by the starter
            shutdown(context.getClassLoader());
            throw new StartFailure(Messages.get("tokenServiceListener.storeSettings", e.getMessage()));
        } catch (NamingException e) {
            String message = Messages.get("tokenServiceListener.jndiMissing", config.dataSourceName(),
                    String.valueOf(e.getMessage()));
            log.error(message);
            shutdown(context.getClassLoader());
            throw new StartFailure(message);
        } catch (IOException | RuntimeException e) {
            log.error(Messages.get("tokenServiceListener.startFailed"), e);
            shutdown(context.getClassLoader());
            throw new StartFailure(Messages.get("tokenServiceListener.startFailed"));
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        event.getServletContext().removeAttribute(TokenService.ATTRIBUTE);
        event.getServletContext().removeAttribute(RevocationHub.ATTRIBUTE);
        shutdown(event.getServletContext().getClassLoader());
        log.info(Messages.get("tokenServiceListener.stopped"));
    }

    private static DataSources open(TokenServiceConfig config) throws NamingException {
        if (config.dataSourceName() != null) {
            return DataSources.jndi(config.dataSourceName());
        }
        if (config.jdbc() != null) {
            return DataSources.postgreSql(config.jdbc());
        }
        return DataSources.embeddedDerby(config.databaseDirectory());
    }

    private static TokenService build(TokenServiceConfig config, Database database) throws IOException {
        LongSupplier clock = System::currentTimeMillis;
        SecretGenerator secrets = new SecretGenerator();
        PasswordHasher hasher = new PasswordHasher(config.passwordHash(), secrets, config.passwordHashQueue(),
                config.passwordHashWait());
        UserStore users = new UserStore();
        ClientStore clients = new ClientStore();
        ScopeStore scopes = new ScopeStore();
        TokenStore tokens = new TokenStore();
        RevocationEventStore events = new RevocationEventStore();
        SettingStore settings = new SettingStore();
        TokenRevoker revoker = new TokenRevoker(tokens, events);
        ScopeResolver scopeResolver = new ScopeResolver(config.defaultScope());
        ApplicationStore applications = new ApplicationStore();
        UsageStatistics statistics = new UsageStatistics();
        TokenIssuer issuer = new TokenIssuer(tokens, clients, secrets, statistics, config.accessTokenLifetime(),
                config.refreshTokenLifetime(), config.refreshFamilyMaxAge());
        LockoutPolicy lockout = new LockoutPolicy(config.lockoutThreshold(), config.lockoutDuration(),
                config.lockoutMaxDuration(), claimTimeoutMillis(config));
        UserAuthenticator userAuthenticator = new UserAuthenticator(database, users, hasher, lockout, clock);
        TokenServiceMetrics metrics = new TokenServiceMetrics();
        AuditLog audit = new AuditLog(clock);
        userAuthenticator.reportLockoutsTo((user, until, failures) -> {
            metrics.lockout();
            audit.accountLocked(user, until, failures);
        });
        PasswordGrantHandler passwordGrant = new PasswordGrantHandler(userAuthenticator, users, scopes,
                scopeResolver, issuer, statistics, clock);
        RefreshTokenGrantHandler refreshGrant = new RefreshTokenGrantHandler(database, tokens, revoker, issuer, users,
                scopes, scopeResolver, clock);
        refreshGrant.reportReuseTo((client, digest, revoked) -> {
            metrics.revoked(RevocationCause.REFRESH_TOKEN_REUSE, revoked);
            audit.tokensRevoked(new AuditActor(client, null), RevocationCause.REFRESH_TOKEN_REUSE, revoked, "token",
                    Digests.shortForm(digest));
        });
        Map<String, GrantHandler> handlers = new HashMap<>();
        for (GrantHandler handler : new GrantHandler[] {
                passwordGrant,
                refreshGrant,
                new ClientCredentialsGrantHandler(database, scopes, scopeResolver, issuer, clock) }) {
            handlers.put(handler.grantType(), handler);
        }
        AdminSecret adminSecret = AdminSecret.loadOrCreate(config.adminSecretFile(), secrets);
        return new TokenService(config, database, jsonMapper(), clock, secrets, hasher,
                new ClientAuthenticator(clients), Map.copyOf(handlers), scopeResolver, users, clients, scopes, tokens,
                events, settings, revoker, adminSecret, applications, statistics, userAuthenticator, passwordGrant,
                new Throttling(new TierStore(), new QuotaCountStore(), new GrantRateLimiter(
                        config.grantRateLimits().perClient(), config.grantRateLimits().perAddress(),
                        config.grantRateLimits().windowSeconds(), GRANT_LIMIT_ENTRIES, System::nanoTime)),
                metrics, audit);
    }

    /**
     * How long an unreleased lockout claim counts: well beyond the longest wait for a hash plus the hash itself, so
     * that only the claims of a server that died while hashing expire.
     */
    private static long claimTimeoutMillis(TokenServiceConfig config) {
        return Math.max(60_000L, 10 * config.passwordHashWait());
    }

    /**
     * The pushed revocation feed: the hub, told of every commit that wrote revocation events.
     */
    private void startRevocationFeed(TokenService service, RevocationFeedConfig feedConfig, ServletContext context) {
        hub = new RevocationHub(service.database(), service.events(), service.settings(), service.secrets(),
                service.objectMapper(), feedConfig, System::nanoTime);
        hub.start();
        service.database().setRevocationListener(hub);
        context.setAttribute(RevocationHub.ATTRIBUTE, hub);
        try {
            hubName = new ObjectName("org.scopegate:type=RevocationFeed,context="
                    + ObjectName.quote(context.getContextPath().isEmpty() ? "/" : context.getContextPath()));
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(hubName)) {
                server.unregisterMBean(hubName);
            }
            server.registerMBean(hub, hubName);
        } catch (JMException e) {
            // JMX is a view: the feed works without it
            hubName = null;
            log.warn(Messages.get("tokenServiceListener.feedMBeanFailed", e.toString()));
        }
    }

    /**
     * On PostgreSQL, the other key managers' events arrive by notification; once the store is open.
     */
    private synchronized void listenForOtherKeyManagers(Database database, ClassLoader classLoader) {
        RevocationHub h = hub;
        if (h != null && notifications == null && database.getDialect() != null
                && database.getDialect().isPostgreSql()) {
            notifications = new PostgresNotifications(database.getDataSource(), h, classLoader);
            notifications.start();
        }
    }

    private synchronized void shutdown(ClassLoader classLoader) {
        if (metricsExport != null) {
            metricsExport.close();
            metricsExport = null;
        }
        if (starter != null) {
            starter.stop();
            starter = null;
        }
        if (notifications != null) {
            notifications.stop();
            notifications = null;
        }
        if (hub != null) {
            hub.stop();
            hub = null;
        }
        if (hubName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(hubName);
            } catch (JMException e) {
                // gone already
            }
            hubName = null;
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
        if (dataSources != null) {
            dataSources.close(classLoader);
            dataSources = null;
        }
    }

    /**
     * Stops the webapp's start with the message alone: the cause is logged already, in one line.
     */
    private static final class StartFailure extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        StartFailure(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private static Path catalinaBase() {
        String base = System.getProperty("catalina.base");
        return Paths.get(base != null ? base : System.getProperty("user.dir"));
    }

    /**
     * The JSON mapper of every body the webapp reads and writes. A body is one JSON value, each name once: content
     * after the value, or a name given twice, is a 400 rather than read in part or with one of the two values picked
     * (what a proxy or a firewall in front may have checked is then what the service acts on).
     *
     * @return a new mapper
     */
    static ObjectMapper jsonMapper() {
        return JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }
}
