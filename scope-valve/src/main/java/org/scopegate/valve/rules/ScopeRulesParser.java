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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.tomcat.util.res.StringManager;
import org.scopegate.valve.throttle.QuotaPolicy;

/**
 * Reads a rules file (protocol.md section 8). One rule per line, {@code #} starts a comment:
 *
 * <pre>
 * # METHOD  PATTERN           ACCESS
 * *         /orders/health    public
 * GET       /orders/audit/**  update
 * POST      /orders/**        update
 * GET       /orders/**        read
 * GET       *.json            authenticated
 * </pre>
 *
 * METHOD is an HTTP method (upper case) or {@code *}; PATTERN is exact, {@code /prefix/*}, {@code *.ext} or
 * {@code /deep/**}; ACCESS is {@code public}, {@code authenticated}, or one or more scope names. Any fault stops
 * the whole file with the line number: a half-understood rules file is never used.
 */
public final class ScopeRulesParser {

    private static final StringManager sm = StringManager.getManager(ScopeRulesParser.class);

    private static final String PUBLIC = "public";
    private static final String AUTHENTICATED = "authenticated";
    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";
    private static final String LIMIT = "limit=";
    private static final Pattern LIMIT_VALUE = Pattern.compile("limit=([1-9][0-9]{0,9})/([1-9][0-9]{0,7})(?:/([1-9][0-9]{0,9}))?");


    /**
     * @param reader the rules text
     *
     * @return the rules
     *
     * @throws ScopeRulesException on the first line that is not a valid rule
     * @throws IOException         when the text cannot be read
     */
    public ScopeRules parse(Reader reader) throws ScopeRulesException, IOException {
        List<ScopeRule> rules = new ArrayList<>();
        BufferedReader in = new BufferedReader(reader);
        String text;
        int line = 0;
        while ((text = in.readLine()) != null) {
            line++;
            ScopeRule rule = parseLine(line, text);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return new ScopeRules(rules);
    }


    /**
     * @param line the line number (1-based)
     * @param text the line
     *
     * @return the rule, or {@code null} for a blank or comment line
     *
     * @throws ScopeRulesException when the line is not a valid rule
     */
    ScopeRule parseLine(int line, String text) throws ScopeRulesException {
        int hash = text.indexOf('#');
        String content = (hash >= 0 ? text.substring(0, hash) : text).strip();
        if (content.isEmpty()) {
            return null;
        }
        String[] fields = content.split("\\s+");
        if (fields.length < 3) {
            throw error(line, "scopeRulesParser.tooFewFields", content);
        }
        String method = parseMethod(line, fields[0]);
        String pattern = fields[1];
        ScopeRule.PatternKind kind;
        String stem;
        if (pattern.startsWith("*.")) {
            kind = ScopeRule.PatternKind.EXTENSION;
            stem = pattern.substring(1);
            if (stem.length() < 2 || stem.indexOf('/') >= 0 || stem.indexOf('*') >= 0 || stem.indexOf(';') >= 0) {
                throw error(line, "scopeRulesParser.badPattern", pattern);
            }
        } else if (pattern.endsWith("/**")) {
            kind = ScopeRule.PatternKind.DEEP;
            stem = pattern.substring(0, pattern.length() - 3);
            if (!stem.isEmpty()) {
                checkPath(line, pattern, stem);
            }
        } else if (pattern.endsWith("/*")) {
            kind = ScopeRule.PatternKind.PREFIX;
            stem = pattern.substring(0, pattern.length() - 1);
            checkPath(line, pattern, stem);
        } else {
            kind = ScopeRule.PatternKind.EXACT;
            stem = pattern;
            checkPath(line, pattern, stem);
        }
        List<String> access = new ArrayList<>(Arrays.asList(fields).subList(2, fields.length));
        QuotaPolicy limit = null;
        if (access.get(access.size() - 1).startsWith(LIMIT)) {
            limit = parseLimit(line, (method == null ? "*" : method) + " " + pattern,
                    access.remove(access.size() - 1));
            if (access.isEmpty()) {
                throw error(line, "scopeRulesParser.tooFewFields", content);
            }
        }
        if (access.contains(PUBLIC) || access.contains(AUTHENTICATED)) {
            if (access.size() > 1) {
                throw error(line, "scopeRulesParser.mixedAccess", String.join(" ", access));
            }
            ScopeRule.Access a = PUBLIC.equals(access.get(0)) ? ScopeRule.Access.PUBLIC :
                    ScopeRule.Access.AUTHENTICATED;
            if (a == ScopeRule.Access.PUBLIC && limit != null) {
                // No token is read on a public resource: there is no application to count
                throw error(line, "scopeRulesParser.publicLimit", content);
            }
            return new ScopeRule(line, method, pattern, kind, stem, a, List.of(), limit);
        }
        for (String scope : access) {
            if (scope.startsWith(LIMIT)) {
                // a limit comes last: anywhere else it would be read as a scope of that name
                throw error(line, "scopeRulesParser.badLimit", scope);
            }
            if (!isScopeToken(scope)) {
                throw error(line, "scopeRulesParser.badScope", scope);
            }
        }
        return new ScopeRule(line, method, pattern, kind, stem, ScopeRule.Access.SCOPES, access, limit);
    }


    /**
     * Reads {@code limit=N/S} or {@code limit=N/S/B}: N requests per S seconds per application, at most B back to
     * back.
     */
    private static QuotaPolicy parseLimit(int line, String name, String field) throws ScopeRulesException {
        Matcher m = LIMIT_VALUE.matcher(field);
        if (m.matches()) {
            try {
                long burst = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
                return QuotaPolicy.of(name, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), burst);
            } catch (IllegalArgumentException e) {
                // out of range: reported below
            }
        }
        throw error(line, "scopeRulesParser.badLimit", field);
    }


    private static String parseMethod(int line, String method) throws ScopeRulesException {
        if ("*".equals(method)) {
            return null;
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            boolean tchar = c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || TCHAR_SYMBOLS.indexOf(c) >= 0;
            if (!tchar) {
                // Lower case included: methods are case-sensitive and a "get" rule would never match
                throw error(line, "scopeRulesParser.badMethod", method);
            }
        }
        return method;
    }


    private static void checkPath(int line, String pattern, String path) throws ScopeRulesException {
        if (!path.startsWith("/") || path.indexOf('*') >= 0 || path.indexOf(';') >= 0 || path.indexOf('?') >= 0 ||
                path.indexOf('\\') >= 0 || path.contains("//") || path.contains("/./") || path.contains("/../") ||
                path.endsWith("/.") || path.endsWith("/..")) {
            // The request path is decoded and normalised: such a pattern could never match
            throw error(line, "scopeRulesParser.badPattern", pattern);
        }
    }


    private static boolean isScopeToken(String scope) {
        // RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
        for (int i = 0; i < scope.length(); i++) {
            char c = scope.charAt(i);
            if (c < 0x21 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return !scope.isEmpty();
    }


    private static ScopeRulesException error(int line, String key, String value) {
        return new ScopeRulesException(line, sm.getString(key, Integer.toString(line), value));
    }
}
