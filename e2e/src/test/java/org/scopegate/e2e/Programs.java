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
package org.scopegate.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The outside programs some tests drive (curl, Chromium, chromedriver), looked up on the {@code PATH} as a shell
 * would. On a developer's machine a missing program skips the test that needs it, saying what to install; under
 * {@code CI=true} it fails that test: CI installs them ({@code .ci/run}), so a missing one is a broken CI, not a
 * reason for a check to go quiet.
 */
public final class Programs {

    private Programs() {
    }


    /**
     * @param names the program's names, in order of preference (e.g. {@code chromium}, {@code chromium-browser})
     * @return the first one found on the PATH
     */
    public static Optional<Path> onPath(String... names) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : names) {
            for (String dir : path.split(":")) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }


    /**
     * Finds a program the calling test needs: fails the test under {@code CI=true} when it is missing, skips it
     * otherwise.
     *
     * @param install what to install when it is missing (for the message)
     * @param names   the program's names, in order of preference
     * @return where it is
     */
    public static Path required(String install, String... names) {
        Optional<Path> found = onPath(names);
        if (found.isPresent()) {
            return found.get();
        }
        String message = String.join(" or ", names) + " is not on the PATH (" + System.getenv("PATH")
                + "): install " + install;
        if (isCi()) {
            Assertions.fail("CI=true: " + message + " (.ci/run installs it)");
        }
        Assumptions.abort("skipped: " + message);
        throw new IllegalStateException("unreachable");
    }


    /**
     * @return whether the tests run in CI ({@code CI=true}, as CI services and {@code .ci/run}'s caller set it)
     */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
