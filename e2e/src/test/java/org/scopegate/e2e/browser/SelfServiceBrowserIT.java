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
package org.scopegate.e2e.browser;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.scopegate.e2e.DemoServer;
import org.scopegate.e2e.Http;
import org.scopegate.e2e.Programs;
import org.scopegate.testsupport.Poll;

/**
 * The self-service pages in real headless Chromium against the demo on the Tomcat 11 distribution
 * ({@code scripts/demo start}, port offset 11400): the administrator switches sign-up on; a user signs up, signs
 * in, creates an application, generates keys, gets a token on the page and uses it through the scope valve on
 * {@code /orders}; the administrator sees Registered Users for Application move from N to N+1 when a new user
 * gets a password-grant token and not move for that user's second token; the user regenerates the secret and the
 * valve refuses the old token within 2 seconds. Screenshots go to {@code screenshotDir}.
 */
class SelfServiceBrowserIT {

    private static final String PASSWORD = "violet-harbour-42-tram";

    private static DemoServer server;
    private static Http http;
    private static Path screenshots;
    private static Path chromium;
    private static Path chromedriver;

    @BeforeAll
    static void start() throws Exception {
        chromium = Programs.required("Debian's chromium", "chromium", "chromium-browser");
        chromedriver = Programs.required("Debian's chromium-driver", "chromedriver");
        screenshots = Path.of(System.getProperty("screenshotDir",
                DemoServer.root().resolve("e2e/target/screenshots").toString())).toAbsolutePath();
        server = DemoServer.startAll("selfservice-t11", DemoServer.tomcat11(), 11400);
        http = new Http(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void journeyWhenUserSignsUpThenKeysTokensValveStatisticsAndRegeneration() throws Exception {
        String ui = server.get("HTTPS_BASE") + "/token/ui/";
        String adminSecret = Files.readString(Path.of(server.get("ADMIN_SECRET_FILE")), StandardCharsets.UTF_8)
                .trim();
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(10000, 99999));
        String alice = "alice" + suffix;
        String bob = "bob" + suffix;
        try (Browser admin = new Browser(chromium, chromedriver, screenshots);
                Browser user = new Browser(chromium, chromedriver, screenshots)) {
            // The administrator signs in with the admin secret and switches sign-up on.
            admin.open(ui);
            admin.type(By.id("username"), "admin");
            admin.type(By.id("password"), adminSecret);
            admin.screenshot("01-sign-in");
            admin.click(By.id("signin-button"));
            admin.await("admin page", d -> d.getCurrentUrl().endsWith("/admin.html"));
            admin.await("admin page loaded", d -> d.findElement(By.tagName("body")).getAttribute("data-loaded"));
            WebElement signupSwitch = admin.visible(By.id("signup-enabled"));
            if (!signupSwitch.isSelected()) {
                signupSwitch.click();
            }
            admin.text(By.id("signup-status"), "Sign-up is on");
            Assertions.assertTrue(http.request("GET", server.get("HTTPS_BASE") + "/token/signup").json()
                    .get("enabled").asBoolean(), "sign-up is on at the API too");

            // A user signs up on the page, then signs in.
            user.size(1280, 1200);
            user.open(ui + "signup.html");
            user.type(By.id("signup-username"), alice);
            user.type(By.id("signup-password"), PASSWORD);
            user.type(By.id("signup-password2"), PASSWORD);
            user.screenshot("02-sign-up");
            user.click(By.id("signup-button"));
            user.text(By.id("signup-message"), "created");
            user.open(ui);
            user.type(By.id("username"), alice);
            user.type(By.id("password"), PASSWORD);
            user.click(By.id("signin-button"));
            user.await("apps page", d -> d.getCurrentUrl().endsWith("/apps.html"));
            user.text(By.id("whoami"), alice);

            // Creates an application and generates its production keys: the secret is shown once.
            user.type(By.id("app-name"), "Orders dashboard");
            user.click(By.id("create-app"));
            WebElement card = user.visible(By.cssSelector("article.app"));
            String appId = card.getAttribute("data-app-id");
            user.click(By.cssSelector("article.app .generate-keys[data-key-type='PRODUCTION']"));
            String clientSecret = user.visible(By.cssSelector(
                    ".keyset[data-key-type='PRODUCTION'] .secret-once .client-secret")).getText();
            String clientId = user.visible(By.cssSelector(".keyset[data-key-type='PRODUCTION'] .client-id"))
                    .getText();
            Assertions.assertEquals(43, clientSecret.length());
            Assertions.assertEquals(28, clientId.length());
            user.scrollTo(By.cssSelector("article.app .grants"));
            user.screenshot("03-keys-generated");

            // Gets an access token on the page and uses it through the valve.
            user.click(By.cssSelector("article.app .token-scope[value='read']"));
            user.click(By.cssSelector("article.app .get-token"));
            String token = user.visible(By.cssSelector("article.app textarea.access-token")).getAttribute("value");
            Assertions.assertEquals(43, token.length());
            user.text(By.cssSelector("article.app .token-info"), "Scope \"read\"");
            user.visible(By.cssSelector("article.app .tokens-table"));
            user.scrollTo(By.cssSelector("article.app .stats"));
            user.screenshot("04-token-from-page");
            Http.Response orders = http.get(server.get("PROTECTED_URL"), token);
            Assertions.assertEquals(200, orders.status(), orders.body());

            // The administrator watches Registered Users for Application.
            long n = registeredUsers(admin, appId);
            Assertions.assertEquals(1, n, "the owner's token from the page counts as a password-grant user");
            Assertions.assertEquals(201, http.postForm(server.get("HTTPS_BASE") + "/token/signup", null,
                    "username=" + bob + "&password=" + PASSWORD).status());
            Assertions.assertEquals(200, passwordGrant(clientId, clientSecret, bob).status());
            Assertions.assertEquals(n + 1, registeredUsers(admin, appId), "a new user: N+1");
            Assertions.assertEquals(200, passwordGrant(clientId, clientSecret, bob).status());
            Assertions.assertEquals(n + 1, registeredUsers(admin, appId), "the same user again: unchanged");
            admin.click(By.cssSelector("#apps-table tr[data-app-id='" + appId + "'] .show-stats"));
            admin.text(By.id("stats-registered-users"), Long.toString(n + 1));
            admin.screenshot("05-admin-statistics");
            Http.Response stats = http.request("GET", server.get("ADMIN_URL") + "/stats/" + clientId,
                    "Authorization", Http.basic("admin", adminSecret));
            Assertions.assertEquals(n + 1, stats.json().get("registered_users").asLong(), stats.body());
            DemoServer.Result cli = server.run(60, "scripts/tokenctl", "stats", clientId);
            Assertions.assertTrue(cli.output().contains("registered_users=" + (n + 1)), cli.output());

            // The administrator gives the application a tier on the page: the valve counts it within 2 seconds.
            Assertions.assertNull(http.get(server.get("PROTECTED_URL"), token).header("RateLimit-Policy"),
                    "an Unlimited application carries no quota");
            new Select(admin.visible(By.cssSelector("#apps-table tr[data-app-id='" + appId + "'] .app-tier")))
                    .selectByValue("Bronze");
            admin.click(By.cssSelector("#apps-table tr[data-app-id='" + appId + "'] .save-tier"));
            long saved = System.nanoTime();
            admin.text(By.id("page-message"), "now has tier Bronze");
            String policy = null;
            while (policy == null && System.nanoTime() - saved < 5_000_000_000L) {
                policy = http.get(server.get("PROTECTED_URL"), token).header("RateLimit-Policy");
                Thread.sleep(50);
            }
            long tierMillis = (System.nanoTime() - saved) / 1_000_000;
            Assertions.assertEquals("\"Bronze\";q=1000;w=60", policy);
            Assertions.assertTrue(tierMillis < 2000, "tier applied after " + tierMillis + " ms");
            System.out.println("[browser] tier set on the admin page counted by the valve after " + tierMillis + " ms");
            Assertions.assertEquals("Bronze", http.request("GET", server.get("ADMIN_URL") + "/applications/" + appId,
                    "Authorization", Http.basic("admin", adminSecret)).json().get("tier").asText());

            // The user regenerates the secret: the valve refuses the old token within 2 seconds.
            user.click(By.cssSelector("article.app .regenerate-secret[data-key-type='PRODUCTION']"));
            long clicked = System.nanoTime();
            user.await("a new secret", d -> {
                List<WebElement> shown = d.findElements(By.cssSelector(
                        ".keyset[data-key-type='PRODUCTION'] .secret-once .client-secret"));
                return !shown.isEmpty() && !shown.get(0).getText().equals(clientSecret);
            });
            Poll.Result<Http.Response> refused = Poll.within("the old token refused by the valve",
                    Duration.ofSeconds(2), clicked, () -> http.get(server.get("PROTECTED_URL"), token),
                    r -> r.status() != 200);
            Assertions.assertEquals(401, refused.value().status(), refused.value()::toString);
            System.out.println("[browser] token refused by the valve " + refused.millis() + " ms after regenerating");
            user.text(By.id("page-message"), "every token of this key set was revoked");
            user.scrollTo(By.cssSelector("article.app .grants"));
            user.screenshot("06-secret-regenerated");
            Assertions.assertEquals(401, passwordGrant(clientId, clientSecret, bob).status());

            // The same pages on a phone.
            user.size(390, 844);
            user.open(ui + "apps.html");
            user.visible(By.cssSelector("article.app"));
            user.screenshot("07-phone-applications");
            admin.size(1280, 1400);
            admin.click(By.id("refresh"));
            admin.visible(By.cssSelector("#users-table tr[data-username='" + bob + "']"));
            admin.screenshot("08-admin-page");
        }
    }

    private static long registeredUsers(Browser admin, String appId) {
        String before = admin.driver().findElement(By.tagName("body")).getAttribute("data-loaded");
        admin.click(By.id("refresh"));
        admin.await("admin page reloaded", d -> {
            String now = d.findElement(By.tagName("body")).getAttribute("data-loaded");
            return now != null && !now.equals(before);
        });
        return Long.parseLong(admin.visible(By.cssSelector(
                "#apps-table tr[data-app-id='" + appId + "'] .registered-users")).getText().trim());
    }

    private static Http.Response passwordGrant(String clientId, String clientSecret, String username)
            throws Exception {
        return http.postForm(server.get("TOKEN_URL"), Http.basic(clientId, clientSecret),
                "grant_type=password&username=" + username + "&password=" + PASSWORD + "&scope=read");
    }
}
