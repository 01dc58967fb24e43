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
package org.scopegate.e2e;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scrape of a Prometheus metrics endpoint, parsed from the text exposition format (version 0.0.4): the
 * {@code # TYPE} of every family and every sample with its labels, so that tests look values up by name and labels
 * instead of searching the text.
 */
final class Exposition {

    /**
     * One sample line.
     *
     * @param name the sample's name (e.g. {@code x_total}, {@code x_bucket})
     * @param labels its labels
     * @param value its value
     */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final Map<String, String> types = new HashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private Exposition() {
    }

    /**
     * @param text the body of a scrape
     * @return it, parsed
     * @throws IllegalArgumentException on a line that is not the format
     */
    static Exposition parse(String text) {
        Exposition exposition = new Exposition();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 4 && "TYPE".equals(parts[1])) {
                    exposition.types.put(parts[2], parts[3]);
                }
                continue;
            }
            exposition.samples.add(sample(line));
        }
        return exposition;
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        int rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq).trim();
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("bad label value in [" + line + "]");
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            rest = i + 1;
        } else {
            name = line.substring(0, space);
            rest = space;
        }
        String[] value = line.substring(rest).trim().split(" ");
        return new Sample(name, Collections.unmodifiableMap(labels), parseValue(value[0]));
    }

    private static double parseValue(String value) {
        switch (value) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                return Double.parseDouble(value);
        }
    }

    /**
     * @param family a metric family's name as its {@code # TYPE} line gives it (in this format, with {@code _total}
     *        for a counter)
     * @return its declared type ({@code counter}, {@code gauge}, {@code histogram}, ...), or {@code null}
     */
    String type(String family) {
        return types.get(family);
    }

    /**
     * @param name a sample name
     * @param labels label name and value pairs the sample must have (others may be there too)
     * @return the samples that match
     */
    List<Sample> samples(String name, String... labels) {
        List<Sample> matching = new ArrayList<>();
        for (Sample sample : samples) {
            if (!sample.name().equals(name)) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= labels[i + 1].equals(sample.labels().get(labels[i]));
            }
            if (all) {
                matching.add(sample);
            }
        }
        return matching;
    }

    /**
     * @param name a sample name
     * @param labels label name and value pairs
     * @return the sum of the matching samples' values; 0 when none matches
     */
    double sum(String name, String... labels) {
        return samples(name, labels).stream().mapToDouble(Sample::value).sum();
    }
}
