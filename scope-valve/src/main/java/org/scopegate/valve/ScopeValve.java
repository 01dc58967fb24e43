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

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import javax.naming.Context;
import javax.management.ObjectName;
import javax.naming.NamingException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.sql.DataSource;

import jakarta.servlet.ServletException;

import org.apache.catalina.Container;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Server;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.apache.tomcat.util.modeler.Registry;
import org.apache.tomcat.util.res.StringManager;
import org.scopegate.common.secret.PlaceholderSecrets;
import org.scopegate.valve.feed.KeyManagerFeeds;
import org.scopegate.valve.introspect.DataSourceTokenIntrospector;
import org.scopegate.valve.introspect.FailoverTokenIntrospector;
import org.scopegate.valve.introspect.HttpTokenIntrospector;
import org.scopegate.valve.introspect.IntrospectionException;
import org.scopegate.valve.introspect.IntrospectionStatistics;
import org.scopegate.valve.introspect.KeyManager;
import org.scopegate.valve.introspect.LoopbackHost;
import org.scopegate.valve.introspect.RevocationFeed;
import org.scopegate.valve.introspect.RevocationFeedPoller;
import org.scopegate.valve.introspect.ServiceHealth;
import org.scopegate.valve.introspect.TokenDigest;
import org.scopegate.valve.introspect.TokenInfo;
import org.scopegate.valve.introspect.TokenInfoCache;
import org.scopegate.valve.introspect.TokenIntrospector;
import org.scopegate.valve.introspect.TokenValidator;
import org.scopegate.valve.metrics.ValveFigures;
import org.scopegate.valve.metrics.ValveMetrics;
import org.scopegate.valve.rules.ReloadingScopeRules;
import org.scopegate.valve.rules.ScopeRule;
import org.scopegate.valve.rules.ScopeRulesException;
import org.scopegate.valve.throttle.DataSourceQuotaCountExchange;
import org.scopegate.valve.throttle.HttpQuotaCountExchange;
import org.scopegate.valve.throttle.QuotaCountExchange;
import org.scopegate.valve.throttle.QuotaCountSync;
import org.scopegate.valve.throttle.RequestThrottle;
import org.scopegate.valve.throttle.ThrottleDecision;

/**
 * A scope gate for every webapp behind it: the request passes only with an active OAuth 2.0 bearer token that
 * holds a scope the requested resource (method and path) demands. Declared on a Host in {@code server.xml} or on
 * one webapp in its context file:
 *
 * <pre>
 * &lt;Valve className="org.scopegate.valve.ScopeValve" realm="api" rulesPath="scope-rules.conf"
 *        introspectionUrl="http://localhost:8080/token/introspect"
 *        clientId="scope-valve" clientSecret="${scope.valve.clientSecret}"/&gt;
 * </pre>
 *
 * Tokens are checked with RFC 7662 introspection at one key manager or several (or, on one server, by reading the
 * store through a global JNDI DataSource), answers are cached, and the pushed revocation feed of every key manager
 * keeps the cache honest: a revocation answers only once this valve has applied and acknowledged it, and a valve
 * out of contact stops trusting its cache within {@code revocationMaxLag} ms. Refusals follow RFC 6750
 * section 3 and are written by the valve itself; a failing token service gives 503, never a pass. An admitted
 * request carries the user as its Principal, with the granted scopes as roles, and the request attributes
 * {@link #CLIENT_ID_ATTRIBUTE}, {@link #SCOPES_ATTRIBUTE} and {@link #EXPIRES_AT_ATTRIBUTE}. Requests are counted
 * against the quota of the token's application (its tier, told by the token service) and of the matched rule
 * ({@code limit=}); a spent quota gives 429 with {@code Retry-After}, {@code RateLimit-Policy} and
 * {@code RateLimit} (package {@code org.scopegate.valve.throttle}).
 */
public class ScopeValve extends ValveBase implements ValveFigures {

    /** Request attribute: the client id of the admitted token (String). */
    public static final String CLIENT_ID_ATTRIBUTE = "org.scopegate.valve.CLIENT_ID";

    /** Request attribute: the scopes of the admitted token, space-separated (String). */
    public static final String SCOPES_ATTRIBUTE = "org.scopegate.valve.SCOPES";

    /** Request attribute: the expiry of the admitted token in epoch seconds (Long). */
    public static final String EXPIRES_AT_ATTRIBUTE = "org.scopegate.valve.EXPIRES_AT";

    /** The error code of a 429: the application's quota is spent (no OAuth registry has one for a resource). */
    public static final String TOO_MANY_REQUESTS = "too_many_requests";

    /** Most buckets kept by the throttle (application and quota pairs). */
    private static final long MAX_QUOTA_BUCKETS = 100_000;

    /** The auth type of an admitted request. */
    public static final String AUTH_TYPE = "BEARER";

    /** Our own messages: ValveBase's {@code sm} reads {@code org.apache.catalina.valves}. */
    protected static final StringManager sm = StringManager.getManager(ScopeValve.class);

    private static final Log log = LogFactory.getLog(ScopeValve.class);

    /** Time after which a key manager out of service gets one request again, in ms. */
    private static final long KEY_MANAGER_PROBE_INTERVAL = 2000;


    // ------------------------------------------------------------------------------------------ Constructors

    /**
     * Creates the valve with its defaults.
     */
    public ScopeValve() {
        // All work is done before the next valve runs, so async requests are fine
        super(true);
    }


    // ------------------------------------------------------------------------------------ Instance Variables

