package dev.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL of the bench's own (initdb into a temp dir, its own port), so a fault run can stop,
 * kill and restart it without touching the machine's shared server. As root, every command runs as
 * the {@code postgres} user ({@code runuser}), since PostgreSQL refuses to run as root.
 */
final class OwnPostgres implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;
    private final String database;

    private OwnPostgres(Path bin, Path dir, int port, String database) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.database = database;
    }

    /** Creates a cluster in a new temp dir, starts it on a free port and creates {@code database}. */
    static OwnPostgres start(Path bin, String database) throws Exception {
        if (!Files.isExecutable(bin.resolve("initdb"))) {
            throw new IllegalArgumentException("no initdb in " + bin + " (--pg-bin)");
        }
        Path dir = Files.createTempDirectory("herald-chaos-pg");
        if (isRoot()) {
            run(List.of("chown", "postgres:postgres", dir.toString()), 30);
        }
        OwnPostgres pg = new OwnPostgres(bin, dir, ServerUnderTest.freePort(), database);
        pg.asOwner(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--no-sync"), 120);
        pg.startServer();
        pg.psql("postgres", "CREATE DATABASE " + database);
        return pg;
    }

    int port() {
        return port;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Starts the server (fsync and synchronous commit on: a run checks durability) and waits for it. */
    void startServer() throws Exception {
        asOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=200", "start"), 90);
    }

    /** {@code pg_ctl stop -m fast|immediate} (immediate = as after a crash: no checkpoint, recovery on start). */
    void stopServer(String mode) throws Exception {
        asOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                "-m", mode, "stop"), 90);
    }

    /** Runs one SQL statement in the run's database; the rows, tab-free lines of fields split on '|'. */
    List<String[]> query(String sql) throws Exception {
        List<String[]> rows = new ArrayList<>();
        for (String line : psql(database, sql).split("\n")) {
            if (!line.isEmpty()) {
                rows.add(line.split("\\|", -1));
            }
        }
        return rows;
    }

    /** One number from a query such as {@code SELECT count(*) …}. */
    long queryLong(String sql) throws Exception {
        List<String[]> rows = query(sql);
        return rows.isEmpty() || rows.get(0)[0].isEmpty() ? 0 : Long.parseLong(rows.get(0)[0].trim());
    }

    private String psql(String db, String sql) throws Exception {
        return run(List.of("psql", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres", "-d", db,
                "-v", "ON_ERROR_STOP=1", "-At", "-F", "|", "-c", sql), 300);
    }

    private String asOwner(List<String> cmd, long timeoutS) throws Exception {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(cmd);
        return run(full, timeoutS);
    }

    private static String run(List<String> cmd, long timeoutS) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", cmd));
        }
        String text = new String(out);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + text);
        }
        return text;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Stops the server at once and removes its directory. */
    @Override
    public void close() {
        try {
            stopServer("immediate");
        } catch (Exception ignored) {
            // already stopped
        }
        try {
            run(List.of("rm", "-rf", dir.toString()), 60);
        } catch (Exception ignored) {
            // a temp dir left behind
        }
    }

    /** For failures: the server log's tail. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("server.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
