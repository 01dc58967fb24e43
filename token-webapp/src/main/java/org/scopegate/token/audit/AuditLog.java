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
package org.scopegate.token.audit;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Collection;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.token.crypto.Digests;
import org.scopegate.token.store.RevocationCause;

/**
 * The audit log: every security event as one JSON object on one line, on the JULI logger {@value #LOGGER}. Tomcat's
 * {@code logging.properties} routes that logger to {@code logs/scopegate-audit.<date>.log} (see
 * {@code conf/logging.properties.fragment}). One method per event type ({@link AuditEvent}).
 *
 * <p>Never a password, secret or token: a token appears only as the first 8 hex characters of its SHA-256 digest.
 * Every value is a JSON string written by Jackson, with control and non-ASCII characters escaped, so a user name
 * holding a line break or a quote cannot forge a line. Values a client chooses are cut to {@value #MAX_VALUE}
 * characters.
 */
public final class AuditLog {

    /** The logger's name. */
    public static final String LOGGER = "org.scopegate.audit";

    /** The longest value written; longer ones are cut. */
    public static final int MAX_VALUE = 256;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .build();

    private final Log log;
    private final LongSupplier clock;

    /**
     * An audit log on {@value #LOGGER}.
     *
     * @param clock epoch milliseconds
     */
    public AuditLog(LongSupplier clock) {
        this(LogFactory.getLog(LOGGER), clock);
    }

    /**
     * @param log where the lines go
     * @param clock epoch milliseconds
     */
    AuditLog(Log log, LongSupplier clock) {
        this.log = log;
        this.clock = clock;
    }

    // ------------------------------------------------------------------------------------------------ sign-in

    /**
     * A user signed in to the self-service pages.
     *
     * @param user the user
     * @param address the remote address
     */
    public void signInSucceeded(String user, String address) {
        line(AuditEvent.SIGNIN_SUCCESS).field("user", user).field("address", address).write();
    }

    /**
     * A sign-in to the self-service pages failed.
     *
     * @param user the name as typed
     * @param address the remote address
     * @param reason why ({@code unknown_user}, {@code bad_password}, {@code locked}, {@code disabled}, ...)
     */
    public void signInFailed(String user, String address, String reason) {
        line(AuditEvent.SIGNIN_FAILURE).field("user", user).field("address", address).field("reason", reason).write();
    }

    /**
     * The password grant issued tokens.
     *
     * @param user the user
     * @param clientId the application
     * @param address the remote address
     */
    public void passwordGrantSucceeded(String user, String clientId, String address) {
        line(AuditEvent.PASSWORD_GRANT_SUCCESS).field("user", user).field("client", clientId)
                .field("address", address).write();
    }

    /**
     * The password grant was refused.
     *
     * @param user the name as sent, or {@code null}
     * @param clientId the application as sent, or {@code null}
     * @param address the remote address
     * @param reason why: the OAuth error code, or a finer reason ({@code bad_password}, {@code locked}, ...)
     */
    public void passwordGrantFailed(String user, String clientId, String address, String reason) {
        line(AuditEvent.PASSWORD_GRANT_FAILURE).field("user", user).field("client", clientId)
                .field("address", address).field("reason", reason).write();
    }

    /**
     * An application failed to authenticate. The client id is written as sent only when it names an existing
     * application; any other value (whatever was pasted there: a secret sent in the id's place included) is written as
     * {@code unknown:} and the first 8 hex digits of its SHA-256, enough to tell repeated attempts apart.
     *
     * @param clientId the client id as sent, or {@code null}
     * @param clientKnown whether it names an existing application
     * @param endpoint which endpoint ({@code token}, {@code revoke}, {@code introspect}, {@code revocations})
     * @param address the remote address
     */
    public void clientAuthenticationFailed(String clientId, boolean clientKnown, String endpoint, String address) {
        line(AuditEvent.CLIENT_AUTHENTICATION_FAILURE).field("client", clientAsSent(clientId, clientKnown))
                .field("endpoint", endpoint).field("address", address).write();
    }

    /**
     * What the audit log writes of a client id a request sent: the id when it names an existing application, else
     * {@code unknown:} and the first 8 hex digits of its SHA-256 (whatever was pasted there, a secret included).
     *
     * @param clientId the client id as sent, or {@code null}
     * @param clientKnown whether it names an existing application
     * @return what to write, or {@code null}
     */
    public static String clientAsSent(String clientId, boolean clientKnown) {
        return clientId == null || clientKnown ? clientId
                : "unknown:" + Digests.shortForm(Digests.sha256Hex(clientId));
    }

