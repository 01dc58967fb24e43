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
package org.scopegate.token.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The token service's list of documented placeholder secrets, checked against what {@code conf/} really ships.
 */
public class TestPlaceholderSecrets {

    /**
     * @return the valve secret {@code conf/catalina.properties.fragment} ships
     * @throws IOException when the fragment cannot be read
     */
    public static String shippedValveSecret() throws IOException {
        Path fragment = Path.of("../conf/catalina.properties.fragment");
        for (String line : Files.readAllLines(fragment, StandardCharsets.UTF_8)) {
            if (line.startsWith("scope.valve.clientSecret=")) {
                return line.substring("scope.valve.clientSecret=".length()).strip();
            }
        }
        throw new AssertionError("conf/catalina.properties.fragment sets no scope.valve.clientSecret");
    }


    @Test
    void isPlaceholderWhenTheFragmentsSecretThenTrue() throws Exception {
        Assertions.assertTrue(PlaceholderSecrets.isPlaceholder(shippedValveSecret()), shippedValveSecret());
    }


    @Test
    void isPlaceholderWhenSpelledWithOtherCaseOrSeparatorsThenTrue() {
        for (String s : new String[] {"CHANGE-ME", "change_me_0123456789abcdefghijklmnopq", "ChangeMe",
                " change me "}) {
            Assertions.assertTrue(PlaceholderSecrets.isPlaceholder(s), s);
        }
    }


    @Test
    void isPlaceholderWhenRandomSecretThenFalse() {
        for (String s : new String[] {"q3Jx9Vb2mYk8Lw4Rt6Zp1Nc5Hd7Fg0Sa2Qe4Ui6Oy8",
                "exchange-me-0123456789abcdefghijklmn"}) {
            Assertions.assertFalse(PlaceholderSecrets.isPlaceholder(s), s);
        }
        Assertions.assertFalse(PlaceholderSecrets.isPlaceholder(null));
    }
}
