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

import java.net.URI;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * What counts as "this machine" for cleartext towards the token service.
 */
public class TestLoopbackHost {

    @Test
    void isLoopbackWhenLocalhostOrLoopbackLiteralThenTrue() {
        for (String url : new String[] {"http://localhost/x", "http://LocalHost:8080/x", "http://127.0.0.1:8280/x",
                "http://127.255.255.254/x", "http://127.0.1.1/x", "http://[::1]:8080/x",
                "http://[0:0:0:0:0:0:0:1]/x"}) {
            Assertions.assertTrue(LoopbackHost.isLoopback(URI.create(url)), url);
        }
    }


    @Test
    void isLoopbackWhenAnyOtherHostThenFalse() {
        for (String url : new String[] {"http://km.example.com/x", "http://localhost.example.com/x",
                "http://127.0.0.1.example.com/x", "http://128.0.0.1/x", "http://10.0.0.1/x", "http://0.0.0.0/x",
                "http://127.0.0.256/x", "http://127.1/x", "http://[::2]/x", "http://[::ffff:127.0.0.1]/x",
                "http://192.168.1.1/x"}) {
            Assertions.assertFalse(LoopbackHost.isLoopback(URI.create(url)), url);
        }
        Assertions.assertFalse(LoopbackHost.isLoopback((String) null));
    }
}
