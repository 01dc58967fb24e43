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
package org.scopegate.valve.throttle;

import java.io.IOException;
import java.util.List;

import org.scopegate.common.store.QuotaCount;

/**
 * Where gateways add up what they served of each quota: the key managers' {@code /token/quota-counts}
 * ({@link HttpQuotaCountExchange}) or the store itself ({@link DataSourceQuotaCountExchange}). A count belongs to
 * a window: the first report of a newer window starts its count again.
 */
public interface QuotaCountExchange {

    /**
     * Adds this gateway's requests to the shared counts and reads them back.
     *
     * @param counts per counter: the window this gateway is in and the requests it served since its last report
     *
     * @return per counter: the window the shared count belongs to and the requests every gateway served in it
     *
     * @throws IOException when the counts cannot be exchanged (nothing was added then)
     */
    List<QuotaCount> exchange(List<QuotaCount> counts) throws IOException;


    /**
     * @return a description for log lines, free of secrets
     */
    String describe();

}
