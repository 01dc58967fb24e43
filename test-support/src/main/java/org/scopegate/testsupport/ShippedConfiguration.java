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
package org.scopegate.testsupport;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What {@code conf/} really ships, read by the tests that check the product against it (the documented placeholder
 * secrets are refused everywhere). Paths are relative to a module's directory, where Maven runs its tests.
 */
public final class ShippedConfiguration {

    /** The fragment an administrator appends to {@code catalina.properties}. */
    public static final Path CATALINA_PROPERTIES_FRAGMENT = Path.of("../conf/catalina.properties.fragment");

    private ShippedConfiguration() {
    }


    /**
     * @return the properties the fragment sets, active or commented out ({@code # name=value}), in file order
     * @throws IOException when the fragment cannot be read
     */
    public static Map<String, String> catalinaProperties() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(CATALINA_PROPERTIES_FRAGMENT, StandardCharsets.UTF_8)) {
            String l = line.replaceFirst("^#\\s?", "").strip();
            if (l.matches("[a-zA-Z]\\w*(\\.\\w+)+=\\S+")) {
                Properties p = new Properties();
                try (Reader r = new StringReader(l)) {
                    p.load(r);
                }
                p.forEach((k, v) -> values.put((String) k, (String) v));
            }
        }
        return values;
    }


    /**
     * @return the valve's client secret as the fragment ships it (the documentation's placeholder)
     * @throws IOException when the fragment cannot be read
     */
    public static String valveClientSecret() throws IOException {
        String secret = catalinaProperties().get("scope.valve.clientSecret");
        if (secret == null) {
            throw new AssertionError(CATALINA_PROPERTIES_FRAGMENT + " sets no scope.valve.clientSecret");
        }
        return secret;
    }
}
