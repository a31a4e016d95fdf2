# The store's four tables (docs/dynamodb.md): keyed by pk and sk, on demand, TTL on "ttl", point-in-time recovery.
# The tenant id leads every partition key of the three tenant tables; auth-directory holds the lookups made before a
# tenant is known (e-mail address, refresh token).

locals {
  tables = {
    sessions = {
      name       = "tenant-sessions"
      attributes = {}
      indexes    = {}
    }
    usage = {
      name = "tenant-usage"
      attributes = {
        running_shard = "S"
        created_at    = "N"
        day_pk        = "S"
      }
      indexes = {
        # turns while they run, sharded by turn: read by the recovery at start
        "running-turns" = {
          hash_key  = "running_shard"
          range_key = "created_at"
        }
        # usage events and rollups of a tenant's day, sharded by user: read by the rollup repair
        "events-by-day" = {
          hash_key  = "day_pk"
          range_key = "sk"
        }
      }
    }
    identity = {
      name       = "tenant-identity"
      attributes = {}
      indexes    = {}
    }
    directory = {
      name       = "auth-directory"
      attributes = {}
      indexes    = {}
    }
  }
}

resource "aws_dynamodb_table" "store" {
  for_each = local.tables

  name                        = "${var.table_prefix}${each.value.name}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  dynamic "attribute" {
    for_each = each.value.attributes
    content {
      name = attribute.key
      type = attribute.value
    }
  }

  dynamic "global_secondary_index" {
    for_each = each.value.indexes
    content {
      name            = global_secondary_index.key
      hash_key        = global_secondary_index.value.hash_key
      range_key       = global_secondary_index.value.range_key
      projection_type = "ALL"
    }
  }

  ttl {
    attribute_name = "ttl"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }
}
