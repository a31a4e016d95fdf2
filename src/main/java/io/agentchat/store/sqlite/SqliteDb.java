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
import java.util.concurrent.ScheduledExecutorService;
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
  /** Copies committed pages from the log into the database file beside the writer, so that its commits do not. */
  private final ScheduledExecutorService checkpointer;
  private Connection checkpointConn;

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
    this.checkpointer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "store-checkpoint");
      t.setDaemon(true);
      return t;
    });
    checkpointer.scheduleWithFixedDelay(this::checkpoint, CHECKPOINT_MS, CHECKPOINT_MS, TimeUnit.MILLISECONDS);
  }

  /** How often the log is copied into the database file. */
  private static final long CHECKPOINT_MS = 200;
  /**
   * The writer copies the log itself only when it has grown to this many pages (64 MiB of 4 KiB pages), which happens only
   * when the checkpoint thread cannot keep up; SQLite's default would have the writer copy every 1,000 pages inside a commit.
   */
  private static final int WRITER_CHECKPOINT_PAGES = 16_384;

  /** On the checkpoint thread: copies what readers no longer need (never blocking the writer or a reader). */
  private void checkpoint() {
    try {
      if (checkpointConn == null) {
        checkpointConn = DriverManager.getConnection(url);
        try (Statement st = checkpointConn.createStatement()) {
          st.execute("PRAGMA busy_timeout=10000");
        }
      }
      try (Statement st = checkpointConn.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(PASSIVE)");
      }
    } catch (SQLException e) {
      LOG.warn("store checkpoint failed (the writer checkpoints when the log grows): {}", e.toString());
    }
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
      st.execute("PRAGMA wal_autocheckpoint=" + WRITER_CHECKPOINT_PAGES);
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
        checkpointer.shutdown();
        checkpointer.awaitTermination(10, TimeUnit.SECONDS);
        if (checkpointConn != null) {
          checkpointConn.close();
        }
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
