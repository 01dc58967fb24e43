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
package org.scopegate.valve;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.scopegate.common.store.QuotaCount;
import org.scopegate.valve.throttle.HttpQuotaCountExchange;

/**
 * The valve's side of {@code POST /token/quota-counts}: the JSON it sends and reads, and the next key manager when
 * one does not answer.
 */
public class TestHttpQuotaCountExchange {

    private static final long WINDOW = 1_795_773_600_000L;


    @Test
    void exchangeWhenKeyManagerAnswersThenCountsAddUp() throws Exception {
        try (FakeTokenService keyManager = new FakeTokenService()) {
            // PREPARE
            HttpQuotaCountExchange exchange = exchange(keyManager.introspectionUrl());

            // TEST
            List<QuotaCount> first = exchange.exchange(List.of(new QuotaCount("12", WINDOW, 3),
                    new QuotaCount("12|rule:00112233", WINDOW, 1)));
            List<QuotaCount> second = exchange.exchange(List.of(new QuotaCount("12", WINDOW, 2)));

            // VERIFY
            Assertions.assertEquals(List.of(new QuotaCount("12", WINDOW, 3), new QuotaCount("12|rule:00112233",
                    WINDOW, 1)), first);
            Assertions.assertEquals(List.of(new QuotaCount("12", WINDOW, 5)), second);
        }
    }


    @Test
    void exchangeWhenFirstKeyManagerDownThenNextOneAndItIsAskedFirstAfterwards() throws Exception {
        try (FakeTokenService down = new FakeTokenService(); FakeTokenService up = new FakeTokenService()) {
            // PREPARE
            down.setFeedFailing(true);
            HttpQuotaCountExchange exchange = exchange(down.introspectionUrl(), up.introspectionUrl());

            // TEST
            List<QuotaCount> answer = exchange.exchange(List.of(new QuotaCount("12", WINDOW, 4)));
            exchange.exchange(List.of(new QuotaCount("12", WINDOW, 1)));

            // VERIFY
            Assertions.assertEquals(List.of(new QuotaCount("12", WINDOW, 4)), answer);
            Assertions.assertEquals(0, down.quotaExchanges(), "the failing key manager counted nothing");
            Assertions.assertEquals(2, up.quotaExchanges());
        }
    }


    @Test
    void exchangeWhenEveryKeyManagerDownThenIOException() throws Exception {
        try (FakeTokenService down = new FakeTokenService()) {
            // PREPARE
            down.setFeedFailing(true);
            HttpQuotaCountExchange exchange = exchange(down.introspectionUrl());

            // TEST / VERIFY
            IOException e = Assertions.assertThrows(IOException.class,
                    () -> exchange.exchange(List.of(new QuotaCount("12", WINDOW, 1))));
            Assertions.assertTrue(e.getMessage().contains("500"), e.getMessage());
        }
    }


    private static HttpQuotaCountExchange exchange(String... introspectionUrls) {
        List<URI> uris = Arrays.stream(introspectionUrls)
                .map(url -> HttpQuotaCountExchange.defaultUri(URI.create(url))).toList();
        return new HttpQuotaCountExchange(uris, FakeTokenService.CLIENT_ID, FakeTokenService.CLIENT_SECRET, 1000,
                2000, null);
    }
}