    /**
     * A request was refused because its sender sent too many.
     *
     * @param endpoint which endpoint
     * @param key what was limited: a client id, a user name or an address
     * @param address the remote address
     */
    public void requestThrottled(String endpoint, String key, String address) {
        line(AuditEvent.REQUEST_THROTTLED).field("endpoint", endpoint).field("key", key).field("address", address)
                .write();
    }

    // ------------------------------------------------------------------------------------------------ accounts

    /**
     * An account was locked after repeated failed logins.
     *
     * @param user the user
     * @param lockedUntil epoch milliseconds
     * @param failures failed logins in a row
     */
    public void accountLocked(String user, long lockedUntil, int failures) {
        line(AuditEvent.ACCOUNT_LOCKED).field("user", user).field("until", Instant.ofEpochMilli(lockedUntil).toString())
                .number("failures", failures).write();
    }

    /**
     * The administrator unlocked an account.
     *
     * @param user the user
     * @param actor who
     */
    public void accountUnlocked(String user, AuditActor actor) {
        line(AuditEvent.ACCOUNT_UNLOCKED).field("user", user).actor(actor).write();
    }

    // ------------------------------------------------------------------------------------------------ tokens

    /**
     * Tokens were revoked.
     *
     * @param actor who asked (an application, a user, the administrator)
     * @param cause why
     * @param count how many token rows were revoked
     * @param subjectType what was revoked: {@code token}, {@code family}, {@code client} or {@code user}
     * @param subject which one: a token's digest prefix, a client id or a user name (never a token)
     */
    public void tokensRevoked(AuditActor actor, RevocationCause cause, int count, String subjectType,
            String subject) {
        line(AuditEvent.TOKENS_REVOKED).actor(actor).field("cause", cause.label()).number("count", count)
                .field(subjectType, subject).write();
    }

    /**
     * @param token a token as sent
     * @return what the audit log may show of it: the first 8 hex characters of its SHA-256
     */
    public static String tokenPrefix(String token) {
        return Digests.shortForm(Digests.sha256Hex(token));
    }

    /**
     * An application's consumer secret was regenerated (its tokens are revoked, reported separately).
     *
     * @param clientId the key set
     * @param actor who
     */
    public void secretRegenerated(String clientId, AuditActor actor) {
        line(AuditEvent.SECRET_REGENERATED).field("client", clientId).actor(actor).write();
    }

    // ------------------------------------------------------------------------------------------------ administration

    /**
     * A user was created.
     *
     * @param user the user
     * @param actor the administrator, or the user themselves (sign-up)
     */
    public void userCreated(String user, AuditActor actor) {
        line(AuditEvent.USER_CREATED).field("user", user).actor(actor).write();
    }

    /**
     * A user was changed.
     *
     * @param user the user
     * @param actor who
     * @param fields the names of the fields changed (never their values)
     */
    public void userChanged(String user, AuditActor actor, Collection<String> fields) {
        line(AuditEvent.USER_CHANGED).field("user", user).actor(actor).list("fields", fields).write();
    }

    /**
     * A user was deleted.
     *
     * @param user the user
     * @param actor who
     */
    public void userDeleted(String user, AuditActor actor) {
        line(AuditEvent.USER_DELETED).field("user", user).actor(actor).write();
    }

    /**
     * An application was created.
     *
     * @param applicationId its id
     * @param actor the administrator or its owner
     */
    public void applicationCreated(String applicationId, AuditActor actor) {
        line(AuditEvent.APPLICATION_CREATED).field("application", applicationId).actor(actor).write();
    }

    /**
     * An application was changed (key sets generated, grant types, ...).
     *
     * @param applicationId its id
     * @param actor who
     * @param fields the names of the fields changed
     */
    public void applicationChanged(String applicationId, AuditActor actor, Collection<String> fields) {
        line(AuditEvent.APPLICATION_CHANGED).field("application", applicationId).actor(actor).list("fields", fields)
                .write();
    }

    /**
     * An application was deleted.
     *
     * @param applicationId its id
     * @param actor who
     */
    public void applicationDeleted(String applicationId, AuditActor actor) {
        line(AuditEvent.APPLICATION_DELETED).field("application", applicationId).actor(actor).write();
    }

    /**
     * A key set was created through the admin API's clients resource.
     *
     * @param clientId its consumer key
     * @param actor who
     */
    public void clientCreated(String clientId, AuditActor actor) {
        line(AuditEvent.CLIENT_CREATED).field("client", clientId).actor(actor).write();
    }

