package io.agentchat.store.dynamodb;

import java.time.Duration;

/**
 * What every capability of the DynamoDB store works with: the calls ({@link Dynamo}), the claims and the application
 * clock ({@link Claims}), the four table names, and how long conversations and invites are kept past their expiry.
 */
abstract class DynamoPart {
  final Dynamo d;
  final Claims claims;
  final String sessions;
  final String usage;
  final String identity;
  final String directory;
  final Duration retention;

  DynamoPart(Dynamo d, Claims claims, DynamoConfig config) {
    this.sessions = config.tables().sessions();
    this.usage = config.tables().usage();
    this.identity = config.tables().identity();
    this.directory = config.tables().directory();
    this.retention = Duration.ofDays(config.sessionRetentionDays());
    this.d = d;
    this.claims = claims;
  }

  /** A part working with the same calls, clock and tables as {@code other}. */
  DynamoPart(DynamoPart other) {
    this.d = other.d;
    this.claims = other.claims;
    this.sessions = other.sessions;
    this.usage = other.usage;
    this.identity = other.identity;
    this.directory = other.directory;
    this.retention = other.retention;
  }
}
