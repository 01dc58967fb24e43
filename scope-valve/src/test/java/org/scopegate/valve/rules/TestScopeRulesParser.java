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

import java.io.StringReader;
import java.util.List;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The rules file syntax: every pattern kind, precedence, and broken lines.
 */
public class TestScopeRulesParser {

    private final ScopeRulesParser parser = new ScopeRulesParser();


    private ScopeRules parse(String text) throws Exception {
        return parser.parse(new StringReader(text));
    }


    private int lineOfError(String text) {
        ScopeRulesException e = Assertions.assertThrows(ScopeRulesException.class, () -> parse(text));
        Assertions.assertTrue(e.getMessage().contains("Line [" + e.getLine() + "]"), e.getMessage());
        return e.getLine();
    }


    @Test
    void parseWhenCommentsAndBlankLinesThenIgnored() throws Exception {
        // PREPARE
        String text = "# header\n\n   \nGET /a read # trailing comment\n";

        // TEST
        ScopeRules rules = parse(text);

        // VERIFY
        Assertions.assertEquals(1, rules.size());
        Assertions.assertEquals(List.of("read"), rules.getRules().get(0).getScopes());
        Assertions.assertEquals(4, rules.getRules().get(0).getLine());
    }


    @Test
    void matchWhenExactPatternThenOnlyThatPath() throws Exception {
        // PREPARE
        ScopeRules rules = parse("GET /orders/health public\n");

        // TEST + VERIFY
        Assertions.assertNotNull(rules.match("GET", "/orders/health"));
        Assertions.assertNull(rules.match("GET", "/orders/health/x"));
        Assertions.assertNull(rules.match("GET", "/orders/healthy"));
        Assertions.assertNull(rules.match("GET", "/orders"));
    }


    @Test
    void matchWhenPrefixPatternThenOneSegmentOrMore() throws Exception {
        // PREPARE
        ScopeRules rules = parse("* /orders/* read\n");

        // TEST + VERIFY
        Assertions.assertNotNull(rules.match("GET", "/orders/1"));
        Assertions.assertNotNull(rules.match("DELETE", "/orders/1/lines/2"));
        Assertions.assertNull(rules.match("GET", "/orders"));
        Assertions.assertNull(rules.match("GET", "/orders/"));
        Assertions.assertNull(rules.match("GET", "/ordersX/1"));
    }


    @Test
    void matchWhenDeepPatternThenPathItselfAndEverythingUnder() throws Exception {
        // PREPARE
        ScopeRules rules = parse("GET /orders/** read\n");

        // TEST + VERIFY
        Assertions.assertNotNull(rules.match("GET", "/orders"));
        Assertions.assertNotNull(rules.match("GET", "/orders/"));
        Assertions.assertNotNull(rules.match("GET", "/orders/a/b/c"));
        Assertions.assertNull(rules.match("GET", "/ordersX"));
        Assertions.assertNull(rules.match("GET", "/other"));
    }


    @Test
    void matchWhenRootDeepPatternThenEverything() throws Exception {
        // PREPARE
        ScopeRules rules = parse("* /** authenticated\n");

        // TEST + VERIFY
        Assertions.assertNotNull(rules.match("GET", "/"));
        Assertions.assertNotNull(rules.match("PATCH", "/a/b"));
    }


    @Test
    void matchWhenExtensionPatternThenLastSegmentOnly() throws Exception {
        // PREPARE
        ScopeRules rules = parse("GET *.json read\n");

        // TEST + VERIFY
        Assertions.assertNotNull(rules.match("GET", "/a/b/list.json"));
        Assertions.assertNull(rules.match("GET", "/a/b.json/list"));
        Assertions.assertNull(rules.match("GET", "/a/b/list.jsonx"));
        Assertions.assertNull(rules.match("GET", "/a/b/list.JSON"));
    }


    @Test
    void matchWhenMethodDiffersThenNoMatchExceptHeadForGet() throws Exception {
        // PREPARE
        ScopeRules rules = parse("GET /a read\n");

        // TEST + VERIFY
        Assertions.assertNotNull(rules.match("GET", "/a"));
        Assertions.assertNotNull(rules.match("HEAD", "/a"));
        Assertions.assertNull(rules.match("POST", "/a"));
        Assertions.assertNull(rules.match("get", "/a"));
    }


    @Test
    void matchWhenSeveralRulesMatchThenFirstWins() throws Exception {
        // PREPARE
        ScopeRules rules = parse("GET /orders/audit/** update\nPOST /orders/** update\nGET /orders/** read\n");

        // TEST
        ScopeRule audit = rules.match("GET", "/orders/audit/1");
        ScopeRule list = rules.match("GET", "/orders/1");
        ScopeRule post = rules.match("POST", "/orders/audit/1");

        // VERIFY
        Assertions.assertEquals(1, audit.getLine());
        Assertions.assertEquals(3, list.getLine());
        Assertions.assertEquals(2, post.getLine());
    }


