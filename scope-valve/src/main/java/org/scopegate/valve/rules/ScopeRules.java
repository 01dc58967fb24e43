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
package org.scopegate.valve.rules;

import java.util.List;

/**
 * An immutable, ordered list of {@link ScopeRule}s: the first rule that matches wins.
 */
public final class ScopeRules {

    private final ScopeRule[] rules;


    /**
     * @param rules the rules in file order
     */
    public ScopeRules(List<ScopeRule> rules) {
        this.rules = rules.toArray(new ScopeRule[0]);
    }


    /**
     * @param method the request's method
     * @param path   the decoded, normalised request URI
     *
     * @return the first matching rule, or {@code null} when none matches
     */
    public ScopeRule match(String method, String path) {
        for (ScopeRule rule : rules) {
            if (rule.matches(method, path)) {
                return rule;
            }
        }
        return null;
    }


    /**
     * @return the rules in file order
     */
    public List<ScopeRule> getRules() {
        return List.of(rules);
    }


    /**
     * @return the number of rules
     */
    public int size() {
        return rules.length;
    }
}
