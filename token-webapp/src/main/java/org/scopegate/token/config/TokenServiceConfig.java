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
package org.scopegate.token.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import org.postgresql.Driver;
import org.scopegate.token.crypto.PasswordHashParameters;
import org.scopegate.token.crypto.PasswordHasher;

/**
 * The webapp's configuration, read once at start from the context parameters (protocol.md section 7) and
 * validated: a bad value stops the webapp with a message naming the parameter.
 *
 * @param dataSourceName JNDI name under {@code java:comp/env} of the store, or {@code null} for the webapp's own pool
 * @param databaseDirectory embedded Derby database directory
 * @param accessTokenLifetime access token lifetime in seconds
 * @param refreshTokenLifetime refresh token lifetime in seconds
 * @param refreshFamilyMaxAge longest life of a refresh family (a refresh token and all its rotations), in seconds
 * @param defaultScope scope given when nothing requested is allowed
 * @param passwordHash cost of new password hashes
 * @param lockoutThreshold failed logins in a row before a lock
 * @param lockoutDuration seconds of the first lock
 * @param lockoutMaxDuration seconds of the longest lock
 * @param adminSecretFile file holding the admin API secret
 * @param purgeInterval seconds between purges
 * @param issuer issuer URL for the metadata: the configured one, or (after start) the one derived from the server's
 *            configuration when none is configured, never from a request
 * @param signupDefaultRoles roles given to a user who signs up
 * @param passwordMinLength shortest password anyone may set
 * @param passwordHashQueue logins that may wait for a free processor to hash at once
 * @param passwordHashWait longest wait of a login for a free processor, in milliseconds
 * @param signupRateLimit sign-ups per client address per hour (0: no limit)
 * @param signInRateLimit sign-ins of the pages per client address per minute (0: no limit)
 * @param jdbc the PostgreSQL server of the webapp's own pool, or {@code null} for embedded Derby (or JNDI)
 * @param grantRateLimits the token endpoint's rate limits
 * @param requireSecureTransport whether plain HTTP from other hosts is refused (RFC 6749 section 3.1)
 */