    private volatile String realm = "ScopeGate";
    private volatile String rulesPath;
    private volatile String introspectionUrl;
    private volatile String clientId;
    private volatile String clientSecret;
    private volatile String dataSourceName;
    private volatile int cacheSize = 10000;
    private volatile int cacheTtl = 300;
    private volatile int negativeCacheTtl = 5;
    private volatile String revocationFeedUrl;
    private volatile int revocationPollInterval = 500;
    private volatile int revocationMaxLag = 1500;
    private volatile boolean allowUnmatched;
    private volatile int connectTimeout = 1000;
    private volatile int readTimeout = 2000;
    private volatile int retryAfter = 5;
    private volatile String trustStore;
    private volatile String trustStorePassword;
    private volatile boolean allowCleartextIntrospection;
    private volatile boolean throttling = true;
    private volatile int gateways = 1;
    private volatile int quotaSyncInterval;
    private volatile String quotaSyncUrl;
    /** The wall clock the quota windows are aligned on; tests set their own. */
    private volatile LongSupplier quotaClock = System::currentTimeMillis;

    private final BearerTokenResolver resolver = new BearerTokenResolver();
    private final IntrospectionStatistics statistics = new IntrospectionStatistics();

    private final LongAdder admitted = new LongAdder();
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong refusedNoToken = new AtomicLong();
    private final AtomicLong refusedInvalidToken = new AtomicLong();
    private final AtomicLong refusedInsufficientScope = new AtomicLong();
    private final AtomicLong refusedInvalidRequest = new AtomicLong();
    private final AtomicLong refusedUnavailable = new AtomicLong();
    private final AtomicLong refusedUnmatched = new AtomicLong();
    private final AtomicLong refusedQuota = new AtomicLong();
    private final AtomicBoolean internalErrorLogged = new AtomicBoolean();

    private final BearerTokenError noTokenError = BearerTokenError.noToken(sm.getString("scopeValve.noToken"));
    private final BearerTokenError invalidTokenError =
            BearerTokenError.invalidToken(sm.getString("scopeValve.invalidToken"));
    private final BearerTokenError unmatchedError = BearerTokenError.accessDenied(sm.getString("scopeValve.unmatched"));
    private final BearerTokenError unavailableError =
            BearerTokenError.unavailable(sm.getString("scopeValve.unavailable"));
    private final BearerTokenError invalidPathError =
            BearerTokenError.invalidRequest(sm.getString("scopeValve.invalidPath"));
    private final String insufficientScopeDescription = sm.getString("scopeValve.insufficientScope");
    private final BearerTokenError quotaSpentError = new BearerTokenError(TOO_MANY_REQUESTS, 429,
            sm.getString("scopeValve.quotaSpent"), null, false);

    private volatile ReloadingScopeRules rules;
    private volatile TokenValidator validator;
    private volatile RevocationFeed poller;
    private volatile TokenInfoCache cache;
    private volatile ServiceHealth tokenServiceHealth;
    private volatile ValveMetrics metrics = ValveMetrics.NONE;
    private volatile List<KeyManager> keyManagers = List.of();
    private volatile List<ObjectName> keyManagerNames = List.of();
    private volatile RequestThrottle throttle;
    private volatile QuotaCountSync quotaSync;


    // -------------------------------------------------------------------------------------------- Properties

    /**
     * @return the protection space named in {@code WWW-Authenticate}
     */
    public String getRealm() {
        return realm;
    }


    /**
     * The protection space named in every {@code WWW-Authenticate: Bearer realm="…"} challenge. The default value
     * is {@code ScopeGate}.
     *
     * @param realm the realm (printable ASCII without {@code "} or {@code \})
     */
    public void setRealm(String realm) {
        this.realm = realm;
    }


    /**
     * @return the rules file as configured
     */
    public String getRulesPath() {
        return rulesPath;
    }


    /**
     * The rules file: absolute, or relative to {@code $CATALINA_BASE/conf/}. Required. Reloaded when its
     * modification time or size changes (looked at most once per second).
     *
     * @param rulesPath the path
     */
    public void setRulesPath(String rulesPath) {
        this.rulesPath = rulesPath;
    }


    /**
     * @return the RFC 7662 introspection endpoint
     */
    public String getIntrospectionUrl() {
        return introspectionUrl;
    }


    /**
     * The RFC 7662 introspection endpoint, for example {@code http://localhost:8080/token/introspect}, or the
     * endpoints of several equal key managers separated by spaces or commas: introspection is spread over those
     * in service and fails over to the next one, and the revocation feed of every one is followed. Either this or
     * {@code dataSourceName} is required. No default.
     *
     * @param introspectionUrl one or more absolute {@code http} or {@code https} URLs
     */
    public void setIntrospectionUrl(String introspectionUrl) {
        this.introspectionUrl = introspectionUrl;
    }


    /**
     * @return the application the valve introspects as
     */
    public String getClientId() {
        return clientId;
    }


    /**
     * The client id of the application the valve authenticates as (its {@code introspect} flag must be set).
     * Required with {@code introspectionUrl}. No default.
     *
     * @param clientId the client id
     */
    public void setClientId(String clientId) {
        this.clientId = clientId;
    }


