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

import java.nio.file.Files;
import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;

import org.scopegate.token.crypto.PasswordHashParameters;
import org.scopegate.token.crypto.PasswordHasher;
import org.scopegate.token.crypto.SecretGenerator;

/**
 * Throwaway measurement (not a test): median times of the hash alone, of a password grant over HTTP at the
 * default and at a low Argon2id cost, of a refresh grant and of an introspection, on embedded Tomcat.
 * Run with the test class path: {@code java -cp ... org.scopegate.token.GrantTimings}.
 */
public final class GrantTimings {

    private static final int RUNS = 20;

    private GrantTimings() {
    }

    /**
     * @param args unused
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        PasswordHasher hasher = new PasswordHasher(PasswordHashParameters.defaults(), new SecretGenerator());
        String hash = hasher.hash("warm up");
        double[] hashTimes = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            hasher.verify("warm up", hash);
            hashTimes[i] = (System.nanoTime() - t) / 1e6;
        }
        System.out.printf("argon2id m=19456,t=2,p=1 hash alone: median %.2f ms%n", median(hashTimes));
        measure("default cost (m=19456, t=2)", new String[0][]);
        measure("low cost (m=64, t=1)", new String[][] { { "argon2MemoryKiB", "64" }, { "argon2Iterations", "1" } });
    }

    private static void measure(String label, String[][] parameters) throws Exception {
        EmbeddedTokenServer server = new EmbeddedTokenServer(Files.createTempDirectory("grant-timings"));
        server.with("argon2MemoryKiB", "19456").with("argon2Iterations", "2");
        for (String[] p : parameters) {
            server.with(p[0], p[1]);
        }
        server.start();
        try {
            server.createUser("alice", "Granite-Heron-7741");
            String[] app = server.createClient(true, "password", "refresh_token");
            String auth = EmbeddedTokenServer.basic(app[0], app[1]);
            String body = "grant_type=password&username=alice&password=Granite-Heron-7741";
            for (int i = 0; i < 5; i++) {
                server.postForm("", auth, body);
            }
            double[] password = new double[RUNS];
            double[] refresh = new double[RUNS];
            double[] introspect = new double[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long t = System.nanoTime();
                JsonNode tokens = EmbeddedTokenServer.json(server.postForm("", auth, body));
                password[i] = (System.nanoTime() - t) / 1e6;
                t = System.nanoTime();
                server.postForm("", auth, "grant_type=refresh_token&refresh_token="
                        + tokens.get("refresh_token").asText());
                refresh[i] = (System.nanoTime() - t) / 1e6;
                t = System.nanoTime();
                server.postForm("/introspect", auth, "token=" + tokens.get("access_token").asText());
                introspect[i] = (System.nanoTime() - t) / 1e6;
            }
            System.out.printf("%s: password grant median %.2f ms, refresh grant median %.2f ms, "
                    + "introspection median %.2f ms (client round trip over HTTP)%n", label, median(password),
                    median(refresh), median(introspect));
        } finally {
            server.stopAndDelete();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
