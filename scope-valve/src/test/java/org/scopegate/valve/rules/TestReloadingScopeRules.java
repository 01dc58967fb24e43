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

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloading the rules file: changes taken, broken edits refused once, old rules kept.
 */
public class TestReloadingScopeRules {

    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<String> errors = new ArrayList<>();


    /** A log that records error lines and forwards the rest. */
    private Log recordingLog() {
        Log delegate = LogFactory.getLog(TestReloadingScopeRules.class);
        return (Log) Proxy.newProxyInstance(Log.class.getClassLoader(), new Class<?>[] { Log.class },
                (proxy, method, args) -> {
                    if ("error".equals(method.getName())) {
                        errors.add(String.valueOf(args[0]));
                        return null;
                    }
                    return method.invoke(delegate, args);
                });
    }


    private void write(Path file, String text, long secondsLater) throws Exception {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + secondsLater * 1000));
    }


    @Test
    void loadWhenFileBrokenThenThrows() throws Exception {
        // PREPARE
        Path file = dir.resolve("rules.conf");
        write(file, "GET /a\n", 0);
        ReloadingScopeRules rules = new ReloadingScopeRules(file, recordingLog(), nanos::get);

        // TEST + VERIFY
        Assertions.assertThrows(ScopeRulesException.class, rules::load);
    }


    @Test
    void getWhenFileChangedAndSecondPassedThenReloaded() throws Exception {
        // PREPARE
        Path file = dir.resolve("rules.conf");
        write(file, "GET /a read\n", 0);
        ReloadingScopeRules rules = new ReloadingScopeRules(file, recordingLog(), nanos::get);
        rules.load();
        write(file, "GET /a read\nGET /b update\n", 5);

        // TEST
        ScopeRules beforeSecond = rules.get();
        nanos.addAndGet(1_000_000_000L);
        ScopeRules afterSecond = rules.get();

        // VERIFY
        Assertions.assertEquals(1, beforeSecond.size());
        Assertions.assertEquals(2, afterSecond.size());
        Assertions.assertEquals(1, rules.getReloadCount());
    }


    @Test
    void checkNowWhenFileUnchangedThenNotReloaded() throws Exception {
        // PREPARE
        Path file = dir.resolve("rules.conf");
        write(file, "GET /a read\n", 0);
        ReloadingScopeRules rules = new ReloadingScopeRules(file, recordingLog(), nanos::get);
        rules.load();

        // TEST
        boolean reloaded = rules.checkNow();

        // VERIFY
        Assertions.assertFalse(reloaded);
        Assertions.assertEquals(0, rules.getReloadCount());
    }


    @Test
    void checkNowWhenEditBrokenThenOldRulesKeptAndLoggedOnceWithLine() throws Exception {
        // PREPARE
        Path file = dir.resolve("rules.conf");
        write(file, "GET /a read\n", 0);
        ReloadingScopeRules rules = new ReloadingScopeRules(file, recordingLog(), nanos::get);
        rules.load();
        write(file, "GET /a read\nGET /b/*/c read\n", 5);

        // TEST
        boolean first = rules.checkNow();
        boolean second = rules.checkNow();

        // VERIFY
        Assertions.assertFalse(first);
        Assertions.assertFalse(second);
        Assertions.assertEquals(1, rules.get().size());
        Assertions.assertNotNull(rules.get().match("GET", "/a"));
        Assertions.assertEquals(1, errors.size(), errors.toString());
        Assertions.assertTrue(errors.get(0).contains("Line [2]"), errors.get(0));
        Assertions.assertNotNull(rules.getLastError());
    }


    @Test
    void checkNowWhenBrokenEditFixedThenReloaded() throws Exception {
        // PREPARE
        Path file = dir.resolve("rules.conf");
        write(file, "GET /a read\n", 0);
        ReloadingScopeRules rules = new ReloadingScopeRules(file, recordingLog(), nanos::get);
        rules.load();
        write(file, "GET /a\n", 5);
        rules.checkNow();
        write(file, "GET /a read\nGET /c read\n", 10);

        // TEST
        boolean reloaded = rules.checkNow();

        // VERIFY
        Assertions.assertTrue(reloaded);
        Assertions.assertEquals(2, rules.get().size());
        Assertions.assertNull(rules.getLastError());
    }


    @Test
    void checkNowWhenFileDeletedThenOldRulesKept() throws Exception {
        // PREPARE
        Path file = dir.resolve("rules.conf");
        write(file, "GET /a read\n", 0);
        ReloadingScopeRules rules = new ReloadingScopeRules(file, recordingLog(), nanos::get);
        rules.load();
        Files.delete(file);

        // TEST
        boolean reloaded = rules.checkNow();

        // VERIFY
        Assertions.assertFalse(reloaded);
        Assertions.assertEquals(1, rules.get().size());
        Assertions.assertEquals(1, errors.size());
    }
}
