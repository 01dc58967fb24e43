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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.tomcat.util.res.StringManager;

/**
 * Introspection spread over several equal key managers: round robin over those in service; a key manager that
 * fails is taken out of service and the same call is tried at the next one, so that losing a key manager costs no
 * request. A key manager out of service gets one call again once per probe interval (the call moving on to the
 * next key manager if it fails). When none is in service, one of them is still tried per call, so that a call
 * finds the first key manager to come back. The polled revocation feed is read the same way: every key manager
 * serves the same feed (the event ids of the shared store).
 */
public final class FailoverTokenIntrospector implements TokenIntrospector {

    private static final StringManager sm = StringManager.getManager(FailoverTokenIntrospector.class);

    private final KeyManager[] keyManagers;
    private final AtomicInteger next = new AtomicInteger();
    private final String description;


    /**
     * @param keyManagers the key managers, at least one
     */
    public FailoverTokenIntrospector(List<KeyManager> keyManagers) {
        if (keyManagers.isEmpty()) {
            throw new IllegalArgumentException("No key manager");
        }
        this.keyManagers = keyManagers.toArray(new KeyManager[0]);
        List<String> urls = new ArrayList<>();
        for (KeyManager k : keyManagers) {
            urls.add(k.getIntrospectionUrl());
        }
        this.description = keyManagers.size() == 1 ? keyManagers.get(0).client().describe() :
                sm.getString("failoverTokenIntrospector.describe", String.join(", ", urls));
    }


    @Override
    public TokenInfo introspect(String token, TokenDigest digest) throws IntrospectionException {
        IntrospectionException last = null;
        for (KeyManager k : order()) {
            try {
                return k.introspect(token, digest);
            } catch (IntrospectionException e) {
                last = e;
            } catch (RuntimeException e) {
                last = new IntrospectionException(e.toString(), e);
            }
        }
        throw last;
    }


    @Override
    public RevocationBatch revocations(long after) throws IntrospectionException {
        IntrospectionException last = null;
        for (KeyManager k : order()) {
            try {
                RevocationBatch batch = k.client().revocations(after);
                k.markUp();
                return batch;
            } catch (IntrospectionException e) {
                k.markDown(e);
                last = e;
            }
        }
        throw last;
    }


    @Override
    public String describe() {
        return description;
    }


    /**
     * @return the key managers
     */
    public List<KeyManager> keyManagers() {
        return List.of(keyManagers);
    }


    /**
     * The key managers to try for one call, in order: those in service from the next in turn, then one out of
     * service whose probe is due; when none is in service, the next in turn alone.
     *
     * @return at least one key manager
     */
    List<KeyManager> order() {
        int n = keyManagers.length;
        int start = Math.floorMod(next.getAndIncrement(), n);
        if (n == 1) {
            return List.of(keyManagers[0]);
        }
        List<KeyManager> order = new ArrayList<>(n);
        KeyManager probe = null;
        for (int i = 0; i < n; i++) {
            KeyManager k = keyManagers[(start + i) % n];
            if (k.isHealthy()) {
                order.add(k);
            } else if (probe == null && k.tryProbe()) {
                probe = k;
            }
        }
        if (probe != null) {
            // The probe goes first: when it fails the call still has every key manager in service behind it
            order.add(0, probe);
        }
        if (order.isEmpty()) {
            order.add(keyManagers[start]);
        }
        return order;
    }
}
