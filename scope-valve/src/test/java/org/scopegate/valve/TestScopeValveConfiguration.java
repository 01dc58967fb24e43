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

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scopegate.testsupport.ShippedConfiguration;

/**
 * Configuration fails closed: a missing or invalid attribute stops the Host instead of starting an open gate.
 */
public class TestScopeValveConfiguration {

    @TempDir
    Path base;

    private FakeTokenService service;
    private EmbeddedTomcat tomcat;
    private ScopeValve valve;


    @BeforeEach
    void setUp() throws Exception {
        service = new FakeTokenService();
        Path rules = base.resolve("scope-rules.conf");
        Files.writeString(rules, TestScopeValve.RULES);
        valve = new ScopeValve();
        valve.setRulesPath(rules.toString());
        valve.setIntrospectionUrl(service.introspectionUrl());
        valve.setClientId(FakeTokenService.CLIENT_ID);
        valve.setClientSecret(FakeTokenService.CLIENT_SECRET);
        tomcat = new EmbeddedTomcat(base.resolve("tomcat"));
        tomcat.addHostValve(valve);
    }


    @AfterEach
    void tearDown() throws Exception {
        try {
            tomcat.close();
        } finally {
            service.close();
        }
    }


    private void assertStartFails(String messagePart) {
        LifecycleException e = Assertions.assertThrows(LifecycleException.class, () -> tomcat.start());
        Assertions.assertNotEquals(LifecycleState.STARTED, valve.getState());
        Throwable t = e;
        StringBuilder messages = new StringBuilder();
        while (t != null) {
            messages.append(t.getMessage()).append('\n');
            t = t.getCause();
        }
        Assertions.assertTrue(messages.toString().contains(messagePart), messages.toString());
    }


    @Test
    void startWhenIntrospectionUrlMissingThenHostFailsToStart() {
        // PREPARE
        valve.setIntrospectionUrl(null);

        // TEST + VERIFY
        assertStartFails("exactly one of introspectionUrl and dataSourceName");
    }


    @Test
    void startWhenRulesPathMissingThenHostFailsToStart() {
        // PREPARE
        valve.setRulesPath(null);

        // TEST + VERIFY
        assertStartFails("rulesPath is required");
    }


    @Test
    void startWhenRulesFileAbsentThenHostFailsToStart() {
        // PREPARE
        valve.setRulesPath(base.resolve("missing.conf").toString());

        // TEST + VERIFY
        assertStartFails("missing.conf");
    }


    @Test
    void startWhenRulesFileBrokenThenHostFailsToStartNamingTheLine() throws Exception {
        // PREPARE
        Files.writeString(base.resolve("scope-rules.conf"), "GET /app/** read\nGET /app/*x read\n");

        // TEST + VERIFY
        assertStartFails("Line [2]");
    }


    @Test
    void startWhenClientSecretPlaceholderUndefinedThenHostFailsToStart() {
        // PREPARE
        valve.setClientSecret("${scope.valve.undefinedSecret}");

        // TEST + VERIFY
        assertStartFails("clientSecret is required");
    }


    @Test
    void startWhenClientSecretIsTheShippedPlaceholderThenHostFailsToStart() throws Exception {
        // PREPARE: the value conf/catalina.properties.fragment ships, as an administrator who appended it would have it
        valve.setClientSecret(ShippedConfiguration.valveClientSecret());

        // TEST + VERIFY
        assertStartFails("clientSecret is the documentation's placeholder");
    }


    @Test
    void startWhenClientSecretIsAPlaceholderSpelledOtherwiseThenHostFailsToStart() {
        // PREPARE
        valve.setClientSecret("change_me_to_something_random_and_long_enough");

        // TEST + VERIFY
        assertStartFails("clientSecret is the documentation's placeholder");
    }


    @Test
    void startWhenIntrospectionUrlIsCleartextToAnotherHostThenHostFailsToStart() {
        // PREPARE
        valve.setIntrospectionUrl("http://km.example.com:8080/token/introspect");

        // TEST + VERIFY
        assertStartFails("[introspectionUrl] [http://km.example.com:8080/token/introspect] would send every token");
    }


    @Test
    void startWhenIntrospectionUrlIsCleartextToAPrivateAddressThenHostFailsToStart() {
        // PREPARE: a private network is still a network
        valve.setIntrospectionUrl("http://10.1.2.3/token/introspect");

        // TEST + VERIFY
        assertStartFails("allowCleartextIntrospection");
    }


    @Test
    void startWhenRevocationFeedUrlIsCleartextToAnotherHostThenHostFailsToStart() {
        // PREPARE
        valve.setIntrospectionUrl("https://km.example.com/token/introspect");
        valve.setRevocationFeedUrl("http://km.example.com/token/revocations");

        // TEST + VERIFY
        assertStartFails("[revocationFeedUrl] [http://km.example.com/token/revocations] would send every token");
    }


    @Test
    void startWhenCleartextToAnotherHostExplicitlyAllowedThenStarts() throws Exception {
        // PREPARE
        valve.setIntrospectionUrl("http://km.example.com:8080/token/introspect");
        valve.setAllowCleartextIntrospection(true);

        // TEST
        tomcat.start();

        // VERIFY
        Assertions.assertEquals(LifecycleState.STARTED, valve.getState());
        Assertions.assertTrue(valve.isAllowCleartextIntrospection());
    }


