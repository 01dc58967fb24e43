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

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Keeps the log records of the whole JVM (the root logger of java.util.logging, where JULI writes in the tests)
 * while it is open, to check what an administrator would read.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final List<LogRecord> records = new ArrayList<>();

    /**
     * Starts capturing.
     */
    public LogCapture() {
        setLevel(Level.ALL);
        Logger.getLogger("").addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord logRecord) {
        records.add(logRecord);
    }

    @Override
    public void flush() {
        // kept in memory
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }

    /**
     * @return what was logged so far
     */
    public synchronized List<LogRecord> records() {
        return new ArrayList<>(records);
    }

    /**
     * @param level the least level
     * @return the formatted messages of the records at that level or above from ScopeGate's own loggers
     */
    public List<String> messages(Level level) {
        return records().stream()
                .filter(r -> r.getLevel().intValue() >= level.intValue() && r.getLoggerName() != null
                        && r.getLoggerName().startsWith("org.scopegate."))
                .map(LogCapture::text).collect(Collectors.toList());
    }

    /**
     * @param fragment a piece of text
     * @return how many records (any logger) hold it
     */
    public long count(String fragment) {
        return records().stream().filter(r -> text(r).contains(fragment)).count();
    }

    /**
     * @return the records (any logger) that carry a stack trace
     */
    public List<LogRecord> withStackTraces() {
        return records().stream()
                .filter(r -> r.getThrown() != null && hasFrames(r.getThrown()))
                .collect(Collectors.toList());
    }

    private static boolean hasFrames(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getStackTrace().length > 0) {
                return true;
            }
        }
        return false;
    }

    private static String text(LogRecord r) {
        String message = r.getMessage();
        if (message == null) {
            return "";
        }
        Object[] parameters = r.getParameters();
        if (parameters != null && parameters.length > 0) {
            try {
                return java.text.MessageFormat.format(message, parameters);
            } catch (IllegalArgumentException e) {
                return message;
            }
        }
        return message;
    }
}
