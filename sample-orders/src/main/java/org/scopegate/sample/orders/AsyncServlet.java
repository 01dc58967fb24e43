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
package org.scopegate.sample.orders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /orders/async}: answers from another thread through {@link AsyncContext}, to show that a
 * gate in front of the webapp keeps asynchronous processing working.
 */
@WebServlet(name = "async", urlPatterns = "/async", asyncSupported = true)
public class AsyncServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
        Map<String, Object> body = Json.caller(req);
        String requestThread = Thread.currentThread().getName();
        AsyncContext ctx = req.startAsync();
        ctx.setTimeout(10_000);
        ctx.start(() -> {
            try {
                body.put("async", Boolean.TRUE);
                body.put("requestThread", requestThread);
                body.put("answerThread", Thread.currentThread().getName());
                Json.write((HttpServletResponse) ctx.getResponse(), HttpServletResponse.SC_OK, body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                ctx.complete();
            }
        });
    }
}
