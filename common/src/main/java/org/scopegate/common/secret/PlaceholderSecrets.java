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

import java.util.List;
import java.util.Locale;

/**
 * The values that ScopeGate's own documentation shows in place of a secret ({@code conf/catalina.properties.fragment}
 * ships {@code scope.valve.clientSecret=CHANGE-ME-at-least-32-random-characters}). A secret every reader of the
 * documentation knows is no secret: a valve configured with one refuses to start, the admin API refuses to store one
 * as a consumer secret, and the token service refuses to start with one as its admin secret. One list for both:
 * scope-valve.jar carries its own relocated copy of this class, so the valve still loads nothing of the WAR's.
 */
public final class PlaceholderSecrets {

    /**
     * The placeholders the documentation uses, compared without case and ignoring every character that is not a
     * letter or a digit, so that {@code change_me…} or {@code ChangeMe…} are caught too; a value that starts with one
     * of them is a placeholder. A new placeholder in {@code conf/} or {@code docs/} goes here.
     */
    private static final List<String> PREFIXES = List.of("CHANGE-ME");

    private PlaceholderSecrets() {
    }


    /**
     * @param secret a configured or chosen secret
     *
     * @return whether it is a documented placeholder rather than a secret
     */
    public static boolean isPlaceholder(String secret) {
        if (secret == null) {
            return false;
        }
        String value = normalise(secret);
        for (String prefix : PREFIXES) {
            if (value.startsWith(normalise(prefix))) {
                return true;
            }
        }
        return false;
    }


    private static String normalise(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                sb.append(c);
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
