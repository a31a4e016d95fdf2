package io.agentchat.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of work on one JDBC connection. */
@FunctionalInterface
interface SqlWork<T> {
  T run(Connection c) throws SQLException;
}
