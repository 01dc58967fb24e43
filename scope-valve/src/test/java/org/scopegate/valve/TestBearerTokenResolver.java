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

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.valve.introspect.TokenDigest;

/**
 * Reading the bearer token of a request (RFC 6750 section 2), on plain stand-in requests.
 */
public class TestBearerTokenResolver {

    private static final String TOKEN = "mF_9.B5f-4.1JqM~+/abc==";

    private final BearerTokenResolver resolver = new BearerTokenResolver();


    /** A request that answers only what the resolver asks. */
    private static HttpServletRequest request(List<String> authorization, String query, String contentType,
            Map<String, String[]> parameters) {
        return (HttpServletRequest) Proxy.newProxyInstance(TestBearerTokenResolver.class.getClassLoader(),
                new Class<?>[] { HttpServletRequest.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaders" -> Collections.enumeration(authorization);
                    case "getQueryString" -> query;
                    case "getContentType" -> contentType;
                    case "getParameterValues" -> parameters.get(args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }


    private static HttpServletRequest header(String value) {
        return request(List.of(value), null, null, Map.of());
    }


    @Test
    void resolveWhenNoHeaderThenNull() throws Exception {
        // PREPARE
        HttpServletRequest request = request(List.of(), null, null, Map.of());

        // TEST
        String token = resolver.resolve(request);

        // VERIFY
        Assertions.assertNull(token);
    }


    @Test
    void resolveWhenBearerHeaderThenToken() throws Exception {
        // PREPARE
        HttpServletRequest request = header("Bearer " + TOKEN);

        // TEST
        String token = resolver.resolve(request);

        // VERIFY
        Assertions.assertEquals(TOKEN, token);
    }


    @Test
    void resolveWhenSchemeInOtherCaseThenToken() throws Exception {
        // PREPARE
        HttpServletRequest request = header("bEARER   " + TOKEN);

        // TEST
        String token = resolver.resolve(request);

        // VERIFY
        Assertions.assertEquals(TOKEN, token);
    }


    @Test
    void resolveWhenOtherSchemeThenNull() throws Exception {
        // PREPARE
        HttpServletRequest request = header("Basic dXNlcjpwYXNz");

        // TEST
        String token = resolver.resolve(request);

        // VERIFY
        Assertions.assertNull(token);
    }


    @Test
    void resolveWhenSchemeOnlyPrefixOfBearerThenNull() throws Exception {
        // PREPARE
        HttpServletRequest request = header("Bearerx " + TOKEN);

        // TEST
        String token = resolver.resolve(request);

        // VERIFY
        Assertions.assertNull(token);
    }


    @Test
    void resolveWhenBearerWithoutTokenThenInvalidRequest() {
        // PREPARE
        HttpServletRequest request = header("Bearer ");

        // TEST
        BearerTokenException e = Assertions.assertThrows(BearerTokenException.class, () -> resolver.resolve(request));

        // VERIFY
        Assertions.assertEquals(BearerTokenError.INVALID_REQUEST, e.getError().getCode());
        Assertions.assertEquals(400, e.getError().getStatus());
    }


    @Test
    void resolveWhenTokenHasIllegalCharacterThenInvalidRequest() {
        // PREPARE
        HttpServletRequest request = header("Bearer abc\"def");

        // TEST
        BearerTokenException e = Assertions.assertThrows(BearerTokenException.class, () -> resolver.resolve(request));

        // VERIFY
        Assertions.assertEquals(BearerTokenError.INVALID_REQUEST, e.getError().getCode());
    }


    @Test
    void resolveWhenTokenHasTwoPartsThenInvalidRequest() {
        // PREPARE
        HttpServletRequest request = header("Bearer abc def");

        // TEST + VERIFY
        Assertions.assertThrows(BearerTokenException.class, () -> resolver.resolve(request));
    }


    @Test
    void resolveWhenPaddingInsideTokenThenInvalidRequest() {
        // PREPARE
        HttpServletRequest request = header("Bearer ab=c");

        // TEST + VERIFY
        Assertions.assertThrows(BearerTokenException.class, () -> resolver.resolve(request));
    }


    @Test
    void resolveWhenOnlyPaddingThenInvalidRequest() {
        // PREPARE
        HttpServletRequest request = header("Bearer ==");

        // TEST + VERIFY
        Assertions.assertThrows(BearerTokenException.class, () -> resolver.resolve(request));
    }


    @Test
    void resolveWhenTwoAuthorizationHeadersThenInvalidRequest() {
        // PREPARE
        HttpServletRequest request = request(List.of("Bearer " + TOKEN, "Bearer " + TOKEN), null, null, Map.of());

        // TEST
        BearerTokenException e = Assertions.assertThrows(BearerTokenException.class, () -> resolver.resolve(request));

        // VERIFY
        Assertions.assertEquals(400, e.getError().getStatus());
    }


    @Test
    void resolveWhenTokenAlsoInQueryThenInvalidRequest() {
        // PREPARE
        HttpServletRequest request = request(List.of("Bearer " + TOKEN), "a=1&access_token=" + TOKEN, null,
                Map.of());

        // TEST
        BearerTokenException e = Assertions.assertThrows(BearerTokenException.class, () -> resolver.resolve(request));

        // VERIFY
        Assertions.assertEquals("The token is sent in more than one place", e.getError().getDescription());
    }


    @Test
    void resolveWhenQueryHasSimilarNameThenToken() throws Exception {
        // PREPARE
        HttpServletRequest request = request(List.of("Bearer " + TOKEN), "my_access_token=1&access_tokens=2", null,
                Map.of());

        // TEST
        String token = resolver.resolve(request);

        // VERIFY
        Assertions.assertEquals(TOKEN, token);
    }


    @Test
    void resolveWhenTokenAlsoInFormBodyThenInvalidRequest() {
        // PREPARE
        HttpServletRequest request = request(List.of("Bearer " + TOKEN), null,
                "application/x-www-form-urlencoded; charset=UTF-8", Map.of("access_token", new String[] { TOKEN }));

        // TEST + VERIFY
        Assertions.assertThrows(BearerTokenException.class, () -> resolver.resolve(request));
    }


    @Test
    void resolveWhenBodyNotFormThenBodyNotRead() throws Exception {
        // PREPARE: getParameterValues would answer, but must not be asked for a JSON body
        HttpServletRequest request = request(List.of("Bearer " + TOKEN), null, "application/json",
                Map.of("access_token", new String[] { TOKEN }));

        // TEST
        String token = resolver.resolve(request);

        // VERIFY
        Assertions.assertEquals(TOKEN, token);
    }


    @Test
    void resolveWhenTokenOnlyInQueryThenNull() throws Exception {
        // PREPARE
        HttpServletRequest request = request(List.of(), "access_token=" + TOKEN, null, Map.of());

        // TEST
        String token = resolver.resolve(request);

        // VERIFY
        Assertions.assertNull(token);
    }


    @Test
    void parseHeaderWhenBytesThenSameAnswerAsTheString() {
        // PREPARE: hand-picked headers, then random ones over characters that matter to the grammar
        List<String> headers = new java.util.ArrayList<>(List.of("Bearer " + TOKEN, "bearer " + TOKEN, "BEARER  " + TOKEN,
                " Bearer " + TOKEN + " ", "\tBearer " + TOKEN + "\u000B", "Bearer", "Bearer ", "Bearer    ",
                "Bearer a b", "Bearer ==", "Bearer a=b", "Bearer a\u00A0", "\u00A0Bearer a", "Basic dXNlcjpwdw==",
                "Bearerx a", "Bearer\ta", "B\u00EBarer a", "Bearer \u00E9", "", " ", "Bearer abc==="));
        String alphabet = " \t\u000B\u001C\u00A0BbEeAaRr\u00EB=.-_~+/0Z,\"\u00FF";
        java.util.Random random = new java.util.Random(6750);
        for (int n = 0; n < 20000; n++) {
            StringBuilder header = new StringBuilder(random.nextBoolean() ? "Bearer " : "");
            for (int k = random.nextInt(12); k > 0; k--) {
                header.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            headers.add(header.toString());
        }

        for (String header : headers) {
            // TEST
            String fromString = outcome(() -> BearerTokenResolver.parseHeader(header));
            byte[] bytes = ("xx" + header + "yy").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            String fromBytes = outcome(() -> BearerTokenResolver.parseHeader(bytes, 2, bytes.length - 2));

            // VERIFY
            Assertions.assertEquals(fromString, fromBytes, "header [" + header + "]");
        }
    }


    @Test
    void resolveDigestWhenBearerHeaderThenDigestOfTheToken() throws Exception {
        // TEST
        TokenDigest digest = resolver.resolveDigest(header("Bearer " + TOKEN));

        // VERIFY
        Assertions.assertEquals(TokenDigest.of(TOKEN), digest);
        Assertions.assertNull(resolver.resolveDigest(header("Basic dXNlcjpwdw==")));
        Assertions.assertThrows(BearerTokenException.class,
                () -> resolver.resolveDigest(request(List.of("Bearer " + TOKEN), "access_token=x", null, Map.of())));
    }


    @Test
    void findTokenWhenBytesThenDigestEqualsTheParsedToken() {
        // PREPARE: the hot path hashes the token's bytes in place; it must hash exactly what parseHeader returns
        java.util.Random random = new java.util.Random(7662);
        String alphabet = " \tBbEeAaRr=.-_~+/0Z";
        for (int n = 0; n < 20000; n++) {
            StringBuilder header = new StringBuilder(random.nextBoolean() ? "Bearer " : "");
            for (int k = random.nextInt(50); k > 0; k--) {
                header.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            byte[] bytes = ("xx" + header + "yy").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

            // TEST
            String parsed = outcome(() -> BearerTokenResolver.parseHeader(bytes, 2, bytes.length - 2));
            String hashed;
            try {
                long range = BearerTokenResolver.findToken(bytes, 2, bytes.length - 2);
                int start = (int) (range >>> 32);
                hashed = range < 0 ? "no token" :
                        "digest " + TokenDigest.of(bytes, start, (int) range - start).hex();
            } catch (BearerTokenException e) {
                hashed = "error " + e.getError().getDescription();
            }

            // VERIFY
            String expected = parsed.startsWith("token ") ? "digest " + TokenDigest.of(parsed.substring(6)).hex() :
                    parsed;
            Assertions.assertEquals(expected, hashed, "header [" + header + "]");
        }
    }


    private interface Parse {
        String parse() throws BearerTokenException;
    }


    private static String outcome(Parse parse) {
        try {
            String token = parse.parse();
            return token == null ? "no token" : "token " + token;
        } catch (BearerTokenException e) {
            return "error " + e.getError().getDescription();
        }
    }
}
