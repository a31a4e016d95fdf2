variable "region" {
  description = "AWS region of the tables and the user pool (the server's DYNAMODB_REGION)."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name of this deployment; prefixes the user pool, the IAM role and the policies."
  type        = string
  default     = "agent-chat"
}

variable "table_prefix" {
  description = "Prefix of every table name (the server's DYNAMODB_TABLE_PREFIX), e.g. \"staging-\"."
  type        = string
  default     = ""
}

variable "deletion_protection" {
  description = "Refuse to delete the tables (turn off only to tear down a test deployment)."
  type        = bool
  default     = true
}

variable "server_principal" {
  description = "AWS service that runs the server and assumes its role."
  type        = string
  default     = "ecs-tasks.amazonaws.com"
}

variable "id_token_minutes" {
  description = "Lifetime of ID and access tokens, in minutes."
  type        = number
  default     = 15
}

variable "refresh_token_days" {
  description = "Lifetime of refresh tokens, in days."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default = {
    application = "agent-chat"
  }
}

variable "agentcore_runtime_arns" {
  description = "AgentCore runtimes the server may invoke (agent.bedrockAgentCore.runtimeArn and runtimeArnByTier); empty: none."
  type        = list(string)
  default     = []
}

variable "agentcore_send_user_id" {
  description = "Also allow InvokeAgentRuntimeForUser (AGENTCORE_SEND_USER_ID=true)."
  type        = bool
  default     = false
}
