package io.agentchat.store.sqlite;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of the database: one thread that drains queued writes and runs up to {@code batchMax} of them in one
 * transaction (each inside its own savepoint, so one failing write does not undo the others), then commits once. A
 * write's future completes only after its commit is durable. Writes run strictly one after another, which is what makes
 * check-then-increment operations exact under any concurrency.
 */
final class GroupCommitWriter {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

  private record Pending<T>(SqlWork<T> work, Promise<T> promise, Context context) {
  }

  private final Vertx vertx;
  private final Connection conn;
  private final int batchMax;
  private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final ExecutorService thread;
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile boolean closed;
  private volatile long commits;
  private volatile long writes;
  /** Used on the writer thread only. */
  private PreparedStatement savepoint;
  private PreparedStatement release;
  private PreparedStatement rollbackTo;

  GroupCommitWriter(Vertx vertx, Connection conn, int batchMax) {
    this.vertx = vertx;
    this.conn = conn;
    this.batchMax = batchMax;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "store-writer");
      t.setDaemon(true);
      return t;
    });
  }

  <T> Future<T> submit(SqlWork<T> work) {
    Context ctx = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    if (closed) {
      return Future.failedFuture(new IllegalStateException("store is closed"));
    }
    queue.add(new Pending<>(work, promise, ctx));
    if (draining.compareAndSet(false, true)) {
      thread.execute(this::drain);
    }
    return promise.future();
  }

  private void drain() {
    try {
      List<Pending<?>> batch = new ArrayList<>();
      while (true) {
        batch.clear();
        queue.drainTo(batch, batchMax);
        if (batch.isEmpty()) {
          draining.set(false);
          // a write queued between drainTo and the flag reset must not be stranded
          if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
            return;
          }
          continue;
        }
        runBatch(batch);
      }
    } catch (Throwable t) {
      LOG.error("store writer stopped unexpectedly", t);
      draining.set(false);
    }
  }

  private void runBatch(List<Pending<?>> batch) {
    Object[] results = new Object[batch.size()];
    Throwable[] failures = new Throwable[batch.size()];
    try {
      if (savepoint == null) {
        // prepared once: two statements around every write would otherwise be parsed again each time
        savepoint = conn.prepareStatement("SAVEPOINT w");
        release = conn.prepareStatement("RELEASE w");
        rollbackTo = conn.prepareStatement("ROLLBACK TO w");
      }
      for (int i = 0; i < batch.size(); i++) {
        savepoint.execute();
        try {
          results[i] = batch.get(i).work().run(conn);
          release.execute();
        } catch (Throwable t) {
          failures[i] = t;
          rollbackTo.execute();
          release.execute();
        }
      }
      conn.commit();
      commits++;
      writes += batch.size();
    } catch (SQLException e) {
      LOG.error("store commit failed for a batch of {} writes", batch.size(), e);
      try {
        conn.rollback();
      } catch (SQLException ignored) {
        // the connection reports its own state on the next batch
      }
      for (int i = 0; i < batch.size(); i++) {
        failures[i] = e;
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      complete(batch.get(i), results[i], failures[i]);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void complete(Pending<T> p, Object result, Throwable failure) {
    p.context().runOnContext(v -> {
      if (failure != null) {
        p.promise().fail(failure);
      } else {
        p.promise().complete((T) result);
      }
    });
  }

  long commits() {
    return commits;
  }

  long writes() {
    return writes;
  }

  /** Runs what is queued, then stops the thread. */
  void close() throws InterruptedException {
    closed = true;
    thread.execute(() -> {
      List<Pending<?>> rest = new ArrayList<>();
      queue.drainTo(rest);
      if (!rest.isEmpty()) {
        runBatch(rest);
      }
    });
    thread.shutdown();
    thread.awaitTermination(30, TimeUnit.SECONDS);
  }
}
