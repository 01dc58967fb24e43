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
package org.scopegate.token.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;
import org.scopegate.common.secret.PlaceholderSecrets;
import org.scopegate.token.Messages;
import org.scopegate.token.crypto.Digests;
import org.scopegate.token.crypto.SecretGenerator;

/**
 * The admin API credential: user {@code admin}, password read from a file, generated there (owner-only
 * permissions) when the file does not exist. Only the digest is kept in memory; only the path is logged.
 */
public final class AdminSecret {

    /** The user name of the admin API. */
    public static final String USERNAME = "admin";

    private static final Log log = LogFactory.getLog(AdminSecret.class);

    private final String digest;

    private AdminSecret(String digest) {
        this.digest = digest;
    }

    /**
     * Reads the secret file, or creates it with a new 256-bit secret.
     *
     * @param file the secret file
     * @param secrets random source
     * @return the credential
     * @throws IOException when the file cannot be read or written, or is empty
     */
    public static AdminSecret loadOrCreate(Path file, SecretGenerator secrets) throws IOException {
        if (!Files.exists(file)) {
            try {
                create(file, secrets.newSecret());
                log.info(Messages.get("adminSecret.generated", file.toAbsolutePath().toString()));
            } catch (FileAlreadyExistsException e) {
                // Another process created it first: read theirs.
            }
        } else {
            log.info(Messages.get("adminSecret.loaded", file.toAbsolutePath().toString()));
        }
        String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (secret.isEmpty()) {
            throw new IOException("The admin secret file " + file.toAbsolutePath() + " is empty");
        }
        if (PlaceholderSecrets.isPlaceholder(secret)) {
            throw new IOException("The admin secret file " + file.toAbsolutePath() + " holds the documentation's "
                    + "placeholder, not a secret: delete the file to have a secret generated");
        }
        return new AdminSecret(Digests.sha256Hex(secret));
    }

    /**
     * @param presented the password of a Basic header
     * @return whether it is the admin secret (constant-time comparison of digests)
     */
    public boolean matches(String presented) {
        return Digests.equal(Digests.sha256Hex(presented), digest);
    }

    private static void create(Path file, String secret) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (posix) {
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            FileAttribute<Set<PosixFilePermission>> attribute = PosixFilePermissions.asFileAttribute(ownerOnly);
            Files.createFile(file, attribute);
        } else {
            Files.createFile(file);
            log.warn(Messages.get("adminSecret.permissions", file.toAbsolutePath().toString()));
        }
        Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
