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
package org.scopegate.valve.rules;

import java.util.List;
import java.util.Locale;

import org.scopegate.valve.throttle.QuotaPolicy;

/**
 * One line of the rules file: a method, a path pattern, and what grants access (protocol.md section 8). Matching
 * uses plain string operations, no regular expressions.
 */
public final class ScopeRule {

    /**
     * How the path pattern is read.
     */
    public enum PatternKind {
        /** {@code /orders/health}: that path only. */
        EXACT,
        /** {@code /orders/*}: one segment or more under {@code /orders/}. */
        PREFIX,
        /** {@code /orders/**}: {@code /orders} itself and everything under it. */
        DEEP,
        /** {@code *.json}: any path whose last segment ends in {@code .json}. */
        EXTENSION
    }

    /**
     * What the rule demands.
     */
    public enum Access {
        /** No token needed; the valve does not look at the request. */
        PUBLIC,
        /** Any active token. */
        AUTHENTICATED,
        /** An active token with at least one of the listed scopes. */
        SCOPES
    }

    private final int line;
    private final String method;
    private final String pattern;
    private final PatternKind kind;
    private final String stem;
    private final Access access;
    private final List<String> scopes;
    private final String scope;
    private final QuotaPolicy limit;


    ScopeRule(int line, String method, String pattern, PatternKind kind, String stem, Access access,
            List<String> scopes) {
        this(line, method, pattern, kind, stem, access, scopes, null);
    }


    ScopeRule(int line, String method, String pattern, PatternKind kind, String stem, Access access,
            List<String> scopes, QuotaPolicy limit) {
        this.line = line;
        this.method = method;
        this.pattern = pattern;
        this.kind = kind;
        this.stem = stem;
        this.access = access;
        this.scopes = List.copyOf(scopes);
        this.scope = String.join(" ", scopes);
        this.limit = limit;
    }


    /**
     * @param requestMethod the request's method
     * @param path          the decoded, normalised request URI (context path included)
     *
     * @return whether this rule applies; a {@code GET} rule also applies to {@code HEAD}
     */
    public boolean matches(String requestMethod, String path) {
        if (method != null && !method.equals(requestMethod) &&
                !("GET".equals(method) && "HEAD".equals(requestMethod))) {
            return false;
        }
        return switch (kind) {
            case EXACT -> path.equals(stem);
            case PREFIX -> path.length() > stem.length() && path.startsWith(stem);
            case DEEP -> path.startsWith(stem) && (path.length() == stem.length() || path.charAt(stem.length()) == '/');
            case EXTENSION -> path.endsWith(stem) && path.lastIndexOf('/') < path.length() - stem.length();
        };
    }


    /**
     * @param granted the scopes of an active token
     *
     * @return whether the token may pass: always for {@code public} and {@code authenticated}, otherwise when it
     *         holds at least one of the rule's scopes
     */
    public boolean grants(List<String> granted) {
        if (access != Access.SCOPES) {
            return true;
        }
        for (int i = 0; i < granted.size(); i++) {
            if (scopes.contains(granted.get(i))) {
                return true;
            }
        }
        return false;
    }


    /**
     * @return the line of the rules file this rule came from
     */
    public int getLine() {
        return line;
    }


    /**
     * @return the method, or {@code null} for {@code *}
     */
    public String getMethod() {
        return method;
    }


    /**
     * @return the pattern as written
     */
    public String getPattern() {
        return pattern;
    }


    /**
     * @return how the pattern is read
     */
    public PatternKind getPatternKind() {
        return kind;
    }


    /**
     * @return what the rule demands
     */
    public Access getAccess() {
        return access;
    }


    /**
     * @return the scopes any one of which grants access (empty unless {@link Access#SCOPES})
     */
    public List<String> getScopes() {
        return scopes;
    }


    /**
     * @return the scopes space-separated, as sent in {@code scope="…"} of an {@code insufficient_scope} answer
     */
    public String getScope() {
        return scope;
    }


    /**
     * @return the quota every application has on the resources of this rule, whatever its tier ({@code limit=}),
     *         or {@code null} for none
     */
    public QuotaPolicy getLimit() {
        return limit;
    }


    /**
     * @return whether no token is needed
     */
    public boolean isPublic() {
        return access == Access.PUBLIC;
    }


    @Override
    public String toString() {
        return (method == null ? "*" : method) + " " + pattern + " " +
                (access == Access.SCOPES ? scope : access.name().toLowerCase(Locale.ROOT)) +
                (limit == null ? "" : " limit=" + limit.quota() + "/" + limit.windowSeconds() +
                        (limit.burst() == 0 ? "" : "/" + limit.burst()));
    }
}
