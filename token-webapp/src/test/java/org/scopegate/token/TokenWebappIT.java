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
package org.scopegate.token;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deploys the packaged {@code target/token.war} on embedded Tomcat with Arquillian and runs the seed's password
 * grant (default Argon2id cost) and a refresh against it.
 */
@ExtendWith(ArquillianExtension.class)
public class TokenWebappIT {

    @ArquillianResource
    private URL base;

    /**
     * @return the packaged WAR as built by {@code mvn package}
     */
    @Deployment(testable = false)
    public static WebArchive deployment() {
        File war = new File(System.getProperty("token.war", "target/token.war"));
        return ShrinkWrap.create(ZipImporter.class, "token.war").importFrom(war).as(WebArchive.class);
    }

    @Test
    @RunAsClient
    public void postWhenSeedCurlAgainstPackagedWarThenTokensAndRefreshWorks() throws Exception {
        // PREPARE
        String tokenUrl = base.toString().replaceAll("/$", "");
        Path secretFile = Path.of(System.getProperty("catalina.base"), "conf", "token-admin.secret");
        String admin = EmbeddedTokenServer.basic("admin", Files.readString(secretFile).trim());
        HttpClient http = HttpClient.newHttpClient();
        String user = "seed" + System.nanoTime();
        send(http, tokenUrl + "/admin/users", admin, "application/json",
                "{\"username\":\"" + user + "\",\"password\":\"p@ss word-Kq7 lantern\",\"roles\":[\"reader\"]}", 201);
        JsonNode client = EmbeddedTokenServer.JSON.readTree(send(http, tokenUrl + "/admin/clients", admin,
                "application/json", "{\"name\":\"seed\",\"grant_types\":[\"password\",\"refresh_token\"]}", 201));
        String basic = EmbeddedTokenServer.basic(client.get("client_id").asText(),
                client.get("client_secret").asText());

        // TEST: curl -k -d "grant_type=password&username=<username>&password=<password>" -H "Authorization: Basic …"
        //       -H "Content-Type: application/x-www-form-urlencoded" https://localhost:8243/token
        JsonNode tokens = EmbeddedTokenServer.JSON.readTree(send(http, tokenUrl, basic,
                "application/x-www-form-urlencoded", "grant_type=password&username=" + user
                        + "&password=p%40ss+word-Kq7+lantern", 200));
        JsonNode refreshed = EmbeddedTokenServer.JSON.readTree(send(http, tokenUrl, basic,
                "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=" + tokens.get("refresh_token").asText(), 200));

        // VERIFY
        Assertions.assertEquals("Bearer", tokens.get("token_type").asText());
        Assertions.assertEquals(3600, tokens.get("expires_in").asLong());
        Assertions.assertEquals("default", tokens.get("scope").asText());
        Assertions.assertNotEquals(tokens.get("refresh_token").asText(), refreshed.get("refresh_token").asText());
    }

    private static String send(HttpClient http, String url, String authorization, String contentType, String body,
            int expectedStatus) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", authorization)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Assertions.assertEquals(expectedStatus, response.statusCode(), url + ": " + response.body());
        return response.body();
    }
}
