output "server_environment" {
  description = "Environment variables that point the server at these resources."
  value = {
    STORE_PROVIDER           = "dynamodb"
    DYNAMODB_REGION          = var.region
    DYNAMODB_TABLE_PREFIX    = var.table_prefix
    DYNAMODB_CREATE_TABLES   = "false"
    AUTH_PROVIDER            = "cognito"
    COGNITO_REGION           = var.region
    COGNITO_USER_POOL_ID     = aws_cognito_user_pool.users.id
    COGNITO_CLIENT_ID        = aws_cognito_user_pool_client.web.id
    COGNITO_SIGNUP_CLIENT_ID = aws_cognito_user_pool_client.server.id
  }
}

output "signup_client_secret" {
  description = "The secret of the server's sign-up client (COGNITO_SIGNUP_CLIENT_SECRET); keep it in a secret store."
  value       = aws_cognito_user_pool_client.server.client_secret
  sensitive   = true
}

output "table_names" {
  description = "The store's tables."
  value       = { for k, t in aws_dynamodb_table.store : k => t.name }
}

output "user_pool_id" {
  description = "The Cognito user pool."
  value       = aws_cognito_user_pool.users.id
}

output "user_pool_client_id" {
  description = "The app client of the web client (no secret): the expected aud of ID tokens."
  value       = aws_cognito_user_pool_client.web.id
}

output "token_issuer" {
  description = "The iss of the pool's tokens; its keys are at <issuer>/.well-known/jwks.json."
  value       = "https://cognito-idp.${var.region}.amazonaws.com/${aws_cognito_user_pool.users.id}"
}

output "server_role_arn" {
  description = "The role the server runs as."
  value       = aws_iam_role.server.arn
}

output "server_policy_arn" {
  description = "The server's policy, to attach elsewhere when the role is not used."
  value       = aws_iam_policy.server.arn
}

output "tenant_scoped_role_arn" {
  description = "The role for work on behalf of one tenant (assume it with the session tag tenant_id)."
  value       = aws_iam_role.tenant_scoped.arn
}