public record TokenServiceConfig(String dataSourceName, Path databaseDirectory, long accessTokenLifetime,
        long refreshTokenLifetime, long refreshFamilyMaxAge, String defaultScope, PasswordHashParameters passwordHash,
        int lockoutThreshold,
        long lockoutDuration, long lockoutMaxDuration, Path adminSecretFile, long purgeInterval, String issuer,
        Set<String> signupDefaultRoles, int passwordMinLength, int passwordHashQueue, long passwordHashWait,
        int signupRateLimit, int signInRateLimit, JdbcSettings jdbc, GrantRateLimits grantRateLimits,
        boolean requireSecureTransport) {

    /** Context parameter names. */
    public static final String DATA_SOURCE_NAME = "dataSourceName";
    /** Context parameter name. */
    public static final String DATABASE_DIRECTORY = "databaseDirectory";
    /** Context parameter name. */
    public static final String ACCESS_TOKEN_LIFETIME = "accessTokenLifetime";
    /** Context parameter name. */
    public static final String REFRESH_TOKEN_LIFETIME = "refreshTokenLifetime";
    /** Context parameter name. */
    public static final String REFRESH_FAMILY_MAX_AGE = "refreshFamilyMaxAge";
    /** Context parameter name. */
    public static final String DEFAULT_SCOPE = "defaultScope";
    /** Context parameter name. */
    public static final String PASSWORD_HASH = "passwordHash";
    /** Context parameter name. */
    public static final String ARGON2_MEMORY = "argon2MemoryKiB";
    /** Context parameter name. */
    public static final String ARGON2_ITERATIONS = "argon2Iterations";
    /** Context parameter name. */
    public static final String ARGON2_PARALLELISM = "argon2Parallelism";
    /** Context parameter name. */
    public static final String PBKDF2_ITERATIONS = "pbkdf2Iterations";
    /** Context parameter name. */
    public static final String LOCKOUT_THRESHOLD = "lockoutThreshold";
    /** Context parameter name. */
    public static final String LOCKOUT_DURATION = "lockoutDuration";
    /** Context parameter name. */
    public static final String LOCKOUT_MAX_DURATION = "lockoutMaxDuration";
    /** Context parameter name. */
    public static final String SIGNUP_RATE_LIMIT = "signupRateLimit";
    /** Context parameter name. */
    public static final String SIGN_IN_RATE_LIMIT = "signInRateLimit";
    /** Context parameter name. */
    public static final String PASSWORD_HASH_QUEUE = "passwordHashQueue";
    /** Context parameter name. */
    public static final String PASSWORD_HASH_WAIT = "passwordHashWait";
    /** Context parameter name. */
    public static final String ADMIN_SECRET_FILE = "adminSecretFile";
    /** Context parameter name. */
    public static final String PURGE_INTERVAL = "purgeInterval";
    /** Context parameter name. */
    public static final String ISSUER = "issuer";
    /** Context parameter name. */
    public static final String SIGNUP_DEFAULT_ROLES = "signupDefaultRoles";
    /** Context parameter name. */
    public static final String PASSWORD_MIN_LENGTH = "passwordMinLength";
    /** Context parameter name. */
    public static final String JDBC_URL = "jdbcUrl";
    /** Context parameter name. */
    public static final String JDBC_USER = "jdbcUser";
    /** Context parameter name. */
    public static final String JDBC_PASSWORD = "jdbcPassword";
    /** Context parameter name. */
    public static final String JDBC_PASSWORD_FILE = "jdbcPasswordFile";
    /** Context parameter name. */
    public static final String JDBC_POOL_SIZE = "jdbcPoolSize";
    /** Context parameter name. */
    public static final String GRANT_RATE_LIMIT_PER_CLIENT = "grantRateLimitPerClient";
    /** Context parameter name. */
    public static final String GRANT_RATE_LIMIT_PER_ADDRESS = "grantRateLimitPerAddress";
    /** Context parameter name. */
    public static final String GRANT_RATE_LIMIT_WINDOW = "grantRateLimitWindow";
    /** Context parameter name. */
    public static final String REQUIRE_SECURE_TRANSPORT = "requireSecureTransport";

    private static final Pattern ROLE = Pattern.compile("[\\x21-\\x7E&&[^,]]{1,64}");
    private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}");
    private static final long TEN_YEARS = 10L * 366 * 24 * 3600;

    /**
     * Reads and validates the configuration.
     *
     * @param parameters context parameter lookup ({@code null} for an absent parameter)
     * @param catalinaBase {@code ${catalina.base}}, for the defaults of the paths
     * @return the configuration
     * @throws IllegalArgumentException naming the first bad parameter
     */
    public static TokenServiceConfig read(UnaryOperator<String> parameters, Path catalinaBase) {
        PasswordHashParameters defaults = PasswordHashParameters.defaults();
        String dataSourceName = text(parameters, DATA_SOURCE_NAME, null);
        Path databaseDirectory = Paths.get(text(parameters, DATABASE_DIRECTORY,
                catalinaBase.resolve("data").resolve("scopegate").toString()));
        long access = number(parameters, ACCESS_TOKEN_LIFETIME, 3600, 1, TEN_YEARS);
        long refresh = number(parameters, REFRESH_TOKEN_LIFETIME, 86400, 1, TEN_YEARS);
        long familyMaxAge = number(parameters, REFRESH_FAMILY_MAX_AGE, 30L * 86400, 1, TEN_YEARS);
        String defaultScope = text(parameters, DEFAULT_SCOPE, "default");
        if (!SCOPE_TOKEN.matcher(defaultScope).matches()) {
            throw new IllegalArgumentException(DEFAULT_SCOPE + " is not a valid scope name");
        }
        String algorithm = text(parameters, PASSWORD_HASH, defaults.algorithm());
        if (!PasswordHashParameters.ARGON2ID.equals(algorithm) && !PasswordHashParameters.PBKDF2.equals(algorithm)) {
            throw new IllegalArgumentException(PASSWORD_HASH + " must be argon2id or pbkdf2");
        }
        int parallelism = (int) number(parameters, ARGON2_PARALLELISM, defaults.argon2Parallelism(), 1, 255);
        PasswordHashParameters hash = new PasswordHashParameters(algorithm,
                (int) number(parameters, ARGON2_MEMORY, defaults.argon2MemoryKiB(), 8L * parallelism, 4 * 1024 * 1024),
                (int) number(parameters, ARGON2_ITERATIONS, defaults.argon2Iterations(), 1, 1000),
                parallelism,
                (int) number(parameters, PBKDF2_ITERATIONS, defaults.pbkdf2Iterations(), 1, 10_000_000));
        int threshold = (int) number(parameters, LOCKOUT_THRESHOLD, 5, 1, 1000);
        long duration = number(parameters, LOCKOUT_DURATION, 300, 1, TEN_YEARS);
        long maxDuration = number(parameters, LOCKOUT_MAX_DURATION, Math.max(3600, duration), duration, TEN_YEARS);
        int hashQueue = (int) number(parameters, PASSWORD_HASH_QUEUE, PasswordHasher.defaultMaxQueued(), 0, 100_000);
        long hashWait = number(parameters, PASSWORD_HASH_WAIT, PasswordHasher.DEFAULT_MAX_WAIT_MILLIS, 1, 600_000);
        Path adminSecretFile = Paths.get(text(parameters, ADMIN_SECRET_FILE,
                catalinaBase.resolve("conf").resolve("token-admin.secret").toString()));
        long purge = number(parameters, PURGE_INTERVAL, 300, 1, 86400);
        String issuer = text(parameters, ISSUER, null);
        if (issuer != null && issuer.contains("${")) {
            throw new IllegalArgumentException(ISSUER + " holds the unresolved placeholder [" + issuer + "]: define it "
                    + "in catalina.properties (scopegate.issuer=https://auth.example.com/token), or write the URL in "
                    + "the parameter");
        }
        if (issuer != null && !issuer.matches("https?://[^\\s?#]+")) {
            throw new IllegalArgumentException(ISSUER + " must be an http or https URL without query or fragment");
        }
        Set<String> signupRoles = new LinkedHashSet<>();
        for (String role : text(parameters, SIGNUP_DEFAULT_ROLES, "subscriber").split("[,\\s]+")) {
            if (role.isEmpty()) {
                continue;
            }
            if (!ROLE.matcher(role).matches()) {
                throw new IllegalArgumentException(SIGNUP_DEFAULT_ROLES + " holds an invalid role name");
            }
            signupRoles.add(role);
        }
        int passwordMinLength = (int) number(parameters, PASSWORD_MIN_LENGTH, 10, 1, 1024);
        int signupRate = (int) number(parameters, SIGNUP_RATE_LIMIT, 10, 0, 1_000_000);
        int signInRate = (int) number(parameters, SIGN_IN_RATE_LIMIT, 30, 0, 1_000_000);
        JdbcSettings jdbc = jdbc(parameters, dataSourceName);
        GrantRateLimits limits = new GrantRateLimits(
                number(parameters, GRANT_RATE_LIMIT_PER_CLIENT, 1200, 0, 1_000_000_000),
                number(parameters, GRANT_RATE_LIMIT_PER_ADDRESS, 300, 0, 1_000_000_000),
                number(parameters, GRANT_RATE_LIMIT_WINDOW, 60, 1, 86400));
        boolean secureTransport = flag(parameters, REQUIRE_SECURE_TRANSPORT, true);
        return new TokenServiceConfig(dataSourceName, databaseDirectory, access, refresh, familyMaxAge, defaultScope,
                hash, threshold, duration, maxDuration, adminSecretFile, purge, issuer,
                Collections.unmodifiableSet(signupRoles), passwordMinLength, hashQueue, hashWait, signupRate,
                signInRate, jdbc, limits, secureTransport);
    }

    private static boolean flag(UnaryOperator<String> parameters, String name, boolean defaultValue) {
        String value = text(parameters, name, null);
        if (value == null) {
            return defaultValue;
        }
        if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value)) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException(name + " must be true or false");
    }

    private static JdbcSettings jdbc(UnaryOperator<String> parameters, String dataSourceName) {
        String url = text(parameters, JDBC_URL, null);
        String user = text(parameters, JDBC_USER, null);
        String password = parameters.apply(JDBC_PASSWORD);
        if (password != null && password.isEmpty()) {
            password = null;
        }
        String passwordFile = text(parameters, JDBC_PASSWORD_FILE, null);
        String poolSize = text(parameters, JDBC_POOL_SIZE, null);
        if (url == null) {
            for (String name : new String[] { user != null ? JDBC_USER : null, password != null ? JDBC_PASSWORD : null,
                    passwordFile != null ? JDBC_PASSWORD_FILE : null, poolSize != null ? JDBC_POOL_SIZE : null }) {
                if (name != null) {
                    throw new IllegalArgumentException(name + " needs " + JDBC_URL);
                }
            }
            return null;
        }
        if (dataSourceName != null) {
            throw new IllegalArgumentException("set " + DATA_SOURCE_NAME + " or " + JDBC_URL + ", not both");
        }
        if (!url.startsWith("jdbc:postgresql:") || Driver.parseURL(url, null) == null) {
            throw new IllegalArgumentException(JDBC_URL + " must be a PostgreSQL JDBC URL such as "
                    + "jdbc:postgresql://db.example.com:5432/scopegate (other databases: a JNDI DataSource through "
                    + DATA_SOURCE_NAME + ")");
        }
        if (password != null && passwordFile != null) {
            throw new IllegalArgumentException("set " + JDBC_PASSWORD + " or " + JDBC_PASSWORD_FILE + ", not both");
        }
        if (passwordFile != null) {
            password = readPasswordFile(Paths.get(passwordFile));
        }
        int pool = (int) number(parameters, JDBC_POOL_SIZE, 20, 1, 1000);
        return new JdbcSettings(url, user, password, pool);
    }

    private static String readPasswordFile(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(JDBC_PASSWORD_FILE + " cannot be read: " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        // the first line, without its line end (LF or CR LF): "echo secret > file" and editors add one. A CR inside
        // the line is the password's, as scripts/install reads it.
        int end = content.indexOf('\n');
        String password = end < 0 ? content : content.substring(0, end);
        if (password.endsWith("\r")) {
            password = password.substring(0, password.length() - 1);
        }
        if (password.isEmpty()) {
            throw new IllegalArgumentException(JDBC_PASSWORD_FILE + " is empty: " + file);
        }
        return password;
    }

    /**
     * @param derivedIssuer the issuer to use instead of the configured one
     * @return a copy of this configuration with that issuer
     */
    public TokenServiceConfig withIssuer(String derivedIssuer) {
        return new TokenServiceConfig(dataSourceName, databaseDirectory, accessTokenLifetime, refreshTokenLifetime,
                refreshFamilyMaxAge, defaultScope, passwordHash, lockoutThreshold, lockoutDuration, lockoutMaxDuration,
                adminSecretFile, purgeInterval, derivedIssuer, signupDefaultRoles, passwordMinLength, passwordHashQueue,
                passwordHashWait, signupRateLimit, signInRateLimit, jdbc, grantRateLimits, requireSecureTransport);
    }

    /**
     * The token endpoint's rate limits for the password and client-credentials grants.
     *
     * @param perClient grants per window per client, {@code 0} for no limit
     * @param perAddress grants per window per client address, {@code 0} for no limit
     * @param windowSeconds the window in seconds
     */
    public record GrantRateLimits(long perClient, long perAddress, long windowSeconds) {
    }

    private static String text(UnaryOperator<String> parameters, String name, String defaultValue) {
        String value = parameters.apply(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        return value.trim();
    }

    private static long number(UnaryOperator<String> parameters, String name, long defaultValue, long min,
            long max) {
        String value = text(parameters, name, null);
        if (value == null) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
        }
        return parsed;
    }
}
