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
package org.scopegate.common.secret;

import java.util.Map;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.testsupport.ShippedConfiguration;

/**
 * The documented placeholder secrets (one list for the token service and the valve), checked against what
 * {@code conf/} really ships.
 */
public class TestPlaceholderSecrets {

    @Test
    void isPlaceholderWhenFragmentShipsASecretOrPasswordThenTrue() throws Exception {
        // PREPARE
        Map<String, String> shipped = ShippedConfiguration.catalinaProperties();
        Assertions.assertTrue(shipped.containsKey("scope.valve.clientSecret"), shipped::toString);

        // TEST + VERIFY: every secret the fragment shows is one the valve and the token service refuse
        shipped.forEach((name, value) -> {
            if (name.toLowerCase().contains("secret") || name.toLowerCase().contains("password")) {
                Assertions.assertTrue(PlaceholderSecrets.isPlaceholder(value), name + "=" + value);
            }
        });
    }


    @Test
    void isPlaceholderWhenSpelledWithOtherCaseOrSeparatorsThenTrue() {
        for (String s : new String[] {"CHANGE-ME", "change-me", "CHANGE_ME_please_0123456789abcdefghij", "ChangeMe",
                " change me ", "changeme-at-least-32-random-characters", "change_me_0123456789abcdefghijklmnopq"}) {
            Assertions.assertTrue(PlaceholderSecrets.isPlaceholder(s), s);
        }
    }


    @Test
    void isPlaceholderWhenRandomSecretThenFalse() {
        for (String s : new String[] {"q3Jx9Vb2mYk8Lw4Rt6Zp1Nc5Hd7Fg0Sa2Qe4Ui6Oy8", "changes-are-good-0123456789abcdef",
                "exchange-me-0123456789abcdefghijklmn", ""}) {
            Assertions.assertFalse(PlaceholderSecrets.isPlaceholder(s), s);
        }
        Assertions.assertFalse(PlaceholderSecrets.isPlaceholder(null));
    }
}
