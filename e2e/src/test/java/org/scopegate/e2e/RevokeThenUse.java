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

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What OAuth client libraries and their test suites do: revoke a token and use it at once. Each round gets a fresh
 * access token (refresh grant), has the valve cache it (two uses), revokes it at the key manager, and, as soon as
 * the revocation has answered, uses it again at the valve. Issue 11's promise: that use is refused, every time.
 */
final class RevokeThenUse {

    private RevokeThenUse() {
    }

    /**
     * @param grants    the key manager's grants (token endpoint, revocation)
     * @param valveHttp a client of the Tomcat with the valve
     * @param url       a protected resource behind the valve needing {@code read}
     * @param rounds    how many rounds
     * @param label     for the printed figures
     * @return the rounds in which the token was admitted after the revocation had answered
     * @throws Exception on I/O failure
     */
    static int admittedAfterRevoke(Grants grants, Http valveHttp, String url, int rounds, String label)
            throws Exception {
        String refresh = grants.password("read").path("refresh_token").asText();
        int admitted = 0;
        long[] revokeMicros = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            JsonNode tokens = grants.refresh(refresh);
            refresh = tokens.path("refresh_token").asText();
            String access = tokens.path("access_token").asText();
            Http.Response first = valveHttp.get(url, access);
            assertEquals(200, first.status(), first::toString);
            Http.Response second = valveHttp.get(url, access);
            assertEquals(200, second.status(), second::toString);
            long t0 = System.nanoTime();
            Http.Response revoked = grants.revoke(access);
            revokeMicros[i] = (System.nanoTime() - t0) / 1000;
            assertEquals(200, revoked.status(), revoked::toString);
            Http.Response after = valveHttp.get(url, access);
            if (after.status() == 200) {
                admitted++;
            } else {
                AbstractValveIT.assertInvalidToken(after);
            }
        }
        Arrays.sort(revokeMicros);
        System.out.printf("[e2e] %s: %d rounds of revoke-then-use, %d admitted after the revocation answered; "
                + "revocation call p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", label, Integer.valueOf(rounds),
                Integer.valueOf(admitted), Double.valueOf(revokeMicros[rounds / 2] / 1000.0),
                Double.valueOf(revokeMicros[rounds * 99 / 100] / 1000.0),
                Double.valueOf(revokeMicros[rounds - 1] / 1000.0));
        return admitted;
    }
}
