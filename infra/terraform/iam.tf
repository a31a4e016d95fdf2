# What the server may do, and nothing more: item reads and writes on its four tables and their indexes (no Scan, no
# table changes), and the admin calls on its user pool. The server serves every tenant, so its own role cannot be
# narrowed by dynamodb:LeadingKeys; the tenant-scoped role below can, for work done on behalf of one tenant.

locals {
  table_arns = [for t in aws_dynamodb_table.store : t.arn]
  index_arns = [for t in aws_dynamodb_table.store : "${t.arn}/index/*"]
  tenant_table_arns = [
    aws_dynamodb_table.store["sessions"].arn,
    aws_dynamodb_table.store["usage"].arn,
    aws_dynamodb_table.store["identity"].arn,
    "${aws_dynamodb_table.store["usage"].arn}/index/events-by-day",
  ]
}

data "aws_iam_policy_document" "server" {
  statement {
    sid = "StoreItems"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:BatchGetItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:Query",
    ]
    resources = concat(local.table_arns, local.index_arns)
  }

  statement {
    sid       = "StoreTablesExist"
    actions   = ["dynamodb:DescribeTable"]
    resources = local.table_arns
  }

  statement {
    sid = "UserPoolAdmin"
    actions = [
      "cognito-idp:AdminGetUser",
      "cognito-idp:AdminDeleteUser",
      "cognito-idp:AdminUpdateUserAttributes",
      "cognito-idp:AdminAddUserToGroup",
      "cognito-idp:AdminRemoveUserFromGroup",
      "cognito-idp:AdminListGroupsForUser",
      "cognito-idp:CreateGroup",
      "cognito-idp:GetGroup",
    ]
    resources = [aws_cognito_user_pool.users.arn]
  }
}

resource "aws_iam_policy" "server" {
  name        = "${var.name}-server"
  description = "Agent Chat server: its DynamoDB tables and its Cognito user pool"
  policy      = data.aws_iam_policy_document.server.json
}

data "aws_iam_policy_document" "server_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = [var.server_principal]
    }
  }
}

resource "aws_iam_role" "server" {
  name               = "${var.name}-server"
  assume_role_policy = data.aws_iam_policy_document.server_trust.json
}

resource "aws_iam_role_policy_attachment" "server" {
  role       = aws_iam_role.server.name
  policy_arn = aws_iam_policy.server.arn
}

# One tenant's items only: every partition key it touches must be the tenant id or start with "<tenant id>#", the tenant
# being the session tag tenant_id of whoever assumed the role (the server, for one tenant's exports or reports). The
# auth directory and the running-turns index are not keyed by tenant and stay out of reach.

data "aws_iam_policy_document" "tenant_scoped" {
  statement {
    sid       = "OneTenantsItems"
    actions   = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"]
    resources = local.tenant_table_arns

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["$${aws:PrincipalTag/tenant_id}", "$${aws:PrincipalTag/tenant_id}#*"]
    }
  }
}

resource "aws_iam_policy" "tenant_scoped" {
  name        = "${var.name}-tenant-scoped"
  description = "Agent Chat: read one tenant's items, the tenant given by the session tag tenant_id"
  policy      = data.aws_iam_policy_document.tenant_scoped.json
}

data "aws_iam_policy_document" "tenant_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.server.arn]
    }

    condition {
      test     = "StringLike"
      variable = "aws:RequestTag/tenant_id"
      values   = ["?*"]
    }
  }
}

resource "aws_iam_role" "tenant_scoped" {
  name               = "${var.name}-tenant-scoped"
  assume_role_policy = data.aws_iam_policy_document.tenant_trust.json
}

resource "aws_iam_role_policy_attachment" "tenant_scoped" {
  role       = aws_iam_role.tenant_scoped.name
  policy_arn = aws_iam_policy.tenant_scoped.arn
}

data "aws_iam_policy_document" "server_assumes_tenant_role" {
  statement {
    actions   = ["sts:AssumeRole", "sts:TagSession"]
    resources = [aws_iam_role.tenant_scoped.arn]
  }
}

resource "aws_iam_role_policy" "server_assumes_tenant_role" {
  name   = "assume-tenant-scoped"
  role   = aws_iam_role.server.id
  policy = data.aws_iam_policy_document.server_assumes_tenant_role.json
}

# AgentCore Runtime (agent.provider bedrock-agentcore): invoke the configured runtimes and their endpoints, and, when the
# user id header is sent, on behalf of a user.
data "aws_iam_policy_document" "agentcore" {
  count = length(var.agentcore_runtime_arns) > 0 ? 1 : 0

  statement {
    sid       = "InvokeAgentRuntime"
    actions   = concat(["bedrock-agentcore:InvokeAgentRuntime"], var.agentcore_send_user_id ? ["bedrock-agentcore:InvokeAgentRuntimeForUser"] : [])
    resources = concat(var.agentcore_runtime_arns, [for a in var.agentcore_runtime_arns : "${a}/runtime-endpoint/*"])
  }
}

resource "aws_iam_role_policy" "agentcore" {
  count  = length(var.agentcore_runtime_arns) > 0 ? 1 : 0
  name   = "invoke-agentcore-runtime"
  role   = aws_iam_role.server.id
  policy = data.aws_iam_policy_document.agentcore[0].json
}
