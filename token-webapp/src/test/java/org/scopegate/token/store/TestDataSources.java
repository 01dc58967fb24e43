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
package org.scopegate.token.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded Derby store on a first start in a stock Tomcat, whose {@code $CATALINA_BASE/data} does not exist yet.
 */
public class TestDataSources {

    @TempDir
    Path base;

    @Test
    public void embeddedDerbyWhenDataDirectoryIsMissingThenCreatesItBeforeDerbyBoots() throws Exception {
        Path data = base.resolve("data");
        Path database = data.resolve("scopegate");

        DataSources sources = DataSources.embeddedDerby(database);
        try {
            // Derby opens derby.log (next to the database) when it boots, before it creates the database: the
            // directory must be there already, or Derby prints a FileNotFoundException to catalina.out
            Assertions.assertTrue(Files.isDirectory(data), "the database's parent directory exists before any query");
            try (Connection connection = sources.getDataSource().getConnection()) {
                Assertions.assertTrue(connection.isValid(5));
            }
            Assertions.assertTrue(Files.isDirectory(database), "Derby created the database");
        } finally {
            // a class loader of its own: the drivers registered by this JVM (PostgreSQL's too) stay for the next tests
            sources.close(new ClassLoader() {
            });
        }
    }
}
