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
package org.scopegate.token.selfservice;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.token.admin.AdminException;

/**
 * The sign-up rules, one by one.
 */
public class TestSignupPolicy {

    private final SignupPolicy policy = new SignupPolicy(10);

    @Test
    public void checkUsernameWhenValidThenAccepted() throws Exception {
        // TEST / VERIFY
        policy.checkUsername("alice.smith@example-1_x");
        policy.checkUsername("bob");
    }

    @Test
    public void checkUsernameWhenBadCharactersOrLengthThenInvalidUsername() {
        // TEST / VERIFY
        for (String name : new String[] { "ab", "a".repeat(65), "alice smith", "alice/x", "élise", "" }) {
            AdminException e = Assertions.assertThrows(AdminException.class, () -> policy.checkUsername(name), name);
            Assertions.assertEquals("invalid_username", e.getError());
            Assertions.assertEquals(400, e.getStatus());
        }
    }

    @Test
    public void checkUsernameWhenReservedInAnyCaseThenRefused() {
        // TEST
        AdminException e = Assertions.assertThrows(AdminException.class, () -> policy.checkUsername("AdMin"));

        // VERIFY
        Assertions.assertTrue(e.getMessage().contains("reserved"), e.getMessage());
    }

    @Test
    public void checkPasswordWhenTooShortThenWeakWithLength() {
        // TEST
        AdminException e = Assertions.assertThrows(AdminException.class,
                () -> policy.checkPassword("alice", "Xy7#kq2"));

        // VERIFY
        Assertions.assertEquals("weak_password", e.getError());
        Assertions.assertTrue(e.getMessage().contains("at least 10"), e.getMessage());
    }

    @Test
    public void checkPasswordWhenContainsUsernameInAnyCaseThenWeak() {
        // TEST
        AdminException e = Assertions.assertThrows(AdminException.class,
                () -> policy.checkPassword("alice", "my-ALICE-pass-2025"));

        // VERIFY
        Assertions.assertTrue(e.getMessage().contains("user name"), e.getMessage());
    }

    @Test
    public void checkPasswordWhenEasyToGuessThenWeakWithTheEstimatorsReason() {
        // TEST
        AdminException e = Assertions.assertThrows(AdminException.class,
                () -> policy.checkPassword("alice", "Password123!"));

        // VERIFY
        Assertions.assertEquals("weak_password", e.getError());
        Assertions.assertTrue(e.getMessage().startsWith("This password is too easy to guess"), e.getMessage());
    }

    @Test
    public void checkPasswordWhenLongUncommonThenAccepted() throws Exception {
        // TEST / VERIFY
        policy.checkPassword("alice", "violet-harbour-42-tram");
    }
}
