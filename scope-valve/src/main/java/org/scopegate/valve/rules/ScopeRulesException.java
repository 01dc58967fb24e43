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

/**
 * A rules file that cannot be used, with the line at fault.
 */
public class ScopeRulesException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int line;


    /**
     * @param line    the line at fault (1-based), or {@code 0} when the whole file is at fault
     * @param message what is wrong with it
     */
    public ScopeRulesException(int line, String message) {
        super(message);
        this.line = line;
    }


    /**
     * @return the line at fault (1-based), or {@code 0}
     */
    public int getLine() {
        return line;
    }
}
