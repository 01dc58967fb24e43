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
package org.scopegate.token.password;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The rules of every password set by anyone, with the strength estimator's dictionaries.
 */
public class TestPasswordPolicy {

    private final PasswordPolicy policy = new PasswordPolicy(10);

    @Test
    public void checkWhenCommonPasswordWithDigitsAndSymbolThenRefusedWithTheReason() {
        // TEST
        WeakPasswordException e = Assertions.assertThrows(WeakPasswordException.class,
                () -> policy.check("alice", "Password123!"));

        // VERIFY
        Assertions.assertTrue(e.getMessage().startsWith("This password is too easy to guess"), e.getMessage());
        Assertions.assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("common"), e.getMessage());
    }

    @Test
    public void checkWhenDictionaryWordsLeetOrKeyboardPatternsThenRefused() {
        // TEST / VERIFY: each at least 10 characters long, none hard to guess
        for (String weak : new String[] { "P4ssw0rd!2024", "qwertyuiop123", "correct horse battery staple",
                "Summer2024!!", "1234567890ab", "jennifer1987" }) {
            Assertions.assertThrows(WeakPasswordException.class, () -> policy.check("alice", weak), weak);
        }
    }

    @Test
    public void checkWhenTooShortThenRefusedWithTheLength() {
        // TEST
        WeakPasswordException e = Assertions.assertThrows(WeakPasswordException.class,
                () -> policy.check("alice", "Xy7#kq2"));

        // VERIFY
        Assertions.assertTrue(e.getMessage().contains("at least 10"), e.getMessage());
    }

    @Test
    public void checkWhenLongerThanTheLongestThenRefused() {
        // TEST / VERIFY
        Assertions.assertThrows(WeakPasswordException.class, () -> policy.check("alice", "aB3$".repeat(257)));
    }

    @Test
    public void checkWhenContainsTheUserNameInAnyCaseThenRefused() {
        // TEST
        WeakPasswordException e = Assertions.assertThrows(WeakPasswordException.class,
                () -> policy.check("alice", "my-ALICE-pass-Kq7#vR2"));

        // VERIFY
        Assertions.assertTrue(e.getMessage().contains("user name"), e.getMessage());
    }

    @Test
    public void checkWhenRandomOrUncommonPassphraseThenAccepted() throws Exception {
        // TEST / VERIFY
        policy.check("alice", "violet-harbour-42-tram");
        policy.check("alice", "Kq7#vR2!pXz9");
        policy.check("bob", "S3cure-Passphrase-42");
    }
}
