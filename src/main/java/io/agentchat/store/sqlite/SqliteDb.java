package io.agentchat.store.sqlite;

import io.agentchat.common.PrivateFiles;
import io.agentchat.store.StoreConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SQLite file in WAL mode. All writes go through the {@link GroupCommitWriter} (one thread, batched transactions,
 * durable before acknowledged); reads run on a small pool of reader threads, each with its own connection. No JDBC call
 * ever runs on an event loop.
 */
final class SqliteDb {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteDb.class);

  private final Vertx vertx;
  private final String url;
  private final Connection writerConn;
  private final GroupCommitWriter writer;
  private final ExecutorService readers;
  private final ThreadLocal<Connection> readerConn = new ThreadLocal<>();
  private final ConcurrentLinkedQueue<Connection> readerConns = new ConcurrentLinkedQueue<>();

  private SqliteDb(Vertx vertx, String url, Connection writerConn, int batchMax, int readerThreads) {
    this.vertx = vertx;
    this.url = url;
    this.writerConn = writerConn;
    this.writer = new GroupCommitWriter(vertx, writerConn, batchMax);
    AtomicInteger n = new AtomicInteger();
    this.readers = Executors.newFixedThreadPool(readerThreads, r -> {
      Thread t = new Thread(r, "store-reader-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Opens (creating and migrating when needed) the database. Blocking: call it on a worker thread. */
  static SqliteDb open(Vertx vertx, StoreConfig config) throws Exception {
    Path dir = PrivateFiles.directory(config.dataDir());
    // created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database file's permissions
    Path file = PrivateFiles.file(dir.resolve(config.sqliteFile()));
    PrivateFiles.restrictIfPresent(dir.resolve(config.sqliteFile() + "-wal"));
    PrivateFiles.restrictIfPresent(dir.resolve(config.sqliteFile() + "-shm"));
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    // the driver would otherwise run SELECT last_insert_rowid() after every INSERT; no caller reads generated keys
    Properties props = new Properties();
    props.setProperty("jdbc.get_generated_keys", "false");
    Connection c = DriverManager.getConnection(url, props);
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA synchronous=FULL");
      st.execute("PRAGMA busy_timeout=10000");
      st.execute("PRAGMA foreign_keys=ON");
    }
    c.setAutoCommit(false);
    Schema.migrate(c);
    LOG.info("store opened: {}", file.toAbsolutePath());
    return new SqliteDb(vertx, url, c, config.batchMax(), config.readers());
  }

  /** Runs on the writer thread, in a transaction shared with other writes; completes once committed. */
  <T> Future<T> write(SqlWork<T> work) {
    return writer.submit(work);
  }

  /** Runs on a reader thread; the future completes on the caller's context. */
  <T> Future<T> read(SqlWork<T> work) {
    Context ctx = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    readers.execute(() -> {
      try {
        T result = work.run(readerConnection());
        ctx.runOnContext(v -> promise.complete(result));
      } catch (Throwable t) {
        ctx.runOnContext(v -> promise.fail(t));
      }
    });
    return promise.future();
  }

  private Connection readerConnection() throws SQLException {
    Connection c = readerConn.get();
    if (c == null) {
      c = DriverManager.getConnection(url);
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA busy_timeout=10000");
        st.execute("PRAGMA query_only=ON");
      }
      readerConn.set(c);
      readerConns.add(c);
    }
    return c;
  }

  long commits() {
    return writer.commits();
  }

  long writes() {
    return writer.writes();
  }

  /** Runs the queued writes, then closes every connection (on a thread of its own: it waits for the writer). */
  Future<Void> close() {
    Promise<Void> done = Promise.promise();
    Context ctx = vertx.getOrCreateContext();
    Thread t = new Thread(() -> {
      try {
        writer.close();
        readers.shutdown();
        readers.awaitTermination(10, TimeUnit.SECONDS);
        for (Connection c : readerConns) {
          Sql.close(c);
        }
        Sql.close(writerConn);
        LOG.info("store closed");
        ctx.runOnContext(v -> done.complete());
      } catch (Exception e) {
        ctx.runOnContext(v -> done.fail(e));
      }
    }, "store-close");
    t.start();
    return done.future();
  }
}