    /**
     * The secret of that application. Required with {@code introspectionUrl}. Write-only: there is no getter and
     * it is not shown over JMX. Use a {@code ${…}} placeholder resolved from {@code catalina.properties}.
     *
     * @param clientSecret the secret
     */
    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }


    /**
     * @return the global JNDI DataSource read instead of the token service
     */
    public String getDataSourceName() {
        return dataSourceName;
    }


    /**
     * The name of a DataSource in the server's global JNDI resources ({@code GlobalNamingResources}) holding the
     * token store; an alternative to {@code introspectionUrl} when the valve runs on the token service's server.
     * No default.
     *
     * @param dataSourceName the global resource name, for example {@code jdbc/OAuthStore}
     */
    public void setDataSourceName(String dataSourceName) {
        this.dataSourceName = dataSourceName;
    }


    /**
     * @return the most cached answers
     */
    public int getCacheSize() {
        return cacheSize;
    }


    /**
     * The most introspection answers kept in memory (entries); {@code 0} disables the cache. The default value is
     * {@code 10000}.
     *
     * @param cacheSize entries
     */
    public void setCacheSize(int cacheSize) {
        this.cacheSize = cacheSize;
    }


    /**
     * @return the longest life of a cached active answer, in seconds
     */
    public int getCacheTtl() {
        return cacheTtl;
    }


    /**
     * The longest time an active answer is cached, in seconds; never past the token's own expiry. The default
     * value is {@code 300}.
     *
     * @param cacheTtl seconds
     */
    public void setCacheTtl(int cacheTtl) {
        this.cacheTtl = cacheTtl;
    }


    /**
     * @return the life of a cached inactive answer, in seconds
     */
    public int getNegativeCacheTtl() {
        return negativeCacheTtl;
    }


    /**
     * How long an inactive answer is cached, in seconds. The default value is {@code 5}.
     *
     * @param negativeCacheTtl seconds
     */
    public void setNegativeCacheTtl(int negativeCacheTtl) {
        this.negativeCacheTtl = negativeCacheTtl;
    }


    /**
     * @return the revocation feed as configured, or {@code null} when derived
     */
    public String getRevocationFeedUrl() {
        return revocationFeedUrl;
    }


    /**
     * The revocation feed, or one per key manager of {@code introspectionUrl}, in the same order. The default is
     * each introspection URL with its last path segment replaced by {@code revocations}.
     *
     * @param revocationFeedUrl one or more absolute {@code http} or {@code https} URLs
     */
    public void setRevocationFeedUrl(String revocationFeedUrl) {
        this.revocationFeedUrl = revocationFeedUrl;
    }


    /**
     * @return the time between two polls of the revocation feed, in ms
     */
    public int getRevocationPollInterval() {
        return revocationPollInterval;
    }


    /**
     * The time between the starts of two polls of a revocation feed that is polled ({@code dataSourceName}, or a
     * key manager that predates the pushed feed), and the first pause before a lost stream of the pushed feed is
     * made again, in milliseconds. The default value is {@code 500}.
     *
     * @param revocationPollInterval milliseconds
     */
    public void setRevocationPollInterval(int revocationPollInterval) {
        this.revocationPollInterval = revocationPollInterval;
    }


    /**
     * @return the age of the last good poll after which the cache is not trusted, in ms
     */
    public int getRevocationMaxLag() {
        return revocationMaxLag;
    }


    /**
     * The longest time, in milliseconds, cached answers are used after a revocation feed last vouched for them (a
     * heartbeat of the pushed feed, counted from when the valve sent its stream request; the start of the last good
     * poll of a polled feed); a key manager's acknowledgement timeout caps it for its stream. Past it, every request
     * is introspected. Must be greater than {@code revocationPollInterval}. The default value is {@code 1500}.
     *
     * @param revocationMaxLag milliseconds
     */
    public void setRevocationMaxLag(int revocationMaxLag) {
        this.revocationMaxLag = revocationMaxLag;
    }


    /**
     * @return whether a request no rule matches passes
     */
    public boolean isAllowUnmatched() {
        return allowUnmatched;
    }


    /**
     * Whether a request that no rule matches passes untouched. The default value is {@code false}: it is refused
     * with 403 {@code access_denied}.
     *
     * @param allowUnmatched {@code true} to let it pass
     */
    public void setAllowUnmatched(boolean allowUnmatched) {
        this.allowUnmatched = allowUnmatched;
    }


    /**
     * @return the connect timeout towards the token service, in ms
     */
    public int getConnectTimeout() {
        return connectTimeout;
    }


    /**
     * The connect timeout towards the token service, in milliseconds. The default value is {@code 1000}.
     *
     * @param connectTimeout milliseconds
     */
    public void setConnectTimeout(int connectTimeout) {
        this.connectTimeout = connectTimeout;
    }


    /**
     * @return the time allowed for a whole answer of the token service, in ms
     */
    public int getReadTimeout() {
        return readTimeout;
    }


    /**
     * The time allowed for a whole answer of the token service, in milliseconds. The default value is
     * {@code 2000}.
     *
     * @param readTimeout milliseconds
     */
    public void setReadTimeout(int readTimeout) {
        this.readTimeout = readTimeout;
    }


    /**
     * @return the {@code Retry-After} of a 503, in seconds
     */
    public int getRetryAfter() {
        return retryAfter;
    }


    /**
     * The {@code Retry-After} header of a 503 answer, in seconds. The default value is {@code 5}.
     *
     * @param retryAfter seconds
     */
    public void setRetryAfter(int retryAfter) {
        this.retryAfter = retryAfter;
    }


    /**
     * @return the trust store for an HTTPS token service
     */
    public String getTrustStore() {
        return trustStore;
    }


    /**
     * A trust store (PKCS12 or JKS) holding the CA of an HTTPS token service; absolute, or relative to
     * {@code $CATALINA_BASE}. The default is the JVM's trust store.
     *
     * @param trustStore the file
     */
    public void setTrustStore(String trustStore) {
        this.trustStore = trustStore;
    }


    /**
     * The password of {@code trustStore}. Write-only, like {@code clientSecret}.
     *
     * @param trustStorePassword the password
     */
    public void setTrustStorePassword(String trustStorePassword) {
        this.trustStorePassword = trustStorePassword;
    }


    /**
     * @return whether {@code http://} token service URLs to hosts other than loopback are accepted
     */
    public boolean isAllowCleartextIntrospection() {
        return allowCleartextIntrospection;
    }


    /**
     * Whether an {@code http://} {@code introspectionUrl} or {@code revocationFeedUrl} may name a host that is not
     * loopback ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}). Such a URL sends every token and the valve's
     * own secret in clear, so the valve refuses to start with one unless this is {@code true} (a network the
     * administrator trusts, or TLS added by something else on the way). The default value is {@code false}.
     *
     * @param allowCleartextIntrospection {@code true} to accept cleartext towards another host
     */
    public void setAllowCleartextIntrospection(boolean allowCleartextIntrospection) {
        this.allowCleartextIntrospection = allowCleartextIntrospection;
    }


    /**
     * @return whether requests are counted against the quotas of the applications and of the rules
     */
    public boolean isThrottling() {
        return throttling;
    }


    /**
     * Whether requests are counted against quotas: the tier of the token's application (from the token service)
     * and the {@code limit=} of the rule that matched. A spent quota answers 429 with {@code Retry-After}, and every
     * answer to a counted application carries {@code RateLimit-Policy} and {@code RateLimit}. An application of an
     * unlimited tier costs nothing. The default value is {@code true}.
     *
     * @param throttling {@code false} to let every application send as much as it likes
     */
    public void setThrottling(boolean throttling) {
        this.throttling = throttling;
    }


    /**
     * @return how many gateways share each quota when they do not exchange their counts
     */
    public int getGateways() {
        return gateways;
    }


    /**
     * How many gateways (valves behind one load balancer) share each quota when they do not exchange their counts:
     * each enforces {@code quota / gateways} (at least 1), which is right when the load balancer spreads every
     * application evenly. Not with {@code quotaSyncInterval}, which makes the gateways agree instead. The default
     * value is {@code 1}.
     *
     * @param gateways the number of gateways
     */
    public void setGateways(int gateways) {
        this.gateways = gateways;
    }


    /**
     * @return ms between exchanges of quota counts with the other gateways, {@code 0} when they are not exchanged
     */
    public int getQuotaSyncInterval() {
        return quotaSyncInterval;
    }


    /**
     * Every this many ms, the valve adds what it served of each quota to the counts of every gateway, kept by the
     * key managers ({@code quotaSyncUrl}) or, in the {@code dataSourceName} mode, by the store, and takes what the
     * others served from its own buckets: the gateways then enforce each quota together, overshooting it by at
     * most what they receive in about two intervals once it is spent. {@code 0} keeps the counts local (with
     * {@code gateways}). The default value is {@code 0}.
     *
     * @param quotaSyncInterval ms, 0 for none
     */
    public void setQuotaSyncInterval(int quotaSyncInterval) {
        this.quotaSyncInterval = quotaSyncInterval;
    }


    /**
     * @return the key managers' quota count endpoint as configured
     */
    public String getQuotaSyncUrl() {
        return quotaSyncUrl;
    }


    /**
     * The key managers' quota count endpoints, one per key manager of {@code introspectionUrl} in the same order;
     * the exchange goes to the first that answers (they share the counts through their store). The default value is
     * each {@code introspectionUrl} with its last path segment replaced by {@code quota-counts}.
     *
     * @param quotaSyncUrl absolute {@code http} or {@code https} URLs, separated by commas or spaces
     */
    public void setQuotaSyncUrl(String quotaSyncUrl) {
        this.quotaSyncUrl = quotaSyncUrl;
    }


    // ---------------------------------------------------------------------------------- Statistics (JMX)

    /**
     * @return requests admitted with a valid token
     */
    @Override
    public long getAdmittedCount() {
        return admitted.sum();
    }


    /**
     * @return requests passed without a token check ({@code public} rules, or unmatched with
     *         {@code allowUnmatched})
     */
    @Override
    public long getPassedCount() {
        return passed.get();
    }


    /**
     * @return refusals: no token on a protected resource
     */
    @Override
    public long getRefusedNoTokenCount() {
        return refusedNoToken.get();
    }


    /**
     * @return refusals: inactive, expired or revoked token
     */
    @Override
    public long getRefusedInvalidTokenCount() {
        return refusedInvalidToken.get();
    }


    /**
     * @return refusals: token without a scope the resource demands
     */
    @Override
    public long getRefusedInsufficientScopeCount() {
        return refusedInsufficientScope.get();
    }


    /**
     * @return refusals: malformed header, or a token in two places
     */
    @Override
    public long getRefusedInvalidRequestCount() {
        return refusedInvalidRequest.get();
    }


    /**
     * @return refusals: token service unavailable (503)
     */
    @Override
    public long getRefusedUnavailableCount() {
        return refusedUnavailable.get();
    }


    /**
     * @return refusals: no rule matched
     */
    @Override
    public long getRefusedUnmatchedCount() {
        return refusedUnmatched.get();
    }


    /**
     * @return requests refused because a quota was spent (429)
     */
    @Override
    public long getRefusedQuotaCount() {
        return refusedQuota.get();
    }


    /**
     * @return application and quota pairs counted now
     */
    public long getQuotaBucketCount() {
        RequestThrottle t = throttle;
        return t == null ? 0 : t.size();
    }


    /**
     * @return exchanges of quota counts with the other gateways that succeeded since the start ({@code 0} without
     *         {@code quotaSyncInterval})
     */
    public long getQuotaSyncCount() {
        QuotaCountSync s = quotaSync;
        return s == null ? 0 : s.getExchangeCount();
    }


    /**
     * Sets the wall clock (epoch milliseconds) the quota windows are aligned on, before the valve starts: tests
     * move it by hand rather than wait for a window to pass.
     *
     * @param quotaClock the clock
     */
    void setQuotaClock(LongSupplier quotaClock) {
        this.quotaClock = quotaClock;
    }


    /**
     * @return whether the last exchange of quota counts with the other gateways succeeded (true without one)
     */
    public boolean isQuotaSyncAvailable() {
        QuotaCountSync s = quotaSync;
        return s == null || s.isAvailable();
    }


    /**
     * @return requests answered from the cache
     */
    @Override
    public long getCacheHitCount() {
        return statistics.getCacheHits();
    }


    /**
     * @return requests that needed an introspection
     */
    @Override
    public long getCacheMissCount() {
        return statistics.getCacheMisses();
    }


    /**
     * @return entries in the cache
     */
    @Override
    public long getCachedTokenCount() {
        TokenInfoCache c = cache;
        return c == null ? 0 : c.size();
    }


    /**
     * @return introspections that got an answer
     */
    public long getIntrospectionCount() {
        return statistics.getIntrospections();
    }


    /**
     * @return mean introspection latency, in ms
     */
    public double getIntrospectionMeanLatency() {
        return statistics.getMeanLatencyMillis();
    }


    /**
     * @return last introspection latency, in ms
     */
    public double getIntrospectionLastLatency() {
        return statistics.getLastLatencyMillis();
    }


    /**
     * @return whether the last introspection got an answer
     */
    @Override
    public boolean isTokenServiceAvailable() {
        ServiceHealth h = tokenServiceHealth;
        return h == null || h.isAvailable();
    }


    /**
     * @return the key managers of {@code introspectionUrl} (0 with {@code dataSourceName})
     */
    public int getKeyManagerCount() {
        return keyManagers.size();
    }


    /**
     * @return the key managers in service for introspection
     */
    public int getAvailableKeyManagerCount() {
        int n = 0;
        for (KeyManager k : keyManagers) {
            if (k.isAvailable()) {
                n++;
            }
        }
        return n;
    }


    /**
     * @return one line per key manager: its URL, whether it is in service, how its feed is followed, the feed's lag
     *         and the last event acknowledged to it
     */
    public String[] getKeyManagerStatus() {
        List<KeyManager> list = keyManagers;
        String[] lines = new String[list.size()];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = list.get(i).toString();
        }
        return lines;
    }


    /**
     * @return whether cached answers are in use (the revocation feed is recent enough)
     */
    @Override
    public boolean isCacheTrusted() {
        RevocationFeed p = poller;
        return p != null && p.isCacheTrusted();
    }


    /**
     * @return the cursor of the last revocation event applied, {@code -1} before the first poll
     */
    public long getRevocationCursor() {
        RevocationFeed p = poller;
        return p == null ? -1 : p.getCursor();
    }


    /**
     * @return milliseconds since the revocation feed of any key manager was last heard from (the freshest one),
     *         {@code -1} before the first time or with {@code dataSourceName}
     */
    public long getRevocationFeedLag() {
        long lag = -1;
        for (KeyManager k : keyManagers) {
            long l = k.getFeedLag();
            if (l >= 0 && (lag < 0 || l < lag)) {
                lag = l;
            }
        }
        return lag;
    }


    /**
     * @return the newest revocation event this valve has acknowledged to a key manager, {@code -1} before the first
     */
    public long getLastAcknowledgedEvent() {
        long max = -1;
        for (KeyManager k : keyManagers) {
            max = Math.max(max, k.getLastAcknowledgedEvent());
        }
        return max;
    }


    /**
     * @return the key managers whose feed keeps the cache trusted now
     */
    public int getConnectedFeedCount() {
        RevocationFeed p = poller;
        if (p instanceof KeyManagerFeeds feeds) {
            return feeds.getConnectedCount();
        }
        return p != null && p.isCacheTrusted() ? 1 : 0;
    }


    /**
     * @return reloads of the rules file since start
     */
    @Override
    public long getRulesReloadCount() {
        ReloadingScopeRules r = rules;
        return r == null ? 0 : r.getReloadCount();
    }


    /**
     * @return edits of the rules file refused since start (the rules in force stayed)
     */
    @Override
    public long getRulesReloadErrorCount() {
        ReloadingScopeRules r = rules;
        return r == null ? 0 : r.getErrorCount();
    }


    /**
     * @return why the last edit of the rules file was refused, or {@code null} when the file in force is the file
     *         on disk
     */
    public String getRulesError() {
        ReloadingScopeRules r = rules;
        return r == null ? null : r.getLastError();
    }


    // ---------------------------------------------------------------------------------------- Public Methods

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (response.isErrorReportRequired()) {
            // Tomcat has refused the request already (an invalid URI, for example) and routes it through the
            // pipeline only to render its error page; StandardHostValve will not hand it to any webapp.
            getNext().invoke(request, response);
            return;
        }
        BearerTokenError refusal;
        try {
            refusal = check(request);
        } catch (RuntimeException e) {
            refusedUnavailable.incrementAndGet();
            if (internalErrorLogged.compareAndSet(false, true)) {
                containerLog.error(sm.getString("scopeValve.internalError"), e);
            } else if (log.isDebugEnabled()) {
                log.debug("Unexpected failure, answering 503", e);
            }
            refusal = unavailableError;
        }
        if (refusal != null) {
            refuse(response, refusal);
            return;
        }
        getNext().invoke(request, response);
    }


    @Override
    public void backgroundProcess() {
        ReloadingScopeRules r = rules;
        if (r != null) {
            r.checkNow();
        }
    }


    // ------------------------------------------------------------------------------------- Protected Methods

    /**
     * Decides on a request and, when it is admitted with a token, hands the webapp its principal.
     *
     * @param request the request
     *
     * @return the refusal, or {@code null} when the request may pass
     */
    protected BearerTokenError check(Request request) {
        String path = request.getDecodedRequestURI();
        if (path == null) {
            refusedInvalidRequest.incrementAndGet();
            return invalidPathError;
        }
        ScopeRule rule = rules.get().match(request.getMethod(), path);
        if (rule == null) {
            if (allowUnmatched) {
                passed.incrementAndGet();
                return null;
            }
            refusedUnmatched.incrementAndGet();
            return unmatchedError;
        }
        if (rule.isPublic()) {
            // A public resource is not ours to judge: the Authorization header is not even read
            passed.incrementAndGet();
            return null;
        }
        TokenDigest digest;
        try {
            digest = resolver.resolveDigest(request);
        } catch (BearerTokenException e) {
            refusedInvalidRequest.incrementAndGet();
            return e.getError();
        }
        if (digest == null) {
            refusedNoToken.incrementAndGet();
            return noTokenError;
        }
        // A cached answer needs only the digest (taken from the header's bytes); the token becomes a String only
        // for an introspection
        TokenInfo info = validator.cached(digest);
        if (info == null) {
            try {
                info = validator.validate(resolver.resolve(request), digest);
            } catch (BearerTokenException e) {
                refusedInvalidRequest.incrementAndGet();
                return e.getError();
            } catch (IntrospectionException | RuntimeException e) {
                refusedUnavailable.incrementAndGet();
                if (log.isDebugEnabled()) {
                    log.debug("No answer for token [" + digest.shortHex() + "]: " + e);
                }
                return unavailableError;
            }
        }
        if (!info.active() || info.isExpiredAt(System.currentTimeMillis()) || info.principalName() == null) {
            refusedInvalidToken.incrementAndGet();
            if (log.isDebugEnabled()) {
                log.debug("Token [" + digest.shortHex() + "] refused: not active");
            }
            return invalidTokenError;
        }
        if (!rule.grants(info.scopes())) {
            refusedInsufficientScope.incrementAndGet();
            return BearerTokenError.insufficientScope(insufficientScopeDescription, rule.getScope());
        }
        if ((info.quota() != null || rule.getLimit() != null) && !withinQuota(request, info, rule)) {
            refusedQuota.incrementAndGet();
            if (log.isDebugEnabled()) {
                log.debug("Token [" + digest.shortHex() + "] of client [" + info.clientId() + "] refused: quota spent");
            }
            return quotaSpentError;
        }
        admit(request, info);
        admitted.increment();
        return null;
    }


    /**
     * Hands the webapp the token's user and what the token holds. The principal is not cleared afterwards:
     * {@code Request.recycle()} does that once the access log has used it.
     *
     * @param request the request
     * @param info    the active token
     */
    protected void admit(Request request, TokenInfo info) {
        request.setAuthType(AUTH_TYPE);
        request.setUserPrincipal(info.principal());
        request.setAttribute(CLIENT_ID_ATTRIBUTE, info.clientId());
        request.setAttribute(SCOPES_ATTRIBUTE, info.scope());
        if (info.expiresAt() != 0) {
            request.setAttribute(EXPIRES_AT_ATTRIBUTE, Long.valueOf(info.expiresAt()));
        }
    }


    /**
     * Counts the request against the quota of the token's application and of the rule, and tells the client with
     * the {@code RateLimit-Policy}, {@code RateLimit} and (when refused) {@code Retry-After} fields.
     *
     * @param request the request
     * @param info    the active token
     * @param rule    the rule that matched
     *
     * @return whether the request may pass
     */
    protected boolean withinQuota(Request request, TokenInfo info, ScopeRule rule) {
        RequestThrottle t = throttle;
        if (t == null) {
            return true;
        }
        ThrottleDecision decision = t.consume(info.application(), info.clientId(), info.quota(), rule.getLimit());
        decision.writeHeaders(request.getResponse());
        return decision.allowed();
    }


    /**
     * Writes a refusal: status, {@code WWW-Authenticate} (RFC 6750 section 3), {@code Retry-After} for a 503,
     * {@code Cache-Control: no-store} and a small JSON body. The Host's {@code ErrorReportValve} runs after this
     * valve, so nothing else writes a page.
     *
     * @param response the response
     * @param error    the refusal
     *
     * @throws IOException when the body cannot be written
     */
    protected void refuse(Response response, BearerTokenError error) throws IOException {
        response.setStatus(error.getStatus());
        if (error.hasChallenge()) {
            response.setHeader("WWW-Authenticate", error.toChallenge(realm));
        }
        if (error.getStatus() == 503) {
            response.setHeader("Retry-After", Integer.toString(retryAfter));
        }
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        byte[] body = error.toJson().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }


    // ------------------------------------------------------------------------------------- Lifecycle Methods

    @Override
    protected void initInternal() throws LifecycleException {
        super.initInternal();
        validateConfiguration();
    }


    @Override
    protected void startInternal() throws LifecycleException {
        validateConfiguration();

        ReloadingScopeRules loadedRules = new ReloadingScopeRules(resolveRulesPath(), containerLog, System::nanoTime);
        try {
            loadedRules.load();
        } catch (ScopeRulesException | IOException e) {
            throw new LifecycleException(sm.getString("scopeValve.rulesInvalid", loadedRules.getPath(),
                    e.getMessage()), e);
        }

        TokenIntrospector introspector = createIntrospector();
        ServiceHealth health = new ServiceHealth(introspector.describe(), sm.getString("scopeValve.serviceDown"),
                containerLog);
        TokenInfoCache newCache = new TokenInfoCache(cacheSize, cacheTtl, negativeCacheTtl, System::nanoTime,
                System::currentTimeMillis);
        String threadName = "ScopeValve[" + getContainer().getName() + "]-revocations";
        RevocationFeed newPoller;
        if (keyManagers.isEmpty()) {
            // dataSourceName: the event table is polled directly
            ServiceHealth feedHealth = new ServiceHealth(sm.getString("scopeValve.feed", introspector.describe()),
                    sm.getString("scopeValve.feedDown"), containerLog);
            newPoller = new RevocationFeedPoller(introspector, newCache, revocationPollInterval, revocationMaxLag,
                    feedHealth, threadName, System::nanoTime, containerLog);
        } else {
            newPoller = new KeyManagerFeeds(keyManagers, newCache, revocationMaxLag, revocationPollInterval,
                    readTimeout, sm.getString(keyManagers.size() > 1 ? "scopeValve.feedDownOthers" :
                            "scopeValve.feedDown"), threadName, System::nanoTime, containerLog);
        }
        registerKeyManagers();

        rules = loadedRules;
        cache = newCache;
        poller = newPoller;
        tokenServiceHealth = health;
        validator = new TokenValidator(introspector, newCache, newPoller, statistics, health, System::nanoTime);
        metrics = ValveMetrics.register(metricsName(), this);
        statistics.observeLatencyWith(metrics.introspectionLatency());
        newPoller.observeLagWith(metrics.revocationFeedLag());
        startThrottle();

        containerLog.info(sm.getString("scopeValve.started", loadedRules.getPath(),
                Integer.toString(loadedRules.get().size()), introspector.describe()));
        super.startInternal();
    }


    @Override
    protected void stopInternal() throws LifecycleException {
        super.stopInternal();
        statistics.observeLatencyWith(null);
        metrics.close();
        metrics = ValveMetrics.NONE;
        RevocationFeed p = poller;
        if (p != null) {
            p.stop();
        }
        unregisterKeyManagers();
        TokenInfoCache c = cache;
        if (c != null) {
            c.invalidateAll();
        }
        QuotaCountSync s = quotaSync;
        if (s != null) {
            s.stop();
        }
        quotaSync = null;
        throttle = null;
    }


    // --------------------------------------------------------------------------------------- Private Methods

    /**
     * Registers one MBean per key manager next to the valve's own:
     * {@code <domain>:type=ScopeValveKeyManager,<the valve's host and context>,index=<n>}.
     */
    private void registerKeyManagers() {
        ObjectName valveName = getObjectName();
        List<ObjectName> names = new ArrayList<>();
        if (valveName != null) {
            for (KeyManager k : keyManagers) {
                try {
                    StringBuilder name = new StringBuilder(getDomain()).append(":type=ScopeValveKeyManager");
                    for (String key : List.of("host", "context")) {
                        String value = valveName.getKeyProperty(key);
                        if (value != null) {
                            name.append(',').append(key).append('=').append(value);
                        }
                    }
                    name.append(",index=").append(k.getIndex());
                    ObjectName oname = new ObjectName(name.toString());
                    Registry.getRegistry(null, null).registerComponent(k, oname, null);
                    names.add(oname);
                } catch (Exception e) {
                    // JMX is a view: the gate works without it
                    containerLog.warn(sm.getString("scopeValve.jmxFailed", k.getIntrospectionUrl(), e.toString()));
                }
            }
        }
        keyManagerNames = List.copyOf(names);
    }


    private void unregisterKeyManagers() {
        for (ObjectName name : keyManagerNames) {
            Registry.getRegistry(null, null).unregisterComponent(name);
        }
        keyManagerNames = List.of();
    }

    private void validateConfiguration() throws LifecycleException {
        if (realm == null || realm.isEmpty() || !BearerTokenError.isValid(realm)) {
            throw invalid("scopeValve.badRealm", realm);
        }
        if (isBlank(rulesPath)) {
            throw invalid("scopeValve.noRulesPath");
        }
        boolean http = !isBlank(introspectionUrl);
        boolean jndi = !isBlank(dataSourceName);
        if (http == jndi) {
            throw invalid("scopeValve.oneSource");
        }
        if (http) {
            List<URI> introspection = checkUrls("introspectionUrl", introspectionUrl);
            List<URI> feeds = new ArrayList<>();
            if (isBlank(revocationFeedUrl)) {
                for (URI uri : introspection) {
                    feeds.add(HttpTokenIntrospector.defaultRevocationFeedUri(uri));
                }
            } else {
                feeds = checkUrls("revocationFeedUrl", revocationFeedUrl);
                if (feeds.size() != introspection.size()) {
                    throw invalid("scopeValve.feedCount", Integer.toString(feeds.size()),
                            Integer.toString(introspection.size()));
                }
            }
            for (URI uri : introspection) {
                checkTransport("introspectionUrl", uri);
            }
            for (URI uri : feeds) {
                checkTransport("revocationFeedUrl", uri);
            }
            if (isBlank(clientId) || isUnresolved(clientId)) {
                throw invalid("scopeValve.noClientId");
            }
            if (isBlank(clientSecret) || isUnresolved(clientSecret)) {
                throw invalid("scopeValve.noClientSecret");
            }
            if (PlaceholderSecrets.isPlaceholder(clientSecret)) {
                throw invalid("scopeValve.placeholderSecret");
            }
        } else if (isUnresolved(dataSourceName)) {
            throw invalid("scopeValve.badValue", "dataSourceName", dataSourceName);
        }
        checkNotNegative("cacheSize", cacheSize);
        checkNotNegative("cacheTtl", cacheTtl);
        checkNotNegative("negativeCacheTtl", negativeCacheTtl);
        checkNotNegative("retryAfter", retryAfter);
        checkPositive("revocationPollInterval", revocationPollInterval);
        checkPositive("gateways", gateways);
        checkNotNegative("quotaSyncInterval", quotaSyncInterval);
        if (gateways > 1 && quotaSyncInterval > 0) {
            throw invalid("scopeValve.gatewaysAndSync", Integer.toString(gateways),
                    Integer.toString(quotaSyncInterval));
        }
        if (!isBlank(quotaSyncUrl)) {
            if (!http) {
                throw invalid("scopeValve.badValue", "quotaSyncUrl", quotaSyncUrl);
            }
            List<URI> counts = checkUrls("quotaSyncUrl", quotaSyncUrl);
            int keyManagerCount = splitList(introspectionUrl).size();
            if (counts.size() != keyManagerCount) {
                throw invalid("scopeValve.quotaSyncUrlCount", Integer.toString(counts.size()),
                        Integer.toString(keyManagerCount));
            }
            for (URI uri : counts) {
                checkTransport("quotaSyncUrl", uri);
            }
        }
        checkPositive("connectTimeout", connectTimeout);
        checkPositive("readTimeout", readTimeout);
        if (revocationMaxLag <= revocationPollInterval) {
            throw invalid("scopeValve.maxLag", Integer.toString(revocationMaxLag),
                    Integer.toString(revocationPollInterval));
        }
    }


    private void startThrottle() throws LifecycleException {
        if (!throttling) {
            throttle = null;
            return;
        }
        LongSupplier clock = quotaClock;
        RequestThrottle newThrottle = new RequestThrottle(gateways, MAX_QUOTA_BUCKETS, clock);
        QuotaCountSync sync = null;
        if (quotaSyncInterval > 0) {
            QuotaCountExchange exchange;
            if (isBlank(dataSourceName)) {
                List<URI> uris = new ArrayList<>();
                for (String url : splitList(isBlank(quotaSyncUrl) ? introspectionUrl : quotaSyncUrl)) {
                    uris.add(isBlank(quotaSyncUrl) ? HttpQuotaCountExchange.defaultUri(URI.create(url)) :
                            URI.create(url));
                }
                exchange = new HttpQuotaCountExchange(uris, clientId, clientSecret, connectTimeout, readTimeout,
                        createSslContext());
            } else {
                exchange = new DataSourceQuotaCountExchange(globalNamingContext(), dataSourceName, clock);
            }
            sync = new QuotaCountSync(newThrottle, exchange, quotaSyncInterval, clock,
                    "ScopeValve[" + getContainer().getName() + "]-quota-counts", containerLog);
            sync.start();
        }
        throttle = newThrottle;
        quotaSync = sync;
    }


    private Context globalNamingContext() {
        Service service = Container.getService(getContainer());
        return service == null || service.getServer() == null ? null : service.getServer().getGlobalNamingContext();
    }


    /**
     * @return the {@code valve} label of this valve's metrics: its Host's name, followed by the context path for a
     *         valve on one webapp
     */
    private String metricsName() {
        Container container = getContainer();
        if (container instanceof org.apache.catalina.Context context) {
            Container host = context.getParent();
            return (host == null ? "" : host.getName()) + (context.getPath().isEmpty() ? "/" : context.getPath());
        }
        return container == null ? "" : container.getName();
    }


    private Path resolveRulesPath() {
        File file = new File(rulesPath);
        if (!file.isAbsolute()) {
            file = new File(new File(catalinaBase(), "conf"), rulesPath);
        }
        return file.toPath();
    }


    private File catalinaBase() {
        Service service = Container.getService(getContainer());
        Server server = service == null ? null : service.getServer();
        File base = server == null ? null : server.getCatalinaBase();
        return base != null ? base : new File(System.getProperty("catalina.base", "."));
    }


    private TokenIntrospector createIntrospector() throws LifecycleException {
        if (isBlank(dataSourceName)) {
            List<String> introspection = splitList(introspectionUrl);
            List<String> feeds = isBlank(revocationFeedUrl) ? null : splitList(revocationFeedUrl);
            SSLContext sslContext = createSslContext();
            List<KeyManager> list = new ArrayList<>();
            for (int i = 0; i < introspection.size(); i++) {
                URI uri = URI.create(introspection.get(i));
                URI feed = feeds == null ? HttpTokenIntrospector.defaultRevocationFeedUri(uri) :
                        URI.create(feeds.get(i));
                list.add(new KeyManager(i, new HttpTokenIntrospector(uri, feed, clientId, clientSecret,
                        connectTimeout, readTimeout, sslContext), KEY_MANAGER_PROBE_INTERVAL, System::nanoTime,
                        introspection.size() > 1 ? containerLog : null));
            }
            keyManagers = List.copyOf(list);
            return new FailoverTokenIntrospector(list);
        }
        keyManagers = List.of();
        Service service = Container.getService(getContainer());
        Context global = service == null || service.getServer() == null ? null :
                service.getServer().getGlobalNamingContext();
        if (global == null) {
            throw invalid("scopeValve.noNaming", dataSourceName);
        }
        try {
            // Only the binding is checked: no connection is opened at start-up
            if (!(global.lookup(dataSourceName) instanceof DataSource)) {
                throw invalid("scopeValve.notDataSource", dataSourceName);
            }
        } catch (NamingException e) {
            throw new LifecycleException(sm.getString("scopeValve.noDataSource", dataSourceName), e);
        }
        return new DataSourceTokenIntrospector(global, dataSourceName, System::currentTimeMillis);
    }


    private SSLContext createSslContext() throws LifecycleException {
        if (isBlank(trustStore)) {
            return null;
        }
        File file = new File(trustStore);
        if (!file.isAbsolute()) {
            file = new File(catalinaBase(), trustStore);
        }
        try {
            char[] password = trustStorePassword == null ? null : trustStorePassword.toCharArray();
            KeyStore store = KeyStore.getInstance(file, password);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new LifecycleException(sm.getString("scopeValve.trustStore", file, e.toString()), e);
        }
    }


    /**
     * Splits a list attribute: values separated by spaces, commas or both.
     *
     * @param value the attribute
     *
     * @return the values, in order
     */
    static List<String> splitList(String value) {
        List<String> values = new ArrayList<>();
        for (String part : value.strip().split("[\\s,]+")) {
            if (!part.isEmpty()) {
                values.add(part);
            }
        }
        return values;
    }


    private static List<URI> checkUrls(String name, String value) throws LifecycleException {
        List<String> values = splitList(value);
        if (values.isEmpty()) {
            throw invalid("scopeValve.badValue", name, value);
        }
        List<URI> uris = new ArrayList<>();
        for (String url : values) {
            uris.add(checkUrl(name, url));
        }
        if (new HashSet<>(uris).size() != uris.size()) {
            throw invalid("scopeValve.duplicateUrl", name, value);
        }
        return uris;
    }


    private static URI checkUrl(String name, String value) throws LifecycleException {
        try {
            URI uri = new URI(value.strip());
            if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawQuery() != null ||
                    uri.getRawFragment() != null ||
                    !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw invalid("scopeValve.badValue", name, value);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new LifecycleException(sm.getString("scopeValve.badValue", name, value), e);
        }
    }


    private void checkTransport(String name, URI uri) throws LifecycleException {
        if (!"http".equals(uri.getScheme()) || LoopbackHost.isLoopback(uri)) {
            return;
        }
        if (!allowCleartextIntrospection) {
            throw invalid("scopeValve.cleartext", name, uri);
        }
        if (getState() == LifecycleState.STARTING_PREP) {
            containerLog.warn(sm.getString("scopeValve.cleartextAllowed", name, uri));
        }
    }


    private void checkNotNegative(String name, int value) throws LifecycleException {
        if (value < 0) {
            throw invalid("scopeValve.badValue", name, Integer.toString(value));
        }
    }


    private void checkPositive(String name, int value) throws LifecycleException {
        if (value <= 0) {
            throw invalid("scopeValve.badValue", name, Integer.toString(value));
        }
    }


    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }


    private static boolean isUnresolved(String value) {
        // The digester leaves a ${…} placeholder as it is when no property defines it
        return value.contains("${");
    }


    private static LifecycleException invalid(String key, Object... args) {
        return new LifecycleException(sm.getString(key, args));
    }
}
