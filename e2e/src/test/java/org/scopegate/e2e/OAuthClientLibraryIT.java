/*
 * Licensed under the Apache License, Version 2.0.
 */
package org.scopegate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResourceOwnerPasswordCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;

/**
 * The token service as a real OAuth 2.0 client library meets it: the Nimbus OAuth 2.0 SDK builds every request
 * and parses every answer, against the real Tomcat 11 distribution laid out by {@code scripts/demo} (the
 * {@link SharedTomcat11}). Nimbus is strict about the wire format (JSON types, token_type, headers), so this
 * catches what a hand-made client would forgive.
 */
@ExtendWith(SharedTomcat11.class)
class OAuthClientLibraryIT {

    /** A secret with every character that RFC 6749 section 2.3.1's form-encoding inside Basic must survive. */
    private static final String SPECIAL_SECRET = "p@ss:w%rd+with/special=chars&more~0123456789ABCDEFabcdef!*'()";

    private static DemoServer server;
    private static SSLSocketFactory tls;

    @BeforeAll
    static void start() throws Exception {
        server = SharedTomcat11.server();
        tls = new Http(server).ssl().getSocketFactory();
    }

    @Test
    void passwordGrantWhenNimbusClientSecretBasicThenBearerTokensWithGrantedScope() throws Exception {
        // PREPARE
        TokenRequest request = new TokenRequest(uri("TOKEN_URL"), demoBasic(),
                new ResourceOwnerPasswordCredentialsGrant(server.get("USERNAME"), new Secret(server.get("PASSWORD"))),
                new Scope("read", "update", "unknown-scope"));

        // TEST
        AccessTokenResponse answer = success(request);

        // VERIFY
        AccessToken access = answer.getTokens().getAccessToken();
        assertEquals("Bearer", access.getType().getValue());
        assertEquals(new Scope("read", "update"), access.getScope());
        assertEquals(3600L, access.getLifetime());
        assertNotNull(answer.getTokens().getRefreshToken());
    }

    @Test
    void refreshGrantWhenNimbusThenRotatedAndOldRefreshTokenRefused() throws Exception {
        // PREPARE
        AccessTokenResponse first = success(new TokenRequest(uri("TOKEN_URL"), demoBasic(),
                new ResourceOwnerPasswordCredentialsGrant(server.get("USERNAME"), new Secret(server.get("PASSWORD"))),
                new Scope("read")));
        RefreshToken original = first.getTokens().getRefreshToken();

        // TEST
        AccessTokenResponse refreshed = success(
                new TokenRequest(uri("TOKEN_URL"), demoBasic(), new RefreshTokenGrant(original)));
        TokenErrorResponse reuse = error(new TokenRequest(uri("TOKEN_URL"), demoBasic(), new RefreshTokenGrant(original)));

        // VERIFY
        assertNotEquals(original, refreshed.getTokens().getRefreshToken());
        assertEquals(new Scope("read"), refreshed.getTokens().getAccessToken().getScope());
        assertEquals(OAuth2Error.INVALID_GRANT.getCode(), reuse.getErrorObject().getCode());
        assertEquals(400, reuse.getErrorObject().getHTTPStatusCode());
    }

    @Test
    void clientCredentialsWhenNimbusClientSecretPostThenNoRefreshToken() throws Exception {
        // PREPARE
        ClientAuthentication post = new ClientSecretPost(new ClientID(server.get("CLIENT_ID")),
                new Secret(server.get("CLIENT_SECRET")));

        // TEST
        AccessTokenResponse answer = success(new TokenRequest(uri("TOKEN_URL"), post, new ClientCredentialsGrant()));

        // VERIFY
        assertNotNull(answer.getTokens().getBearerAccessToken());
        assertNull(answer.getTokens().getRefreshToken());
    }

    @Test
    void clientSecretBasicWhenSecretHasReservedCharactersThenNimbusEncodingIsDecoded() throws Exception {
        // PREPARE: an application whose secret needs the form-encoding of RFC 6749 section 2.3.1 inside Basic
        DemoServer.Result added = server.runWithInput(60, SPECIAL_SECRET + "\n", "scripts/tokenctl", "--exists-ok", "client",
                "add", "nimbus-special", "--client-id", "nimbus-special", "--client-secret", "-", "--grant-types",
                "client_credentials");
        assertEquals(0, added.exit(), added.output());
        ClientAuthentication basic = new ClientSecretBasic(new ClientID("nimbus-special"), new Secret(SPECIAL_SECRET));

        // TEST
        AccessTokenResponse answer = success(new TokenRequest(uri("TOKEN_URL"), basic, new ClientCredentialsGrant()));
        TokenErrorResponse wrong = error(new TokenRequest(uri("TOKEN_URL"),
                new ClientSecretBasic(new ClientID("nimbus-special"), new Secret(SPECIAL_SECRET + "x")),
                new ClientCredentialsGrant()));

        // VERIFY
        assertNotNull(answer.getTokens().getAccessToken());
        assertEquals(OAuth2Error.INVALID_CLIENT.getCode(), wrong.getErrorObject().getCode());
        assertEquals(401, wrong.getErrorObject().getHTTPStatusCode());
    }

    @Test
    void passwordGrantWhenWrongPasswordThenNimbusParsesInvalidGrant() throws Exception {
        // PREPARE
        AuthorizationGrant grant = new ResourceOwnerPasswordCredentialsGrant(server.get("USERNAME"),
                new Secret("not-the-password"));

        // TEST
        TokenErrorResponse answer = error(new TokenRequest(uri("TOKEN_URL"), demoBasic(), grant));

        // VERIFY
        assertEquals(OAuth2Error.INVALID_GRANT.getCode(), answer.getErrorObject().getCode());
        assertNotNull(answer.getErrorObject().getDescription());
    }