    /**
     * A key set was changed.
     *
     * @param clientId its consumer key
     * @param actor who
     * @param fields the names of the fields changed
     */
    public void clientChanged(String clientId, AuditActor actor, Collection<String> fields) {
        line(AuditEvent.CLIENT_CHANGED).field("client", clientId).actor(actor).list("fields", fields).write();
    }

    /**
     * A key set was deleted.
     *
     * @param clientId its consumer key
     * @param actor who
     */
    public void clientDeleted(String clientId, AuditActor actor) {
        line(AuditEvent.CLIENT_DELETED).field("client", clientId).actor(actor).write();
    }

    /**
     * A scope was created.
     *
     * @param scope its name
     * @param actor who
     */
    public void scopeCreated(String scope, AuditActor actor) {
        line(AuditEvent.SCOPE_CREATED).field("scope", scope).actor(actor).write();
    }

    /**
     * A scope was changed.
     *
     * @param scope its name
     * @param actor who
     * @param fields the names of the fields changed
     */
    public void scopeChanged(String scope, AuditActor actor, Collection<String> fields) {
        line(AuditEvent.SCOPE_CHANGED).field("scope", scope).actor(actor).list("fields", fields).write();
    }

    /**
     * A scope was deleted.
     *
     * @param scope its name
     * @param actor who
     */
    public void scopeDeleted(String scope, AuditActor actor) {
        line(AuditEvent.SCOPE_DELETED).field("scope", scope).actor(actor).write();
    }

    /**
     * A tier (a named request quota of applications) was created.
     *
     * @param tier its name
     * @param actor who
     */
    public void tierCreated(String tier, AuditActor actor) {
        line(AuditEvent.TIER_CREATED).field("tier", tier).actor(actor).write();
    }

    /**
     * A tier was changed.
     *
     * @param tier its name
     * @param actor who
     * @param fields the names of the fields changed
     */
    public void tierChanged(String tier, AuditActor actor, Collection<String> fields) {
        line(AuditEvent.TIER_CHANGED).field("tier", tier).actor(actor).list("fields", fields).write();
    }

    /**
     * A tier was deleted.
     *
     * @param tier its name
     * @param actor who
     */
    public void tierDeleted(String tier, AuditActor actor) {
        line(AuditEvent.TIER_DELETED).field("tier", tier).actor(actor).write();
    }

    /**
     * Self sign-up was switched on or off.
     *
     * @param enabled the new state
     * @param actor who
     */
    public void signupSwitched(boolean enabled, AuditActor actor) {
        line(AuditEvent.SIGNUP_SWITCHED).bool("enabled", enabled).actor(actor).write();
    }

    // ------------------------------------------------------------------------------------------------ writing

    private Line line(AuditEvent event) {
        return new Line(event);
    }

    /** One line being written. */
    private final class Line {

        private final StringWriter text = new StringWriter(160);
        private JsonGenerator json;

        Line(AuditEvent event) {
            try {
                json = JSON.createGenerator(text);
                json.writeStartObject();
                json.writeStringField("ts", Instant.ofEpochMilli(clock.getAsLong()).toString());
                json.writeStringField("event", event.id());
            } catch (IOException e) {
                json = null;
            }
        }

        Line field(String name, String value) {
            if (json != null && value != null) {
                try {
                    json.writeStringField(name, cut(value));
                } catch (IOException e) {
                    json = null;
                }
            }
            return this;
        }

        Line number(String name, long value) {
            if (json != null) {
                try {
                    json.writeNumberField(name, value);
                } catch (IOException e) {
                    json = null;
                }
            }
            return this;
        }

        Line bool(String name, boolean value) {
            if (json != null) {
                try {
                    json.writeBooleanField(name, value);
                } catch (IOException e) {
                    json = null;
                }
            }
            return this;
        }

        Line list(String name, Collection<String> values) {
            if (json != null && values != null) {
                try {
                    json.writeArrayFieldStart(name);
                    for (String value : values) {
                        json.writeString(cut(value));
                    }
                    json.writeEndArray();
                } catch (IOException e) {
                    json = null;
                }
            }
            return this;
        }

        Line actor(AuditActor actor) {
            return actor == null ? this : field("by", actor.name()).field("address", actor.address());
        }

        void write() {
            if (json == null) {
                return;
            }
            try {
                json.writeEndObject();
                json.close();
            } catch (IOException e) {
                return;
            }
            log.info(text.toString());
        }

        private String cut(String value) {
            if (value.length() <= MAX_VALUE) {
                return value;
            }
            int end = Character.isHighSurrogate(value.charAt(MAX_VALUE - 1)) ? MAX_VALUE - 1 : MAX_VALUE;
            return value.substring(0, end) + "...";
        }
    }
}
