# Users sign in against this pool. tenant_id and subscription_tier are custom attributes that only the server sets
# (with IAM-signed admin calls): the app client may read them but not write them, so no user can change their own
# tenant or tier. The server creates each tenant's admin group ("<tenant>-admins") when the tenant signs up.

resource "aws_cognito_user_pool" "users" {
  name                     = var.name
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  deletion_protection      = var.deletion_protection ? "ACTIVE" : "INACTIVE"

  password_policy {
    minimum_length                   = 8
    require_lowercase                = false
    require_uppercase                = false
    require_numbers                  = false
    require_symbols                  = false
    temporary_password_validity_days = 7
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  schema {
    name                     = "tenant_id"
    attribute_data_type      = "String"
    mutable                  = false
    developer_only_attribute = false

    string_attribute_constraints {
      min_length = 3
      max_length = 40
    }
  }

  schema {
    name                     = "subscription_tier"
    attribute_data_type      = "String"
    mutable                  = true
    developer_only_attribute = false

    string_attribute_constraints {
      min_length = 1
      max_length = 32
    }
  }
}

resource "aws_cognito_user_pool_client" "web" {
  name         = "${var.name}-web"
  user_pool_id = aws_cognito_user_pool.users.id

  generate_secret               = false
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true
  explicit_auth_flows           = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

  read_attributes  = ["email", "email_verified", "custom:tenant_id", "custom:subscription_tier"]
  write_attributes = ["email"]

  id_token_validity      = var.id_token_minutes
  access_token_validity  = var.id_token_minutes
  refresh_token_validity = var.refresh_token_days

  token_validity_units {
    id_token      = "minutes"
    access_token  = "minutes"
    refresh_token = "days"
  }
}

# The server signs users up through this client: it may write the custom attributes the web client may not, and its
# secret never leaves the server (SignUp then carries SECRET_HASH). No sign-in flow of its own.
resource "aws_cognito_user_pool_client" "server" {
  name         = "${var.name}-server"
  user_pool_id = aws_cognito_user_pool.users.id

  generate_secret               = true
  prevent_user_existence_errors = "ENABLED"
  explicit_auth_flows           = ["ALLOW_REFRESH_TOKEN_AUTH"]

  read_attributes  = ["email", "email_verified", "custom:tenant_id", "custom:subscription_tier"]
  write_attributes = ["email", "custom:tenant_id", "custom:subscription_tier"]
}