    @Test
    void introspectionAndRevocationWhenNimbusThenActiveThenInactive() throws Exception {
        // PREPARE
        AccessToken token = success(new TokenRequest(uri("TOKEN_URL"), demoBasic(),
                new ResourceOwnerPasswordCredentialsGrant(server.get("USERNAME"), new Secret(server.get("PASSWORD"))),
                new Scope("read"))).getTokens().getAccessToken();
        ClientAuthentication introspector = new ClientSecretBasic(new ClientID(server.get("INTROSPECT_CLIENT_ID")),
                new Secret(server.get("INTROSPECT_CLIENT_SECRET")));

        // TEST
        TokenIntrospectionSuccessResponse before = introspect(introspector, token);
        HTTPResponse revoked = send(new TokenRevocationRequest(uri("REVOKE_URL"), demoBasic(), token).toHTTPRequest());
        TokenIntrospectionSuccessResponse after = introspect(introspector, token);

        // VERIFY
        assertTrue(before.isActive());
        assertEquals(server.get("USERNAME"), before.getUsername());
        assertEquals(server.get("CLIENT_ID"), before.getClientID().getValue());
        assertEquals(new Scope("read"), before.getScope());
        assertNotNull(before.getExpirationTime());
        assertEquals(200, revoked.getStatusCode());
        assertFalse(after.isActive());
        assertEquals(1, after.toJSONObject().size(), "an inactive answer is exactly {\"active\":false}");
    }

    @Test
    void metadataWhenParsedByNimbusThenEndpointsAndMethods() throws Exception {
        // PREPARE
        HTTPRequest get = new HTTPRequest(HTTPRequest.Method.GET, uri("METADATA_URL"));

        // TEST
        HTTPResponse answer = send(get);
        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(answer.getBodyAsJSONObject());

        // VERIFY
        assertEquals(uri("TOKEN_URL"), metadata.getTokenEndpointURI());
        assertEquals(uri("REVOKE_URL"), metadata.getRevocationEndpointURI());
        assertEquals(uri("INTROSPECT_URL"), metadata.getIntrospectionEndpointURI());
        assertTrue(metadata.getGrantTypes().stream().anyMatch(g -> g.getValue().equals("password")));
        assertTrue(metadata.getTokenEndpointAuthMethods().stream()
                .anyMatch(m -> m.getValue().equals("client_secret_basic")));
    }

    @Test
    void metadataWhenFetchedWhereRfc8414PutsItForTheIssuerThenSameIssuerAndEndpoints() throws Exception {
        // PREPARE: RFC 8414 section 3.1, the well-known part goes between the host and the issuer's path
        URI issuer = uri("TOKEN_URL");
        URI wellKnown = new URI(issuer.getScheme(), null, issuer.getHost(), issuer.getPort(),
                "/.well-known/oauth-authorization-server" + issuer.getPath(), null, null);
        HTTPRequest get = new HTTPRequest(HTTPRequest.Method.GET, wellKnown);

        // TEST
        HTTPResponse answer = send(get);

        // VERIFY: section 3.3, the issuer in the document is the one the URL was made from
        assertEquals(200, answer.getStatusCode(), answer::getBody);
        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(answer.getBodyAsJSONObject());
        assertEquals(issuer.toString(), metadata.getIssuer().getValue());
        assertEquals(issuer, metadata.getTokenEndpointURI());
        assertEquals(uri("INTROSPECT_URL"), metadata.getIntrospectionEndpointURI());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static ClientAuthentication demoBasic() {
        return new ClientSecretBasic(new ClientID(server.get("CLIENT_ID")), new Secret(server.get("CLIENT_SECRET")));
    }

    private static URI uri(String key) {
        return URI.create(server.get(key));
    }

    private static HTTPResponse send(HTTPRequest request) throws Exception {
        request.setSSLSocketFactory(tls);
        request.setConnectTimeout(10_000);
        request.setReadTimeout(30_000);
        return request.send();
    }

    private static AccessTokenResponse success(TokenRequest request) throws Exception {
        HTTPResponse http = send(request.toHTTPRequest());
        assertEquals("no-store", http.getHeaderValue("Cache-Control"));
        TokenResponse answer = TokenResponse.parse(http);
        assertTrue(answer.indicatesSuccess(), () -> "expected success, got " + http.getStatusCode() + " "
                + http.getBody());
        return answer.toSuccessResponse();
    }

    private static TokenErrorResponse error(TokenRequest request) throws Exception {
        HTTPResponse http = send(request.toHTTPRequest());
        assertEquals("no-store", http.getHeaderValue("Cache-Control"));
        TokenResponse answer = TokenResponse.parse(http);
        assertFalse(answer.indicatesSuccess(), () -> "expected an error, got " + http.getBody());
        return answer.toErrorResponse();
    }

    private static TokenIntrospectionSuccessResponse introspect(ClientAuthentication auth, AccessToken token)
            throws Exception {
        HTTPResponse http = send(new TokenIntrospectionRequest(uri("INTROSPECT_URL"), auth, token).toHTTPRequest());
        TokenIntrospectionResponse answer = TokenIntrospectionResponse.parse(http);
        assertTrue(answer.indicatesSuccess(), () -> "introspection failed: " + http.getBody());
        return answer.toSuccessResponse();
    }
}
