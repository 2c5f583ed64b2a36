package io.hotelcrm.system.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the fault suite's own (initdb under {@code target/}, its own port), so the suite can
 * crash and restart it: the machine's PostgreSQL on 5432 serves other engineers' tests and must never be
 * touched. Run as the {@code postgres} user when the build runs as root, because initdb refuses root.
 */
final class LocalPostgres {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    final int port;
    private final Path dir;
    private final Path data;
    private final Path log;

    private LocalPostgres(Path dir, int port) {
        this.dir = dir.toAbsolutePath();
        this.data = this.dir.resolve("data");
        this.log = this.dir.resolve("postgres.log");
        this.port = port;
    }

    /** A fresh cluster (the old one of a previous run is removed) with one role and database per service. */
    static LocalPostgres create(Path dir, int port, List<String> databases) throws Exception {
        LocalPostgres pg = new LocalPostgres(dir, port);
        pg.stopQuietly();
        if (Files.exists(pg.dir)) {
            try (Stream<Path> files = Files.walk(pg.dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(pg.dir);
        pg.own(pg.dir);
        pg.run(120, BIN.resolve("initdb").toString(), "-D", pg.data.toString(), "-U", "postgres", "--auth=trust",
                "--encoding=UTF8", "--no-locale");
        pg.start();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            for (String db : databases) {
                s.execute("create role " + db + " login password '" + db + "'");
                s.execute("create database " + db + " owner " + db);
            }
        }
        return pg;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?connectTimeout=3&socketTimeout=20";
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), database, database);
    }

    void start() throws Exception {
        // fsync off: the suite crashes the server, not the machine, so the page cache survives every fault and
        // the shared disk is spared. max_connections for four services' pools plus the checks.
        run(120, BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
                        + " -c max_connections=200 -c fsync=off -c full_page_writes=off",
                "start");
    }

    /**
     * Stops the server: {@code immediate} is a crash (no checkpoint, recovery on the next start, every
     * connection cut), {@code fast} a clean shutdown that still aborts open transactions.
     */
    void stop(String mode) throws Exception {
        run(120, BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60", "-m", mode, "stop");
    }

    void stopQuietly() {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                stop("immediate");
            } catch (Exception ignored) {
                // nothing was running
            }
        }
    }

    private void own(Path path) throws Exception {
        if (isRoot()) {
            new ProcessBuilder("chown", "-R", "postgres:postgres", path.toString()).inheritIO().start().waitFor();
        }
    }

    private void run(int seconds, String... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (isRoot()) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(command));
        Path out = Files.createTempFile("pgctl", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + Files.readString(out));
        }
        Files.deleteIfExists(out);
    }

    private static boolean isRoot() throws IOException {
        return "root".equals(System.getProperty("user.name"));
    }
}
