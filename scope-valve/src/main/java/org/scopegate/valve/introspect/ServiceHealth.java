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
package org.scopegate.valve.introspect;

import org.apache.juli.logging.Log;
import org.apache.tomcat.util.res.StringManager;

/**
 * Whether a remote source (the token service, the revocation feed) answers. Logs one line when the state changes,
 * never one per request.
 */
public final class ServiceHealth {

    private static final StringManager sm = StringManager.getManager(ServiceHealth.class);

    private final String name;
    private final String consequence;
    private final Log log;
    private volatile boolean available = true;


    /**
     * @param name        what is watched, for log lines (free of secrets)
     * @param consequence what an outage means, for the log line
     * @param log         where state changes are logged
     */
    public ServiceHealth(String name, String consequence, Log log) {
        this.name = name;
        this.consequence = consequence;
        this.log = log;
    }


    /**
     * Records a good answer.
     */
    public void markUp() {
        if (!available) {
            synchronized (this) {
                if (!available) {
                    available = true;
                    log.info(sm.getString("serviceHealth.up", name));
                }
            }
        }
    }


    /**
     * Records a failure.
     *
     * @param cause why
     */
    public void markDown(Throwable cause) {
        if (available) {
            synchronized (this) {
                if (available) {
                    available = false;
                    log.error(sm.getString("serviceHealth.down", name, consequence, String.valueOf(cause)));
                }
            }
        }
    }


    /**
     * @return whether the last attempt succeeded
     */
    public boolean isAvailable() {
        return available;
    }
}
