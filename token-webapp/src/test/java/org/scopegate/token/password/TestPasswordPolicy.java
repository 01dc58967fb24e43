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
import java.io.File;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import me.gosimple.nbvcxz.Nbvcxz;
import me.gosimple.nbvcxz.resources.ConfigurationBuilder;
import me.gosimple.nbvcxz.resources.Dictionary;
import me.gosimple.nbvcxz.resources.DictionaryUtil;
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

    @Test
    public void checkWhenDoneThenTheDictionariesAreHeldOnlyByTheEstimatorAndComeBackWhenDropped() throws Exception {
        // SETUP
        WeakPasswordException before = Assertions.assertThrows(WeakPasswordException.class,
                () -> policy.check("alice", "jennifer1987"));
        Nbvcxz loaded = PasswordPolicy.loadedEstimator();
        Assertions.assertNotNull(loaded);
        WeakReference<Dictionary> dictionary = new WeakReference<>(loaded.getConfiguration().getDictionaries().get(0));
        loaded = null;

        // TEST
        PasswordPolicy.forgetEstimator();
        for (int i = 0; i < 100 && dictionary.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }

        // VERIFY: nbvcxz's own static list no longer holds them, and a check loads them again with the same verdicts
        Assertions.assertTrue(ConfigurationBuilder.getDefaultDictionaries().isEmpty());
        Assertions.assertNull(dictionary.get(), "a dictionary stayed reachable after the estimator was dropped");
        WeakPasswordException after = Assertions.assertThrows(WeakPasswordException.class,
                () -> policy.check("alice", "jennifer1987"));
        Assertions.assertEquals(before.getMessage(), after.getMessage());
        policy.check("alice", "Vq7#ramble-Kettle-zoning");
        Assertions.assertNotNull(PasswordPolicy.loadedEstimator());
    }

    @Test
    public void loadDictionariesWhenCalledThenEveryListTheLibraryShipsIsLoaded() throws Exception {
        // SETUP: the dictionary files in nbvcxz's jar
        Set<String> shipped = new TreeSet<>();
        try (ZipFile jar = new ZipFile(new File(DictionaryUtil.class.getProtectionDomain().getCodeSource().getLocation().toURI()))) {
            jar.stream().map(ZipEntry::getName).filter(n -> n.startsWith("dictionaries/") && n.endsWith(".txt"))
                    .forEach(n -> shipped.add(n.substring("dictionaries/".length(), n.length() - 4).replace('-', '_')));
        }

        // TEST
        List<Dictionary> dictionaries = PasswordPolicy.loadDictionaries();

        // VERIFY
        Set<String> loaded = new TreeSet<>();
        for (Dictionary d : dictionaries) {
            loaded.add(d.getDictionaryName());
            Assertions.assertTrue(d.getDictonary().size() > 1000, d.getDictionaryName());
            Assertions.assertFalse(d.isExclusion(), d.getDictionaryName());
        }
        Assertions.assertEquals(shipped, loaded);
    }
}
