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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /orders/catalog}: the products one may order, the same for every caller (the rules demand
 * {@code read}). Its answer does not depend on who asks, which makes it the resource the benchmark uses to
 * compare the same work with and without the valve.
 */
@WebServlet(name = "catalog", urlPatterns = "/catalog")
public class CatalogServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private static final List<Map<String, Object>> PRODUCTS = List.of(
            product("sku-1", "Tomcat mug", 12),
            product("sku-2", "Valve sticker", 2),
            product("sku-3", "Token keyring", 5));

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("products", PRODUCTS);
        Json.write(resp, HttpServletResponse.SC_OK, body);
    }

    private static Map<String, Object> product(String sku, String name, int price) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("sku", sku);
        p.put("name", name);
        p.put("price", Integer.valueOf(price));
        return p;
    }
}
