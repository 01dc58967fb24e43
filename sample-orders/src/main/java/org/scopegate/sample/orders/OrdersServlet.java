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
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.security.DeclareRoles;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /orders/…}: {@code GET} describes the caller and a fake order, {@code POST} creates a
 * fake order (answered with 200 and a {@code Location}, so that every allowed call of the demo
 * answers 200). Nothing is stored.
 */
@DeclareRoles({"read", "update"})
@WebServlet(name = "orders", urlPatterns = "/*")
public class OrdersServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final AtomicLong nextId = new AtomicLong(1000);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Map<String, Object> body = Json.caller(req);
        String info = req.getPathInfo();
        if (info == null || "/".equals(info)) {
            body.put("orders", "[listing omitted: this is a sample]");
        } else {
            body.put("order", info.substring(1));
        }
        Json.write(resp, HttpServletResponse.SC_OK, body);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long id = nextId.incrementAndGet();
        Map<String, Object> body = Json.caller(req);
        body.put("created", Long.valueOf(id));
        body.put("createdBy", req.getRemoteUser());
        body.put("createdAt", Instant.now().toString());
        resp.setHeader("Location", req.getContextPath() + "/" + id);
        Json.write(resp, HttpServletResponse.SC_OK, body);
    }
}
