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
package org.scopegate.token.store;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code grant_types} column of {@code oauth_client} and {@code oauth_application}: grant types separated by
 * spaces.
 */
final class GrantTypeColumn {

    /** Compiled once: this runs on every client lookup. */
    private static final Pattern SPACES = Pattern.compile(" +");

    private GrantTypeColumn() {
    }

    static String write(Set<String> grantTypes) {
        return String.join(" ", grantTypes);
    }

    static Set<String> read(String column) {
        String grantTypes = column.trim();
        return grantTypes.isEmpty() ? Collections.emptySet()
                : Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(SPACES.split(grantTypes))));
    }
}
