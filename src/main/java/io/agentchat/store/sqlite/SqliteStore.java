package io.agentchat.store.sqlite;

import io.agentchat.config.AppConfig.StoreConfig;
import io.agentchat.store.Budget;
import io.agentchat.store.BudgetAlert;
import io.agentchat.store.MessageRecord;
import io.agentchat.store.QuotaUsage;
import io.agentchat.store.RefreshRecord;
import io.agentchat.store.ReserveOutcome;
import io.agentchat.store.RollupRow;
import io.agentchat.store.TurnCost;
import io.agentchat.store.ReserveRequest;
import io.agentchat.store.SessionRecord;
import io.agentchat.store.SettleOutcome;
import io.agentchat.store.SettleRequest;
import io.agentchat.store.Store;
import io.agentchat.store.StoreErrors;
import io.agentchat.store.TenantRecord;
import io.agentchat.store.TurnRecord;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageTotals;
import io.agentchat.store.UserRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store: one SQLite file in WAL mode. All writes go through the {@link GroupCommitWriter} (one thread, batched
 * transactions, durable before acknowledged); reads run on a small pool of reader threads, each with its own connection.
 * No JDBC call ever runs on an event loop.
 */
public final class SqliteStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);
  private static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);

  private final Vertx vertx;
  private final String url;
  private final Connection writerConn;
  private final GroupCommitWriter writer;
  private final ExecutorService readers;
  private final ThreadLocal<Connection> readerConn = new ThreadLocal<>();
  private final ConcurrentLinkedQueue<Connection> readerConns = new ConcurrentLinkedQueue<>();

  private SqliteStore(Vertx vertx, String url, Connection writerConn, int batchMax, int readerThreads) {
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

  /** Opens (creating and migrating when needed) the database; blocking, so it runs on a worker thread. */
  public static Future<Store> open(Vertx vertx, StoreConfig config) {
    return vertx.executeBlocking(() -> {
      Path dir = config.dataDir();
      Files.createDirectories(dir);
      Path file = dir.resolve(config.sqliteFile());
      String url = "jdbc:sqlite:" + file.toAbsolutePath();
      // the driver would otherwise run SELECT last_insert_rowid() after every INSERT; no caller reads generated keys
      java.util.Properties props = new java.util.Properties();
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
      return new SqliteStore(vertx, url, c, config.batchMax(), config.readers());
    });
  }

  // ---------------------------------------------------------------- plumbing

  private <T> Future<T> write(SqlWork<T> work) {
    return writer.submit(work);
  }

  private <T> Future<T> read(SqlWork<T> work) {
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

  /**
   * Prepared statements kept per connection and SQL text: preparing was most of the writer's time (a settlement runs about
   * fifteen statements). Each connection is used by one thread only (the writer, or its reader thread), so its own map needs
   * no lock; a statement is reused once its result set is closed.
   */
  private static final Map<Connection, Map<String, PreparedStatement>> STATEMENTS = new ConcurrentHashMap<>();

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    Map<String, PreparedStatement> cached = STATEMENTS.computeIfAbsent(c, k -> new HashMap<>());
    PreparedStatement ps = cached.get(sql);
    if (ps == null) {
      ps = c.prepareStatement(sql);
      cached.put(sql, ps);
    }
    ps.clearParameters();
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  private static void closeConnection(Connection c) throws SQLException {
    Map<String, PreparedStatement> cached = STATEMENTS.remove(c);
    if (cached != null) {
      for (PreparedStatement ps : cached.values()) {
        ps.close();
      }
    }
    c.close();
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    return prepare(c, sql, args).executeUpdate();
  }

  private static long queryLong(Connection c, String sql, Object... args) throws SQLException {
    try (ResultSet rs = prepare(c, sql, args).executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @FunctionalInterface
  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private static <T> List<T> query(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
    try (ResultSet rs = prepare(c, sql, args).executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(row.map(rs));
      }
      return out;
    }
  }

  private static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
    List<T> l = query(c, sql, row, args);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  private static Instant instant(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static final String USER_COLS = "tenant_id, user_id, email, password_hash, role, confirmed, confirm_code, created_at";

  private static UserRecord userRow(ResultSet rs) throws SQLException {
    return new UserRecord(rs.getString("tenant_id"), rs.getString("user_id"), rs.getString("email"), rs.getString("password_hash"),
        rs.getString("role"), rs.getInt("confirmed") == 1, rs.getString("confirm_code"), instant(rs, "created_at"));
  }

  private static SessionRecord sessionRow(ResultSet rs) throws SQLException {
    return new SessionRecord(rs.getString("tenant_id"), rs.getString("session_id"), rs.getString("user_id"), rs.getString("tier"),
        instant(rs, "created_at"), instant(rs, "expires_at"), rs.getString("title"), rs.getInt("message_count"));
  }

  private static TurnRecord turnRow(ResultSet rs) throws SQLException {
    return new TurnRecord(rs.getString("tenant_id"), rs.getString("turn_id"), rs.getString("user_id"), rs.getString("session_id"),
        rs.getString("request_id"), rs.getString("status"), rs.getString("day_key"), rs.getString("month_key"),
        instant(rs, "created_at"), instant(rs, "finished_at"));
  }

  private static boolean emailTaken(Connection c, String email) throws SQLException {
    return queryLong(c, "SELECT COUNT(*) FROM users WHERE email = ?", email) > 0;
  }

  private static void insertUser(Connection c, UserRecord u) throws SQLException {
    update(c, "INSERT INTO users(" + USER_COLS + ") VALUES (?,?,?,?,?,?,?,?)", u.tenantId(), u.userId(), u.email(), u.passwordHash(),
        u.role(), u.confirmed() ? 1 : 0, u.confirmCode(), u.createdAt().toEpochMilli());
  }

  // ---------------------------------------------------------------- identity

  @Override
  public Future<UserRecord> createTenantWithAdmin(TenantRecord tenant, UserRecord admin) {
    return write(c -> {
      if (queryLong(c, "SELECT COUNT(*) FROM tenants WHERE tenant_id = ?", tenant.tenantId()) > 0) {
        throw StoreErrors.tenantExists(tenant.tenantId());
      }
      if (emailTaken(c, admin.email())) {
        throw StoreErrors.userExists();
      }
      update(c, "INSERT INTO tenants(tenant_id, tier, time_zone, created_at) VALUES (?,?,?,?)", tenant.tenantId(), tenant.tier(),
          tenant.timeZone(), tenant.createdAt().toEpochMilli());
      insertUser(c, admin);
      return admin;
    });
  }

  @Override
  public Future<UserRecord> joinTenant(String tenantId, String inviteCode, UserRecord user, Instant now) {
    return write(c -> {
      if (emailTaken(c, user.email())) {
        throw StoreErrors.userExists();
      }
      int used = update(c, "UPDATE invites SET used_by = ?, used_at = ? WHERE tenant_id = ? AND code = ? AND used_by IS NULL AND expires_at > ?",
          user.userId(), now.toEpochMilli(), tenantId, inviteCode, now.toEpochMilli());
      if (used != 1) {
        throw StoreErrors.invalidInvite(tenantId);
      }
      insertUser(c, user);
      return user;
    });
  }

  @Override
  public Future<Optional<TenantRecord>> tenant(String tenantId) {
    return read(c -> one(c, "SELECT tenant_id, tier, time_zone, created_at FROM tenants WHERE tenant_id = ?",
        rs -> new TenantRecord(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))), tenantId));
  }

  @Override
  public Future<Optional<UserRecord>> user(String tenantId, String userId) {
    return read(c -> one(c, "SELECT " + USER_COLS + " FROM users WHERE tenant_id = ? AND user_id = ?", SqliteStore::userRow, tenantId, userId));
  }

  @Override
  public Future<Optional<UserRecord>> userByEmail(String email) {
    return read(c -> one(c, "SELECT " + USER_COLS + " FROM users WHERE email = ?", SqliteStore::userRow, email));
  }

  @Override
  public Future<Boolean> confirmUser(String tenantId, String userId) {
    return write(c -> update(c, "UPDATE users SET confirmed = 1, confirm_code = NULL WHERE tenant_id = ? AND user_id = ?", tenantId, userId) == 1);
  }

  @Override
  public Future<Void> createInvite(String tenantId, String code, String createdBy, Instant expiresAt) {
    return write(c -> {
      update(c, "INSERT INTO invites(tenant_id, code, created_by, expires_at) VALUES (?,?,?,?)", tenantId, code, createdBy, expiresAt.toEpochMilli());
      return null;
    });
  }

  @Override
  public Future<Void> saveRefreshToken(RefreshRecord t) {
    return write(c -> {
      update(c, "INSERT INTO refresh_tokens(token_hash, tenant_id, user_id, expires_at) VALUES (?,?,?,?)", t.tokenHash(), t.tenantId(),
          t.userId(), t.expiresAt().toEpochMilli());
      return null;
    });
  }

  @Override
  public Future<Optional<RefreshRecord>> rotateRefreshToken(String oldHash, RefreshRecord replacement, Instant now) {
    return write(c -> {
      Optional<RefreshRecord> old = one(c, "SELECT token_hash, tenant_id, user_id, expires_at FROM refresh_tokens WHERE token_hash = ? AND revoked = 0 AND expires_at > ?",
          rs -> new RefreshRecord(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))), oldHash, now.toEpochMilli());
      if (old.isEmpty()) {
        return Optional.<RefreshRecord>empty();
      }
      update(c, "UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = ?", oldHash);
      RefreshRecord next = new RefreshRecord(replacement.tokenHash(), old.get().tenantId(), old.get().userId(), replacement.expiresAt());
      update(c, "INSERT INTO refresh_tokens(token_hash, tenant_id, user_id, expires_at) VALUES (?,?,?,?)", next.tokenHash(), next.tenantId(),
          next.userId(), next.expiresAt().toEpochMilli());
      return Optional.of(next);
    });
  }

  // ---------------------------------------------------------------- sessions

  private static final String SESSION_COLS = "tenant_id, session_id, user_id, tier, created_at, expires_at, title, message_count";

  private static long activeSessions(Connection c, String tenantId, String userId, Instant now) throws SQLException {
    return queryLong(c, "SELECT COUNT(*) FROM sessions WHERE tenant_id = ? AND user_id = ? AND expires_at > ?", tenantId, userId, now.toEpochMilli());
  }

  private static SessionRecord insertSession(Connection c, SessionRecord s, int limit) throws SQLException {
    long active = activeSessions(c, s.tenantId(), s.userId(), s.createdAt());
    if (active >= limit) {
      throw StoreErrors.sessionLimit(limit);
    }
    if (queryLong(c, "SELECT COUNT(*) FROM sessions WHERE tenant_id = ? AND session_id = ?", s.tenantId(), s.sessionId()) > 0) {
      throw StoreErrors.sessionIdTaken();
    }
    update(c, "INSERT INTO sessions(" + SESSION_COLS + ") VALUES (?,?,?,?,?,?,?,?)", s.tenantId(), s.sessionId(), s.userId(), s.tier(),
        s.createdAt().toEpochMilli(), s.expiresAt().toEpochMilli(), s.title(), s.messageCount());
    return s;
  }

  @Override
  public Future<SessionRecord> createSession(SessionRecord session, int limit) {
    return write(c -> insertSession(c, session, limit));
  }

  @Override
  public Future<SessionRecord> latestOrNewSession(SessionRecord candidate, int limit) {
    return write(c -> {
      Optional<SessionRecord> latest = one(c, "SELECT " + SESSION_COLS + " FROM sessions WHERE tenant_id = ? AND user_id = ? AND expires_at > ? "
          + "ORDER BY created_at DESC LIMIT 1", SqliteStore::sessionRow, candidate.tenantId(), candidate.userId(), candidate.createdAt().toEpochMilli());
      return latest.isPresent() ? latest.get() : insertSession(c, candidate, limit);
    });
  }

  @Override
  public Future<Optional<SessionRecord>> session(String tenantId, String sessionId) {
    return read(c -> one(c, "SELECT " + SESSION_COLS + " FROM sessions WHERE tenant_id = ? AND session_id = ?", SqliteStore::sessionRow, tenantId, sessionId));
  }

  @Override
  public Future<List<SessionRecord>> sessions(String tenantId, String userId, int max) {
    return read(c -> query(c, "SELECT " + SESSION_COLS + " FROM sessions WHERE tenant_id = ? AND user_id = ? ORDER BY created_at DESC LIMIT ?",
        SqliteStore::sessionRow, tenantId, userId, max));
  }

  @Override
  public Future<List<MessageRecord>> messages(String tenantId, String sessionId, int max) {
    return read(c -> {
      List<MessageRecord> newestFirst = query(c, "SELECT turn_id, role, text, status, created_at FROM messages WHERE tenant_id = ? AND session_id = ? "
          + "ORDER BY seq DESC, part DESC LIMIT ?", rs -> new MessageRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
          Instant.ofEpochMilli(rs.getLong(5))), tenantId, sessionId, max);
      List<MessageRecord> out = new ArrayList<>(newestFirst);
      java.util.Collections.reverse(out);
      return out;
    });
  }

  /**
   * Appends a line to a conversation. A turn's user message takes the next sequence number; its reply takes the same
   * number as the second part, so a conversation reads question, answer, question, answer even when questions were
   * queued while an earlier answer was still streaming.
   */
  private static void appendMessage(Connection c, String tenantId, String sessionId, String turnId, String role, String text, String status,
                                    Instant at) throws SQLException {
    long seq = "user".equals(role)
        ? queryLong(c, "SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE tenant_id = ? AND session_id = ?", tenantId, sessionId)
        : queryLong(c, "SELECT COALESCE(MAX(seq), (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE tenant_id = ? AND session_id = ?)) "
            + "FROM messages WHERE tenant_id = ? AND session_id = ? AND turn_id = ?", tenantId, sessionId, tenantId, sessionId, turnId);
    update(c, "INSERT INTO messages(tenant_id, session_id, seq, part, turn_id, role, text, status, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
        tenantId, sessionId, seq, "user".equals(role) ? 0 : 1, turnId, role, text, status, at.toEpochMilli());
    update(c, "UPDATE sessions SET message_count = message_count + 1, title = COALESCE(title, ?) WHERE tenant_id = ? AND session_id = ?",
        "user".equals(role) ? SessionRecord.titleOf(text) : null, tenantId, sessionId);
  }

  // ---------------------------------------------------------------- usage

  private static final String TURN_COLS = "tenant_id, turn_id, user_id, session_id, request_id, status, day_key, month_key, created_at, finished_at";

  private static long counter(Connection c, String tenantId, String userId, String period) throws SQLException {
    return queryLong(c, "SELECT used FROM counters WHERE tenant_id = ? AND user_id = ? AND period = ?", tenantId, userId, period);
  }

  private static void addCounter(Connection c, String tenantId, String userId, String period, int delta) throws SQLException {
    update(c, "INSERT INTO counters(tenant_id, user_id, period, used) VALUES (?,?,?,?) "
        + "ON CONFLICT(tenant_id, user_id, period) DO UPDATE SET used = MAX(0, used + excluded.used)", tenantId, userId, period, delta);
  }

  @Override
  public Future<ReserveOutcome> reserveTurn(ReserveRequest r) {
    return write(c -> {
      if (r.requestId() != null) {
        Optional<TurnRecord> earlier = one(c, "SELECT " + TURN_COLS + " FROM turns WHERE tenant_id = ? AND user_id = ? AND request_id = ?",
            SqliteStore::turnRow, r.tenantId(), r.userId(), r.requestId());
        if (earlier.isPresent()) {
          if (earlier.get().createdAt().isAfter(r.now().minus(IDEMPOTENCY_WINDOW))) {
            return new ReserveOutcome(ReserveOutcome.Status.DUPLICATE, earlier.get(), 0, 0);
          }
          // the key is older than the idempotency window: it may be used for a new turn
          update(c, "UPDATE turns SET request_id = NULL WHERE tenant_id = ? AND turn_id = ?", r.tenantId(), earlier.get().turnId());
        }
      }
      if (queryLong(c, "SELECT COUNT(*) FROM turns WHERE tenant_id = ? AND turn_id = ?", r.tenantId(), r.turnId()) > 0) {
        throw StoreErrors.turnIdTaken();
      }
      long daily = counter(c, r.tenantId(), r.userId(), r.dayKey());
      long monthly = counter(c, r.tenantId(), r.userId(), r.monthKey());
      if (daily >= r.dailyLimit()) {
        return new ReserveOutcome(ReserveOutcome.Status.DAILY_EXCEEDED, null, daily, monthly);
      }
      if (monthly >= r.monthlyLimit()) {
        return new ReserveOutcome(ReserveOutcome.Status.MONTHLY_EXCEEDED, null, daily, monthly);
      }
      if (r.budgetReserveNanos() > 0) {
        for (String scope : List.of(Budget.TENANT, r.userId())) {
          Optional<Budget> b = budget(c, r.tenantId(), scope, r.monthKey());
          if (b.isPresent() && b.get().spentNanos() + b.get().reservedNanos() + r.budgetReserveNanos() > b.get().limitNanos()) {
            return new ReserveOutcome(scope.equals(Budget.TENANT) ? ReserveOutcome.Status.TENANT_BUDGET_EXCEEDED
                : ReserveOutcome.Status.USER_BUDGET_EXCEEDED, null, daily, monthly);
          }
        }
        for (String scope : List.of(Budget.TENANT, r.userId())) {
          addBudgetUsage(c, r.tenantId(), scope, r.monthKey(), 0, r.budgetReserveNanos());
        }
      }
      addCounter(c, r.tenantId(), r.userId(), r.dayKey(), 1);
      addCounter(c, r.tenantId(), r.userId(), r.monthKey(), 1);
      TurnRecord turn = new TurnRecord(r.tenantId(), r.turnId(), r.userId(), r.sessionId(), r.requestId(), "running", r.dayKey(), r.monthKey(),
          r.now(), null);
      update(c, "INSERT INTO turns(" + TURN_COLS + ", budget_reserved_nanos) VALUES (?,?,?,?,?,?,?,?,?,NULL,?)", turn.tenantId(), turn.turnId(),
          turn.userId(), turn.sessionId(), turn.requestId(), turn.status(), turn.dayKey(), turn.monthKey(), turn.createdAt().toEpochMilli(),
          r.budgetReserveNanos());
      appendMessage(c, r.tenantId(), r.sessionId(), r.turnId(), "user", r.message(), "completed", r.now());
      return new ReserveOutcome(ReserveOutcome.Status.RESERVED, turn, daily + 1, monthly + 1);
    });
  }

  @Override
  public Future<SettleOutcome> settleTurn(SettleRequest r) {
    return write(c -> {
      Optional<TurnRecord> turn = one(c, "SELECT " + TURN_COLS + " FROM turns WHERE tenant_id = ? AND turn_id = ?", SqliteStore::turnRow,
          r.tenantId(), r.turnId());
      if (turn.isEmpty()) {
        throw StoreErrors.unknownTurn();
      }
      if (!turn.get().running()) {
        long cost = queryLong(c, "SELECT COALESCE(SUM(cost_nanos), 0) FROM usage_events WHERE tenant_id = ? AND turn_id = ?", r.tenantId(), r.turnId());
        return new SettleOutcome(false, 0, cost);
      }
      update(c, "UPDATE turns SET status = ?, finished_at = ? WHERE tenant_id = ? AND turn_id = ?", r.status(), r.now().toEpochMilli(),
          r.tenantId(), r.turnId());
      int recorded = 0;
      for (UsageEvent e : r.events()) {
        if (!e.tenantId().equals(r.tenantId())) {
          throw new SQLException("usage event of another tenant in a settlement");
        }
        String day = e.at().toString().substring(0, 10);
        int inserted = update(c, "INSERT INTO usage_events(tenant_id, event_id, user_id, session_id, turn_id, kind, service, model, quantity, "
                + "cost_nanos, estimated, day, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
            e.tenantId(), e.eventId(), e.userId(), e.sessionId(), e.turnId(), e.kind(), e.service(), e.model(), e.quantity(), e.costNanos(),
            e.estimated() ? 1 : 0, day, e.at().toEpochMilli());
        if (inserted == 1) {
          recorded++;
          addRollup(c, e, day);
        }
      }
      if (r.refund()) {
        addCounter(c, r.tenantId(), r.userId(), turn.get().dayKey(), -1);
        addCounter(c, r.tenantId(), r.userId(), turn.get().monthKey(), -1);
      }
      for (int i = 0; i < r.traces().size(); i++) {
        io.vertx.core.json.JsonObject step = r.traces().get(i);
        update(c, "INSERT INTO traces(tenant_id, turn_id, seq, step, detail) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING", r.tenantId(), r.turnId(), i,
            step.getString("step", ""), step.encode());
      }
      if (r.reply() != null) {
        appendMessage(c, r.tenantId(), r.sessionId(), r.turnId(), "assistant", r.reply(), r.status(), r.now());
      }
      long cost = queryLong(c, "SELECT COALESCE(SUM(cost_nanos), 0) FROM usage_events WHERE tenant_id = ? AND turn_id = ?", r.tenantId(), r.turnId());
      long in = 0;
      long out = 0;
      for (UsageEvent e : r.events()) {
        in += e.kind().equals("input_tokens") ? e.quantity() : 0;
        out += e.kind().equals("output_tokens") ? e.quantity() : 0;
      }
      update(c, "UPDATE turns SET cost_nanos = ?, input_tokens = ?, output_tokens = ? WHERE tenant_id = ? AND turn_id = ?", cost, in, out,
          r.tenantId(), r.turnId());
      String month = turn.get().monthKey();
      long held = queryLong(c, "SELECT budget_reserved_nanos FROM turns WHERE tenant_id = ? AND turn_id = ?", r.tenantId(), r.turnId());
      List<BudgetAlert> alerts = new ArrayList<>();
      for (String scope : List.of(Budget.TENANT, r.userId())) {
        addBudgetUsage(c, r.tenantId(), scope, month, cost, -held);
        Optional<Budget> b = budget(c, r.tenantId(), scope, month);
        if (b.isPresent() && b.get().limitNanos() > 0) {
          for (int threshold : BUDGET_THRESHOLDS) {
            if (b.get().spentNanos() * 100 >= (long) threshold * b.get().limitNanos()
                && update(c, "INSERT INTO budget_alerts(tenant_id, scope, month, threshold) VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                r.tenantId(), scope, month, threshold) == 1) {
              alerts.add(new BudgetAlert(r.tenantId(), scope, month, threshold, b.get().spentNanos(), b.get().limitNanos()));
            }
          }
        }
      }
      return new SettleOutcome(true, recorded, cost, alerts);
    });
  }

  static void addRollup(Connection c, UsageEvent e, String day) throws SQLException {
    UsageTotals u = UsageTotals.of(e);
    update(c, "INSERT INTO rollups(tenant_id, day, user_id, service, model, input_tokens, output_tokens, invocations, tool_actions, cost_nanos, events) "
            + "VALUES (?,?,?,?,?,?,?,?,?,?,1) ON CONFLICT(tenant_id, day, user_id, service, model) DO UPDATE SET "
            + "input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens, "
            + "invocations = invocations + excluded.invocations, tool_actions = tool_actions + excluded.tool_actions, "
            + "cost_nanos = cost_nanos + excluded.cost_nanos, events = events + 1",
        e.tenantId(), day, e.userId(), e.service(), e.model(), u.inputTokens(), u.outputTokens(), u.invocations(), u.toolActions(),
        u.costNanos());
  }

  @Override
  public Future<Optional<TurnRecord>> turn(String tenantId, String turnId) {
    return read(c -> one(c, "SELECT " + TURN_COLS + " FROM turns WHERE tenant_id = ? AND turn_id = ?", SqliteStore::turnRow, tenantId, turnId));
  }

  @Override
  public Future<QuotaUsage> quotaUsage(String tenantId, String userId, String dayKey, String monthKey, Instant now) {
    return read(c -> new QuotaUsage(counter(c, tenantId, userId, dayKey), counter(c, tenantId, userId, monthKey),
        (int) activeSessions(c, tenantId, userId, now)));
  }

  @Override
  public Future<UsageTotals> userTotals(String tenantId, String userId, String fromDay, String toDay) {
    return read(c -> one(c, "SELECT COALESCE(SUM(input_tokens),0), COALESCE(SUM(output_tokens),0), COALESCE(SUM(invocations),0), "
            + "COALESCE(SUM(tool_actions),0), COALESCE(SUM(cost_nanos),0) FROM rollups WHERE tenant_id = ? AND user_id = ? AND day >= ? AND day <= ?",
        rs -> new UsageTotals(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)), tenantId, userId, fromDay, toDay)
        .orElse(new UsageTotals(0, 0, 0, 0, 0)));
  }

  @Override
  public Future<List<UsageEvent>> turnEvents(String tenantId, String turnId) {
    return read(c -> query(c, "SELECT tenant_id, event_id, user_id, session_id, turn_id, kind, service, model, quantity, cost_nanos, estimated, created_at "
        + "FROM usage_events WHERE tenant_id = ? AND turn_id = ? ORDER BY event_id", rs -> new UsageEvent(rs.getString("event_id"),
        rs.getString("tenant_id"), rs.getString("user_id"), rs.getString("session_id"), rs.getString("turn_id"), rs.getString("kind"),
        rs.getString("service"), rs.getString("model"), rs.getLong("quantity"), rs.getLong("cost_nanos"), rs.getInt("estimated") == 1,
        instant(rs, "created_at")), tenantId, turnId));
  }

  @Override
  public Future<List<io.vertx.core.json.JsonObject>> traces(String tenantId, String turnId) {
    return read(c -> query(c, "SELECT detail FROM traces WHERE tenant_id = ? AND turn_id = ? ORDER BY seq",
        rs -> new io.vertx.core.json.JsonObject(rs.getString(1)), tenantId, turnId));
  }

  @Override
  public Future<List<TurnRecord>> runningTurns() {
    return read(c -> query(c, "SELECT " + TURN_COLS + " FROM turns WHERE status = 'running'", SqliteStore::turnRow));
  }

  // ---------------------------------------------------------------- budgets and reports

  /** Alert thresholds in percent of a budget. */
  static final int[] BUDGET_THRESHOLDS = {50, 80, 100};

  private static Optional<Budget> budget(Connection c, String tenantId, String scope, String month) throws SQLException {
    return one(c, "SELECT b.limit_nanos, COALESCE(u.spent_nanos, 0), COALESCE(u.reserved_nanos, 0) FROM budgets b "
            + "LEFT JOIN budget_usage u ON u.tenant_id = b.tenant_id AND u.scope = b.scope AND u.month = ? WHERE b.tenant_id = ? AND b.scope = ?",
        rs -> new Budget(tenantId, scope, rs.getLong(1), rs.getLong(2), rs.getLong(3)), month, tenantId, scope);
  }

  private static void addBudgetUsage(Connection c, String tenantId, String scope, String month, long spent, long reserved) throws SQLException {
    update(c, "INSERT INTO budget_usage(tenant_id, scope, month, spent_nanos, reserved_nanos) VALUES (?,?,?,?,MAX(0, ?)) "
            + "ON CONFLICT(tenant_id, scope, month) DO UPDATE SET spent_nanos = spent_nanos + excluded.spent_nanos, "
            + "reserved_nanos = MAX(0, reserved_nanos + ?)", tenantId, scope, month, spent, reserved, reserved);
  }

  @Override
  public Future<List<RollupRow>> rollups(String tenantId, String fromDay, String toDay) {
    return read(c -> query(c, "SELECT day, user_id, service, model, input_tokens, output_tokens, invocations, tool_actions, cost_nanos, events "
            + "FROM rollups WHERE tenant_id = ? AND day >= ? AND day <= ? ORDER BY day",
        rs -> new RollupRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getLong(7),
            rs.getLong(8), rs.getLong(9), rs.getLong(10)), tenantId, fromDay, toDay));
  }

  @Override
  public Future<List<TurnCost>> topTurns(String tenantId, String userId, Instant from, Instant to, int limit) {
    String sql = "SELECT turn_id, user_id, session_id, status, created_at, input_tokens, output_tokens, cost_nanos FROM turns "
        + "WHERE tenant_id = ? AND created_at >= ? AND created_at < ? AND status <> 'running'" + (userId == null ? "" : " AND user_id = ?")
        + " ORDER BY cost_nanos DESC, created_at DESC LIMIT ?";
    Object[] args = userId == null ? new Object[] {tenantId, from.toEpochMilli(), to.toEpochMilli(), limit}
        : new Object[] {tenantId, from.toEpochMilli(), to.toEpochMilli(), userId, limit};
    return read(c -> query(c, sql, rs -> new TurnCost(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        Instant.ofEpochMilli(rs.getLong(5)), rs.getLong(6), rs.getLong(7), rs.getLong(8)), args));
  }

  @Override
  public Future<Long> rebuildRollups(String tenantId, String fromDay, String toDay) {
    return write(c -> {
      update(c, "DELETE FROM rollups WHERE tenant_id = ? AND day >= ? AND day <= ?", tenantId, fromDay, toDay);
      return (long) update(c, "INSERT INTO rollups(tenant_id, day, user_id, service, model, input_tokens, output_tokens, invocations, tool_actions, "
              + "cost_nanos, events) SELECT tenant_id, day, user_id, service, model, "
              + "SUM(CASE WHEN kind = 'input_tokens' THEN quantity ELSE 0 END), SUM(CASE WHEN kind = 'output_tokens' THEN quantity ELSE 0 END), "
              + "SUM(CASE WHEN kind = 'invocation' THEN quantity ELSE 0 END), SUM(CASE WHEN kind = 'tool_action' THEN quantity ELSE 0 END), "
              + "SUM(cost_nanos), COUNT(*) FROM usage_events WHERE tenant_id = ? AND day >= ? AND day <= ? "
              + "GROUP BY tenant_id, day, user_id, service, model", tenantId, fromDay, toDay);
    });
  }

  @Override
  public Future<List<UserRecord>> users(String tenantId) {
    return read(c -> query(c, "SELECT " + USER_COLS + " FROM users WHERE tenant_id = ? ORDER BY created_at", SqliteStore::userRow, tenantId));
  }

  @Override
  public Future<Boolean> setRole(String tenantId, String userId, String role) {
    return write(c -> update(c, "UPDATE users SET role = ? WHERE tenant_id = ? AND user_id = ?", role, tenantId, userId) == 1);
  }

  @Override
  public Future<Void> setBudget(String tenantId, String scope, long limitNanos) {
    return write(c -> {
      if (limitNanos < 0) {
        update(c, "DELETE FROM budgets WHERE tenant_id = ? AND scope = ?", tenantId, scope);
      } else {
        update(c, "INSERT INTO budgets(tenant_id, scope, limit_nanos) VALUES (?,?,?) ON CONFLICT(tenant_id, scope) DO UPDATE SET "
            + "limit_nanos = excluded.limit_nanos", tenantId, scope, limitNanos);
      }
      return null;
    });
  }

  @Override
  public Future<List<Budget>> budgets(String tenantId, String monthKey) {
    return read(c -> query(c, "SELECT b.scope, b.limit_nanos, COALESCE(u.spent_nanos, 0), COALESCE(u.reserved_nanos, 0) FROM budgets b "
            + "LEFT JOIN budget_usage u ON u.tenant_id = b.tenant_id AND u.scope = b.scope AND u.month = ? WHERE b.tenant_id = ? ORDER BY b.scope",
        rs -> new Budget(tenantId, rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)), monthKey, tenantId));
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public Future<Void> ping() {
    return read(c -> {
      queryLong(c, "SELECT 1");
      return null;
    });
  }

  /** Commits and writes counted since start (for metrics and benchmarks). */
  public long commits() {
    return writer.commits();
  }

  public long writes() {
    return writer.writes();
  }

  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    Context ctx = vertx.getOrCreateContext();
    Thread t = new Thread(() -> {
      try {
        writer.close();
        readers.shutdown();
        readers.awaitTermination(10, TimeUnit.SECONDS);
        for (Connection c : readerConns) {
          closeConnection(c);
        }
        closeConnection(writerConn);
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
