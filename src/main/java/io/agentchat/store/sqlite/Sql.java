package io.agentchat.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Running statements on a connection: parameters bound in order, rows mapped, prepared statements reused. */
final class Sql {
  private Sql() {
  }

  /**
   * Prepared statements kept per connection and SQL text: preparing was most of the writer's time (a settlement runs about
   * fifteen statements). Each connection is used by one thread only (the writer, or its reader thread), so its own map needs
   * no lock; a statement is reused once its result set is closed.
   */
  private static final Map<Connection, Map<String, PreparedStatement>> STATEMENTS = new ConcurrentHashMap<>();

  @FunctionalInterface
  interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

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

  /** Closes the connection and the statements prepared on it. */
  static void close(Connection c) throws SQLException {
    Map<String, PreparedStatement> cached = STATEMENTS.remove(c);
    if (cached != null) {
      for (PreparedStatement ps : cached.values()) {
        ps.close();
      }
    }
    c.close();
  }

  static int update(Connection c, String sql, Object... args) throws SQLException {
    return prepare(c, sql, args).executeUpdate();
  }

  /** The first column of the first row, or 0 when there is no row. */
  static long queryLong(Connection c, String sql, Object... args) throws SQLException {
    try (ResultSet rs = prepare(c, sql, args).executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  static <T> List<T> query(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
    try (ResultSet rs = prepare(c, sql, args).executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(row.map(rs));
      }
      return out;
    }
  }

  static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
    List<T> l = query(c, sql, row, args);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  /** A time column (epoch milliseconds); null stays null. */
  static Instant instant(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }
}