    @Test
    void grantsWhenAnyOneScopeHeldThenTrue() throws Exception {
        // PREPARE
        ScopeRule rule = parse("GET /a read write\n").getRules().get(0);

        // TEST + VERIFY
        Assertions.assertTrue(rule.grants(List.of("profile", "write")));
        Assertions.assertFalse(rule.grants(List.of("profile")));
        Assertions.assertFalse(rule.grants(List.of()));
        Assertions.assertEquals("read write", rule.getScope());
    }


    @Test
    void grantsWhenAuthenticatedThenAnyToken() throws Exception {
        // PREPARE
        ScopeRule rule = parse("GET /a authenticated\n").getRules().get(0);

        // TEST + VERIFY
        Assertions.assertTrue(rule.grants(List.of()));
        Assertions.assertEquals(ScopeRule.Access.AUTHENTICATED, rule.getAccess());
        Assertions.assertFalse(rule.isPublic());
    }


    @Test
    void parseWhenTooFewFieldsThenErrorWithLine() {
        // TEST + VERIFY
        Assertions.assertEquals(2, lineOfError("GET /a read\nGET /b\n"));
    }


    @Test
    void parseWhenLowerCaseMethodThenError() {
        // TEST + VERIFY
        Assertions.assertEquals(1, lineOfError("get /a read\n"));
    }


    @Test
    void parseWhenWildcardInsidePatternThenError() {
        // TEST + VERIFY
        Assertions.assertEquals(1, lineOfError("GET /a/*/b read\n"));
        Assertions.assertEquals(1, lineOfError("GET /a/b* read\n"));
        Assertions.assertEquals(1, lineOfError("GET *. read\n"));
        Assertions.assertEquals(1, lineOfError("GET *.a/b read\n"));
    }


    @Test
    void parseWhenPatternCouldNeverMatchNormalisedPathThenError() {
        // TEST + VERIFY
        Assertions.assertEquals(1, lineOfError("GET a/b read\n"));
        Assertions.assertEquals(1, lineOfError("GET /a/../b read\n"));
        Assertions.assertEquals(1, lineOfError("GET /a;x=1 read\n"));
        Assertions.assertEquals(1, lineOfError("GET /a//b read\n"));
    }


    @Test
    void parseWhenPublicMixedWithScopesThenError() {
        // TEST + VERIFY
        Assertions.assertEquals(3, lineOfError("# c\nGET /a read\nGET /b public read\n"));
    }


    @Test
    void parseWhenScopeHasIllegalCharacterThenError() {
        // TEST + VERIFY
        Assertions.assertEquals(1, lineOfError("GET /a re\"ad\n"));
    }


    @Test
    void parseWhenEmptyFileThenNoRules() throws Exception {
        // TEST
        ScopeRules rules = parse("# nothing\n");

        // VERIFY
        Assertions.assertEquals(0, rules.size());
        Assertions.assertNull(rules.match("GET", "/"));
    }
    @Test
    void parseWhenLimitThenQuotaPerApplicationNamedAfterTheRule() throws Exception {
        // PREPARE
        String text = "POST /orders/bulk/** update limit=10/60\nGET /orders/export authenticated limit=5/3600/2\n"
                + "GET /orders/** read\n";

        // TEST
        ScopeRules rules = parse(text);

        // VERIFY
        ScopeRule bulk = rules.getRules().get(0);
        Assertions.assertEquals(List.of("update"), bulk.getScopes());
        Assertions.assertEquals("\"POST /orders/bulk/**\";q=10;w=60", bulk.getLimit().policyField());
        ScopeRule export = rules.getRules().get(1);
        Assertions.assertEquals(ScopeRule.Access.AUTHENTICATED, export.getAccess());
        Assertions.assertEquals("\"GET /orders/export\";q=5;w=3600;scopegate-burst=2", export.getLimit().policyField());
        Assertions.assertEquals("GET /orders/export authenticated limit=5/3600/2", export.toString());
        Assertions.assertNull(rules.getRules().get(2).getLimit());
    }


    @Test
    void parseWhenLimitInvalidThenLineRefused() {
        // TEST / VERIFY
        Assertions.assertEquals(2, lineOfError("GET /a read\nGET /b read limit=0/60\n"));
        Assertions.assertEquals(1, lineOfError("GET /b read limit=10\n"));
        Assertions.assertEquals(1, lineOfError("GET /b read limit=10/60/11\n"), "burst larger than the quota");
        Assertions.assertEquals(1, lineOfError("GET /b read limit=ten/60\n"));
        Assertions.assertEquals(1, lineOfError("GET /b limit=10/60 read\n"), "a limit comes last");
        Assertions.assertEquals(1, lineOfError("GET /b limit=10/60\n"), "a limit is not an access");
        Assertions.assertEquals(1, lineOfError("GET /health public limit=10/60\n"), "public reads no token");
    }
}
