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
package org.scopegate.bench.load;

import java.util.Locale;

/**
 * The figures of one load run, printed as one {@code LOAD key=value ...} line (read by {@code scripts/bench}) and
 * one {@code LOAD_ERROR ...} line per kind of failure.
 */
public final class LoadResult {

    private final double rate;
    private final int connections;
    private final long[] latency;
    private final long[] service;
    private final long[] lag;
    private final long completed;
    private final long sent;
    private final long windowNanos;
    private final ErrorTally errors;
    private final long timeouts;
    private final long queued;
    private final boolean tokensExhausted;
    private final long tokensUsed;
    private final long clientCpuNanos;
    private final long allAnswers;
    private final long unsent;


    LoadResult(double rate, int connections, long[] latency, long[] service, long[] lag, long completed, long sent,
            long windowNanos, ErrorTally errors, long timeouts, long queued, boolean tokensExhausted, long tokensUsed,
            long clientCpuNanos, long allAnswers, long unsent) {
        this.rate = rate;
        this.connections = connections;
        this.latency = latency;
        this.service = service;
        this.lag = lag;
        this.completed = completed;
        this.sent = sent;
        this.windowNanos = windowNanos;
        this.errors = errors;
        this.timeouts = timeouts;
        this.queued = queued;
        this.tokensExhausted = tokensExhausted;
        this.tokensUsed = tokensUsed;
        this.clientCpuNanos = clientCpuNanos;
        this.allAnswers = allAnswers;
        this.unsent = unsent;
    }


    /** @return failed requests (every kind, warm-up included) */
    public long errorCount() {
        return errors.total();
    }


    /** @return every latency of the measured window, from each request's due time, sorted (for the tests) */
    long[] latencies() {
        return latency.clone();
    }


    /** @return every service time (from the actual send) of the measured window, sorted (for the tests) */
    long[] serviceTimes() {
        return service.clone();
    }


    /**
     * @param label the run's name
     *
     * @return the {@code LOAD} line and the {@code LOAD_ERROR} lines
     */
    public String format(String label) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "LOAD label=%s mode=%s rate=%.0f connections=%d requests=%d sent=%d "
                + "duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%.1f "
                + "service_p50_us=%d service_p99_us=%d service_p999_us=%d send_lag_p50_us=%d send_lag_p99_us=%d "
                + "send_lag_max_us=%d queued=%d unsent=%d all_answers=%d errors=%d timeouts=%d tokens_used=%d tokens_exhausted=%d "
                + "client_cpu_ms=%.1f client_cpu_us_per_req=%.1f%n",
                label, rate > 0 ? "open" : "closed", rate, connections, completed, sent, windowNanos / 1000,
                completed * 1e9 / windowNanos, us(latency, 50), us(latency, 90), us(latency, 99), us(latency, 99.9),
                latency.length == 0 ? 0 : latency[latency.length - 1] / 1000, LatencyLog.mean(latency) / 1000,
                us(service, 50), us(service, 99), us(service, 99.9), us(lag, 50), us(lag, 99),
                lag.length == 0 ? 0 : lag[lag.length - 1] / 1000, queued, unsent, allAnswers, errors.total(), timeouts, tokensUsed,
                tokensExhausted ? 1 : 0, clientCpuNanos / 1e6, completed == 0 ? 0 : clientCpuNanos / 1e3 / completed));
        b.append(errors.lines(label));
        return b.toString();
    }


    private static long us(long[] sorted, double percent) {
        return LatencyLog.percentile(sorted, percent) / 1000;
    }
}
