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

  /**
   * Runs a statement of {@link Rows} over {@code rows} rows whose parameters are {@code args} in order, in as many
   * statements as the rows need; the parameters after the rows' ({@code extra}) are bound again to each. Answers the rows
   * changed.
   */
  static int updateRows(Connection c, Rows shape, int rows, List<?> args, Object... extra) throws SQLException {
    int changed = 0;
    for (Part p : parts(rows, args, extra)) {
      changed += update(c, shape.of(p.rows()), p.args());
    }
    return changed;
  }

  /** Like {@link #updateRows}, for a statement that answers rows (RETURNING): the rows of every statement, mapped. */
  static <T> List<T> queryRows(Connection c, Rows shape, int rows, List<?> args, Row<T> row, Object... extra) throws SQLException {
    List<T> out = new ArrayList<>();
    for (Part p : parts(rows, args, extra)) {
      out.addAll(query(c, shape.of(p.rows()), row, p.args()));
    }
    return out;
  }

  private record Part(int rows, Object[] args) {
  }

  /** The rows split into statements of at most {@link Rows#MAX} rows, each followed by {@code extra}. */
  private static List<Part> parts(int rows, List<?> args, Object[] extra) {
    List<Part> out = new ArrayList<>();
    if (rows == 0) {
      return out;
    }
    int width = args.size() / rows;
    for (int first = 0; first < rows; first += Rows.MAX) {
      int n = Math.min(Rows.MAX, rows - first);
      Object[] part = new Object[n * width + extra.length];
      for (int i = 0; i < n * width; i++) {
        part[i] = args.get(first * width + i);
      }
      System.arraycopy(extra, 0, part, n * width, extra.length);
      out.add(new Part(n, part));
    }
    return out;
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

  /**
   * A statement over {@code n} rows of one shape, {@code head VALUES row, row, ... tail}: a settlement writes its events,
   * rollups and trace steps in one statement each. The text for each count is built once, so that the prepared statement
   * cache finds it again.
   */
  static final class Rows {
    /** Rows per statement at most: far below SQLite's limit of bound parameters for every shape here. */
    static final int MAX = 64;

    private final String head;
    private final String row;
    private final String tail;
    private final String[] texts = new String[MAX + 1];

    Rows(String head, String row, String tail) {
      this.head = head;
      this.row = row;
      this.tail = tail;
    }

    String of(int n) {
      if (n < 1 || n > MAX) {
        throw new IllegalArgumentException("rows per statement: " + n);
      }
      String text = texts[n];
      if (text == null) {
        // built again at worst by a racing thread: the text is the same either way
        text = head + " VALUES " + String.join(",", java.util.Collections.nCopies(n, row)) + " " + tail;
        texts[n] = text;
      }
      return text;
    }
  }

  /** A time column (epoch milliseconds); null stays null. */
  static Instant instant(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }
}
