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

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.juli.logging.Log;
import org.apache.tomcat.util.res.StringManager;

/**
 * Holds the rules of one file and reloads them when the file's modification time or size changes. The file is
 * looked at (one {@code stat}) at most once per second, on the request thread that comes along or from the
 * container's background thread. A broken edit keeps the rules in force and is logged once, with the line at
 * fault; it is read again only when the file changes again.
 */
public final class ReloadingScopeRules {

    private static final StringManager sm = StringManager.getManager(ReloadingScopeRules.class);

    private static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path path;
    private final Log log;
    private final LongSupplier nanoClock;
    private final ScopeRulesParser parser = new ScopeRulesParser();
    private final AtomicBoolean checking = new AtomicBoolean();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    private volatile ScopeRules rules;
    private volatile long nextCheck;
    private volatile String lastError;
    private FileTime seenModified;
    private long seenSize = -1;


    /**
     * @param path      the rules file
     * @param log       where reloads and broken edits are logged
     * @param nanoClock monotonic clock in nanoseconds
     */
    public ReloadingScopeRules(Path path, Log log, LongSupplier nanoClock) {
        this.path = path;
        this.log = log;
        this.nanoClock = nanoClock;
    }


    /**
     * Loads the file for the first time; unlike a reload, a fault here is thrown, so the valve fails to start.
     *
     * @throws ScopeRulesException when the file is not valid
     * @throws IOException         when the file cannot be read
     */
    public synchronized void load() throws ScopeRulesException, IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        rules = read();
        seenModified = attributes.lastModifiedTime();
        seenSize = attributes.size();
        lastError = null;
        nextCheck = nanoClock.getAsLong() + CHECK_INTERVAL_NANOS;
    }


    /**
     * @return the rules in force, after a reload if the file changed and the last look is a second old
     */
    public ScopeRules get() {
        long now = nanoClock.getAsLong();
        if (now - nextCheck >= 0 && checking.compareAndSet(false, true)) {
            try {
                nextCheck = now + CHECK_INTERVAL_NANOS;
                checkNow();
            } finally {
                checking.set(false);
            }
        }
        return rules;
    }


    /**
     * Looks at the file now and reloads it if it changed.
     *
     * @return whether new rules were taken into use
     */
    public synchronized boolean checkNow() {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            broken(sm.getString("reloadingScopeRules.unreadable", path, e.toString()), null, -1);
            return false;
        }
        if (attributes.lastModifiedTime().equals(seenModified) && attributes.size() == seenSize) {
            return false;
        }
        try {
            ScopeRules loaded = read();
            rules = loaded;
            seenModified = attributes.lastModifiedTime();
            seenSize = attributes.size();
            lastError = null;
            reloads.incrementAndGet();
            log.info(sm.getString("reloadingScopeRules.reloaded", path, Integer.toString(loaded.size())));
            return true;
        } catch (ScopeRulesException | IOException e) {
            broken(sm.getString("reloadingScopeRules.broken", path, e.getMessage()), attributes.lastModifiedTime(),
                    attributes.size());
            return false;
        }
    }


    private void broken(String message, FileTime modified, long size) {
        // Remember what was seen, so that the same broken file is reported once, not once a second
        if (!message.equals(lastError)) {
            log.error(message);
            errors.incrementAndGet();
        }
        lastError = message;
        if (modified != null) {
            seenModified = modified;
            seenSize = size;
        }
    }


    private ScopeRules read() throws ScopeRulesException, IOException {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return parser.parse(reader);
        }
    }


    /**
     * @return the rules file
     */
    public Path getPath() {
        return path;
    }


    /**
     * @return reloads after the first load
     */
    public long getReloadCount() {
        return reloads.get();
    }


    /**
     * @return why the last edit was refused, or {@code null} when the file in force is the file on disk
     */
    public String getLastError() {
        return lastError;
    }


    /**
     * @return edits of the file refused since start (counted once per distinct problem)
     */
    public long getErrorCount() {
        return errors.get();
    }
}