    @Test
    void startWhenCleartextToLoopbackOrHttpsAnywhereThenStarts() throws Exception {
        for (String url : new String[] {"http://localhost:8080/token/introspect", "http://127.0.0.1/token/introspect",
                "http://127.10.20.30:8280/token/introspect", "http://[::1]:8080/token/introspect",
                "https://km.example.com/token/introspect"}) {
            // PREPARE
            EmbeddedTomcat other = new EmbeddedTomcat(base.resolve("tomcat-" + Integer.toHexString(url.hashCode())));
            ScopeValve v = new ScopeValve();
            v.setRulesPath(base.resolve("scope-rules.conf").toString());
            v.setIntrospectionUrl(url);
            v.setClientId(FakeTokenService.CLIENT_ID);
            v.setClientSecret(FakeTokenService.CLIENT_SECRET);
            other.addHostValve(v);
            try {
                // TEST
                other.start();

                // VERIFY
                Assertions.assertEquals(LifecycleState.STARTED, v.getState(), url);
            } finally {
                other.close();
            }
        }
    }


    @Test
    void startWhenIntrospectionUrlNotHttpThenHostFailsToStart() {
        // PREPARE
        valve.setIntrospectionUrl("ftp://127.0.0.1/token/introspect");

        // TEST + VERIFY
        assertStartFails("introspectionUrl");
    }


    @Test
    void startWhenMaxLagNotAbovePollIntervalThenHostFailsToStart() {
        // PREPARE
        valve.setRevocationPollInterval(2000);
        valve.setRevocationMaxLag(1500);

        // TEST + VERIFY
        assertStartFails("revocationMaxLag");
    }


    @Test
    void startWhenRealmHasQuoteThenHostFailsToStart() {
        // PREPARE
        valve.setRealm("a\"b");

        // TEST + VERIFY
        assertStartFails("realm");
    }


    @Test
    void startWhenConfiguredThenTokenServiceNotCalled() throws Exception {
        // PREPARE
        valve.setRulesPath("scope-rules.conf");
        Files.createDirectories(base.resolve("tomcat/conf"));
        Files.writeString(base.resolve("tomcat/conf/scope-rules.conf"), TestScopeValve.RULES);

        // TEST
        tomcat.start();

        // VERIFY: relative rulesPath read from $CATALINA_BASE/conf, and nothing asked of the token service
        Assertions.assertEquals(LifecycleState.STARTED, valve.getState());
        Assertions.assertEquals(0, service.introspections());
        Assertions.assertEquals(0, service.polls());
    }


    @Test
    void startWhenSeveralIntrospectionUrlsThenOneKeyManagerEach() throws Exception {
        // PREPARE: spaces, a comma and a line break, as an administrator may write them in server.xml
        try (FakeTokenService other = new FakeTokenService()) {
            valve.setIntrospectionUrl(" " + service.introspectionUrl() + ",\n  " + other.introspectionUrl() + " ");

            // TEST
            tomcat.start();

            // VERIFY
            Assertions.assertEquals(LifecycleState.STARTED, valve.getState());
            Assertions.assertEquals(2, valve.getKeyManagerCount());
            Assertions.assertEquals(2, valve.getAvailableKeyManagerCount());
            String[] status = valve.getKeyManagerStatus();
            Assertions.assertTrue(status[0].startsWith(service.introspectionUrl()), status[0]);
            Assertions.assertTrue(status[1].startsWith(other.introspectionUrl()), status[1]);
        }
    }


    @Test
    void startWhenOneUrlOfTheListInvalidThenHostFailsToStartNamingIt() {
        // PREPARE
        valve.setIntrospectionUrl(service.introspectionUrl() + " 127.0.0.1:8380/token/introspect");

        // TEST + VERIFY
        assertStartFails("[introspectionUrl] cannot be [127.0.0.1:8380/token/introspect]");
    }


    @Test
    void startWhenUrlListedTwiceThenHostFailsToStart() {
        // PREPARE
        valve.setIntrospectionUrl(service.introspectionUrl() + " " + service.introspectionUrl());

        // TEST + VERIFY
        assertStartFails("names a URL twice");
    }


    @Test
    void startWhenUrlHasQueryThenHostFailsToStart() {
        // PREPARE
        valve.setIntrospectionUrl(service.introspectionUrl() + "?x=1");

        // TEST + VERIFY
        assertStartFails("introspectionUrl");
    }


    @Test
    void startWhenFeedListLengthDiffersFromIntrospectionListThenHostFailsToStart() {
        // PREPARE
        valve.setIntrospectionUrl(service.introspectionUrl() + " http://127.0.0.1:1/token/introspect");
        valve.setRevocationFeedUrl("http://127.0.0.1:1/token/revocations");

        // TEST + VERIFY
        assertStartFails("one feed per key manager");
    }


    @Test
    void startWhenOnlySeparatorsThenHostFailsToStart() {
        // PREPARE
        valve.setIntrospectionUrl(" , ");

        // TEST + VERIFY
        assertStartFails("introspectionUrl");
    }


    @Test
    void startWhenSecondKeyManagerIsCleartextToAnotherHostThenHostFailsToStartNamingIt() {
        // PREPARE: the first key manager on loopback is fine, the second is not
        valve.setIntrospectionUrl(service.introspectionUrl() + " http://km2.example.com/token/introspect");

        // TEST + VERIFY
        assertStartFails("[introspectionUrl] [http://km2.example.com/token/introspect]");
    }
}
