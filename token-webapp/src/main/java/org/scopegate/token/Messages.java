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

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The webapp's info, warning and error texts from {@code org/scopegate/token/LocalStrings.properties}, in the
 * manner of Tomcat's {@code StringManager}: keys {@code <lowerCamelClassName>.<detail>}, values with
 * {@code [{0}]}; a missing key falls back to the key itself. The bundle is loaded with this class's own class
 * loader, so the lookup does not depend on the thread that logs.
 */
public final class Messages {

    private static final ResourceBundle BUNDLE = ResourceBundle.getBundle("org.scopegate.token.LocalStrings",
            Locale.ROOT, Messages.class.getClassLoader());

    private Messages() {
    }

    /**
     * @param key the message key
     * @param args values substituted for {@code {0}}, {@code {1}}, ...
     * @return the formatted text, or the key when it is missing
     */
    public static String get(String key, Object... args) {
        String pattern;
        try {
            pattern = BUNDLE.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
        if (args.length == 0) {
            return pattern;
        }
        return new MessageFormat(pattern, Locale.ROOT).format(args);
    }
}
