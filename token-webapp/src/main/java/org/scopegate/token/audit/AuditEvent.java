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

/**
 * The security events of the audit log: each line's {@code event} field. docs/operations.md lists their fields.
 */
public enum AuditEvent {

    /** A user signed in to the self-service pages. */
    SIGNIN_SUCCESS("signin.success"),
    /** A sign-in to the self-service pages failed. */
    SIGNIN_FAILURE("signin.failure"),
    /** The password grant issued tokens. */
    PASSWORD_GRANT_SUCCESS("grant.password.success"),
    /** The password grant was refused. */
    PASSWORD_GRANT_FAILURE("grant.password.failure"),
    /** An application failed to authenticate at the token, revocation, introspection or feed endpoint. */
    CLIENT_AUTHENTICATION_FAILURE("client.authentication.failure"),
    /** A request was refused because its sender sent too many. */
    REQUEST_THROTTLED("request.throttled"),
    /** An account was locked after repeated failed logins. */
    ACCOUNT_LOCKED("account.locked"),
    /** The administrator unlocked an account. */
    ACCOUNT_UNLOCKED("account.unlocked"),
    /** Tokens were revoked. */
    TOKENS_REVOKED("tokens.revoked"),
    /** An application's consumer secret was regenerated. */
    SECRET_REGENERATED("client.secret.regenerated"),
    /** A user was created (by the administrator or by sign-up). */
    USER_CREATED("user.created"),
    /** A user was changed. */
    USER_CHANGED("user.changed"),
    /** A user was deleted. */
    USER_DELETED("user.deleted"),
    /** An application was created. */
    APPLICATION_CREATED("application.created"),
    /** An application was changed. */
    APPLICATION_CHANGED("application.changed"),
    /** An application was deleted. */
    APPLICATION_DELETED("application.deleted"),
    /** A key set (client) was created through the admin API's clients resource. */
    CLIENT_CREATED("client.created"),
    /** A key set (client) was changed. */
    CLIENT_CHANGED("client.changed"),
    /** A key set (client) was deleted. */
    CLIENT_DELETED("client.deleted"),
    /** A scope was created. */
    SCOPE_CREATED("scope.created"),
    /** A scope was changed. */
    SCOPE_CHANGED("scope.changed"),
    /** A scope was deleted. */
    SCOPE_DELETED("scope.deleted"),
    /** A tier (named request quota) was created. */
    TIER_CREATED("tier.created"),
    /** A tier was changed. */
    TIER_CHANGED("tier.changed"),
    /** A tier was deleted. */
    TIER_DELETED("tier.deleted"),
    /** Self sign-up was switched on or off. */
    SIGNUP_SWITCHED("signup.switched");

    private final String id;

    AuditEvent(String id) {
        this.id = id;
    }

    /**
     * @return the value of the line's {@code event} field
     */
    public String id() {
        return id;
    }
}
