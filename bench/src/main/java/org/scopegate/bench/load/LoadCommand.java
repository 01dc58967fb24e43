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

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code BenchTool load url=URL [method=GET|POST] [headers="A: b|C: d"] [body=...%TOKEN%...] [bearer=1]
 * [tokens=FILE] [cycle=1] [connections=N] [rate=R] [seconds=S] [warmup=S] [expect=200] [label=NAME]}: one load run, open loop
 * at {@code rate} requests per second or closed loop ({@code rate=0}); prints {@link LoadResult}'s lines. The exit
 * status is 0 even when requests failed: the caller reads {@code errors=}.
 */
public final class LoadCommand {

    private LoadCommand() {
    }


    /**
     * @param o the options
     *
     * @throws Exception on a failure of the tool itself
     */
    public static void run(Map<String, String> o) throws Exception {
        URI url = URI.create(require(o, "url"));
        if (!"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("only http:// URLs");
        }
        int port = url.getPort() < 0 ? 80 : url.getPort();
        // http://host:port (no path) asks for "/": an empty request target is not HTTP
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String target = path + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        List<String> headers = new ArrayList<>();
        // headers=... or, to keep credentials off the command line, the environment variable BENCH_HEADERS
        String headerList = o.containsKey("headers") ? o.get("headers") : System.getenv("BENCH_HEADERS");
        for (String h : (headerList == null ? "" : headerList).split("\\|")) {
            if (!h.isBlank()) {
                headers.add(h.strip());
            }
        }
        RequestTemplate template = new RequestTemplate(o.getOrDefault("method", "GET"), target,
                url.getHost() + ":" + port, headers, o.get("body"), "1".equals(o.get("bearer")));
        TokenPool tokens = o.containsKey("tokens") ? TokenPool.read(Paths.get(o.get("tokens")),
                "1".equals(o.get("cycle"))) : null;
        LoadGenerator generator = new LoadGenerator(new InetSocketAddress(url.getHost(), port), template, tokens,
                Integer.parseInt(o.getOrDefault("connections", "16")), Double.parseDouble(o.getOrDefault("rate", "0")),
                Integer.parseInt(o.getOrDefault("expect", "200")));
        LoadResult result = generator.run(Double.parseDouble(o.getOrDefault("warmup", "0")),
                Double.parseDouble(o.getOrDefault("seconds", "5")));
        System.out.print(result.format(o.getOrDefault("label", "run").replace(' ', '_')));
        System.out.flush();
    }


    private static String require(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing " + key + "=");
        }
        return v;
    }
}
