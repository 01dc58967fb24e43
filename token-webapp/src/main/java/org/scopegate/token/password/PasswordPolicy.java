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

import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import me.gosimple.nbvcxz.Nbvcxz;
import me.gosimple.nbvcxz.resources.ConfigurationBuilder;
import me.gosimple.nbvcxz.resources.Dictionary;
import me.gosimple.nbvcxz.resources.DictionaryUtil;
import me.gosimple.nbvcxz.resources.Feedback;
import me.gosimple.nbvcxz.scoring.Result;

/**
 * The rules of every password that anyone sets (sign-up, the admin API's user creation and password change, and so
 * tokenctl and the administration page): at least {@code passwordMinLength} and at most {@value #MAX_LENGTH}
 * characters, not containing the user name (in any case), and hard enough to guess by the strength estimator
 * <a href="https://github.com/GoSimpleLLC/nbvcxz">nbvcxz</a>: its dictionaries (common passwords, English words,
 * names and surnames, keyboard patterns, sequences, dates, leet substitutions) must leave at least
 * {@value #MIN_ENTROPY_BITS} bits of entropy. {@code Password123!} is refused, with nbvcxz's own explanation.
 * <p>
 * The estimator's dictionaries take about 25 MiB of heap once loaded: they are loaded at the first password to check
 * and held softly, so that a heap under pressure can take them back (they are loaded again when next needed).
 * nbvcxz itself loads its default dictionaries into a static list the first time its {@code ConfigurationBuilder} is
 * used, which would hold them for as long as the webapp runs: the estimator takes them from there and empties that
 * list, so that only the soft reference holds them.
 */
public final class PasswordPolicy {

    /** Longest password accepted (as the password grant). */
    public static final int MAX_LENGTH = 1024;

    /** Entropy, in bits, that a password must have (nbvcxz's own default). */
    public static final double MIN_ENTROPY_BITS = 35;

    private static final Object LOCK = new Object();
    private static SoftReference<Nbvcxz> estimator = new SoftReference<>(null);

    private final int minLength;

    /**
     * @param minLength shortest password accepted
     */
    public PasswordPolicy(int minLength) {
        this.minLength = minLength;
    }

    /**
     * @return the shortest password accepted
     */
    public int getMinLength() {
        return minLength;
    }

    /**
     * @param username the user's name
     * @param password the password to set
     * @throws WeakPasswordException with the reason when the password is refused
     */
    public void check(String username, String password) throws WeakPasswordException {
        if (password == null || password.length() < minLength) {
            throw new WeakPasswordException("The password must have at least " + minLength + " characters");
        }
        if (password.length() > MAX_LENGTH) {
            throw new WeakPasswordException("The password must have at most " + MAX_LENGTH + " characters");
        }
        if (username != null && password.toLowerCase(Locale.ROOT).contains(username.toLowerCase(Locale.ROOT))) {
            throw new WeakPasswordException("The password must not contain the user name");
        }
        Result result = estimator().estimate(password);
        if (result.getEntropy().doubleValue() < MIN_ENTROPY_BITS) {
            throw new WeakPasswordException(explain(result));
        }
    }

    private static String explain(Result result) {
        StringBuilder text = new StringBuilder("This password is too easy to guess");
        Feedback feedback = result.getFeedback();
        String warning = feedback.getWarning();
        if (warning != null && !warning.isBlank()) {
            text.append(": ").append(warning.trim());
        }
        List<String> suggestions = feedback.getSuggestion();
        if (suggestions != null && !suggestions.isEmpty()) {
            text.append(text.charAt(text.length() - 1) == '.' ? " " : ". ").append(String.join(" ", suggestions));
        } else if (text.charAt(text.length() - 1) != '.') {
            text.append('.');
        }
        return text.toString();
    }

    private static Nbvcxz estimator() {
        synchronized (LOCK) {
            Nbvcxz nbvcxz = estimator.get();
            if (nbvcxz == null) {
                ConfigurationBuilder builder = new ConfigurationBuilder();
                List<Dictionary> libraryHeld = ConfigurationBuilder.getDefaultDictionaries();
                List<Dictionary> dictionaries = libraryHeld.isEmpty() ? loadDictionaries() : new ArrayList<>(libraryHeld);
                libraryHeld.clear();
                nbvcxz = new Nbvcxz(builder.setLocale(Locale.ENGLISH).setDictionaries(dictionaries)
                        .setMinimumEntropy(Double.valueOf(MIN_ENTROPY_BITS)).createConfiguration());
                estimator = new SoftReference<>(nbvcxz);
            }
            return nbvcxz;
        }
    }

    /** nbvcxz's default dictionaries (those of its {@code ConfigurationBuilder}, 1.5.x), loaded again. */
    static List<Dictionary> loadDictionaries() {
        List<Dictionary> dictionaries = new ArrayList<>();
        dictionaries.add(new Dictionary("passwords", DictionaryUtil.loadRankedDictionary(DictionaryUtil.passwords), false));
        dictionaries.add(new Dictionary("male_names", DictionaryUtil.loadRankedDictionary(DictionaryUtil.male_names), false));
        dictionaries.add(new Dictionary("female_names", DictionaryUtil.loadRankedDictionary(DictionaryUtil.female_names),
                false));
        dictionaries.add(new Dictionary("surnames", DictionaryUtil.loadRankedDictionary(DictionaryUtil.surnames), false));
        dictionaries.add(new Dictionary("english", DictionaryUtil.loadRankedDictionary(DictionaryUtil.english), false));
        dictionaries.add(new Dictionary("eff_large", DictionaryUtil.loadUnrankedDictionary(DictionaryUtil.eff_large), false));
        return dictionaries;
    }

    /** Drops the estimator, as a heap under pressure would (for tests). */
    static void forgetEstimator() {
        synchronized (LOCK) {
            estimator.clear();
        }
    }

    /** @return the estimator if loaded, else null (for tests) */
    static Nbvcxz loadedEstimator() {
        synchronized (LOCK) {
            return estimator.get();
        }
    }
}
