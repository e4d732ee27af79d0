package io.zantara.ops.embedded;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.jboss.logging.Logger;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (zonky's 17.x binaries) run from a temporary directory, for the dev and
 * test profiles only.
 *
 * <p>Why not {@code io.zonky.test.db.postgres.embedded.EmbeddedPostgres} itself: PostgreSQL refuses
 * to run as root, and this project's CI and dev machines run as root. Zonky gives no way to run the
 * server as another user, so this class takes zonky's binaries and drives {@code initdb} and
 * {@code pg_ctl} itself, through {@code setpriv} as {@code nobody} when the JVM runs as root.
 */
final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgres.class);
    private static final String NOBODY = "nobody";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    private final Path root;
    private final Path dataDir;
    private final int port;
    private final boolean dropPrivileges;

    private EmbeddedPostgres(Path root, int port, boolean dropPrivileges) {
        this.root = root;
        this.dataDir = root.resolve("data");
        this.port = port;
        this.dropPrivileges = dropPrivileges;
    }

    static EmbeddedPostgres start(int port) throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("zantara-embedded-pg-");
        EmbeddedPostgres pg = new EmbeddedPostgres(dir, port, root);
        try {
            pg.extractBinaries();
            pg.initdb();
            pg.pgCtl("start", "-w", "-t", "60", "-l", dir.resolve("postgres.log").toString(), "-o",
                    "-p " + port + " -h 127.0.0.1 -k ''"
                            + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                            + " -c shared_preload_libraries=pg_stat_statements");
            LOG.infof("Embedded PostgreSQL listening on 127.0.0.1:%d (data in %s)", port, dir);
            return pg;
        } catch (IOException | RuntimeException e) {
            pg.deleteTree();
            throw e;
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            pgCtl("stop", "-m", "fast", "-w", "-t", "30");
        } catch (IOException | RuntimeException e) {
            LOG.warnf(e, "Embedded PostgreSQL on port %d did not stop cleanly", port);
        } finally {
            deleteTree();
        }
    }

    private void extractBinaries() throws IOException {
        String arch = ArchUtils.normalize(System.getProperty("os.arch"));
        try (InputStream txz = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", arch);
             TarArchiveInputStream tar = new TarArchiveInputStream(
                     new XZCompressorInputStream(new BufferedInputStream(txz)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("archive entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.copy(root.resolve(entry.getLinkName()), target, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    boolean executable = (entry.getMode() & 0100) != 0;
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        // createTempDirectory makes the folder owner-only; nobody must reach the binaries.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void initdb() throws IOException {
        Files.createDirectories(dataDir);
        if (dropPrivileges) {
            UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dataDir, users.lookupPrincipalByName(NOBODY));
            Files.setOwner(root, users.lookupPrincipalByName(NOBODY));
        }
        Files.setPosixFilePermissions(dataDir, Set.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        run(List.of(bin("initdb"), "-A", "trust", "-U", "postgres", "-D", dataDir.toString(), "-E", "UTF-8",
                "--locale=C"));
    }

    private void pgCtl(String action, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(bin("pg_ctl"), "-D", dataDir.toString()));
        command.addAll(List.of(options));
        command.add(action);
        run(command);
    }

    private String bin(String name) {
        return root.resolve("bin").resolve(name).toString();
    }

    private void run(List<String> command) throws IOException {
        List<String> full = new ArrayList<>();
        if (dropPrivileges) {
            // 65534 is nobody (and its group) on Debian, Ubuntu and Fedora alike.
            full.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
        }
        full.addAll(command);
        Path log = root.resolve("command.log");
        Process process = new ProcessBuilder(full)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", full));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", full), e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("failed (exit " + process.exitValue() + "): " + String.join(" ", full)
                    + System.lineSeparator() + Files.readString(log));
        }
    }

    private void deleteTree() {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debugf(e, "could not delete %s", root);
        }
    }
}
