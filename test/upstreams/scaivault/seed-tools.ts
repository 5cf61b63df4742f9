/**
 * The 67 tool names of the ScaiVault MCP server, in the order of the seed's "Tool catalog"
 * (`shared/seeds/004_eb9c5af51c4bbffb.txt`), grouped as the seed groups them.
 */
export const SEED_TOOL_GROUPS: Record<string, string[]> = {
  secrets: [
    "scaivault_read_secret",
    "scaivault_write_secret",
    "scaivault_delete_secret",
    "scaivault_list_secrets",
    "scaivault_get_secret_versions",
    "scaivault_rotate_secret",
    "scaivault_check_expiration",
  ],
  "secret-policies": [
    "scaivault_list_secret_policies",
    "scaivault_get_secret_policy",
    "scaivault_create_secret_policy",
    "scaivault_generate_secret_preview",
    "scaivault_get_policy_types",
  ],
  "access-policies": [
    "scaivault_list_policies",
    "scaivault_get_policy",
    "scaivault_create_policy",
    "scaivault_test_policy",
  ],
  rotation: [
    "scaivault_list_rotation_policies",
    "scaivault_create_rotation_policy",
    "scaivault_get_secrets_due_rotation",
  ],
  "service-accounts": [
    "scaivault_list_service_accounts",
    "scaivault_get_service_account",
    "scaivault_create_service_account",
    "scaivault_update_service_account",
    "scaivault_delete_service_account",
    "scaivault_create_api_key",
    "scaivault_list_api_keys",
    "scaivault_delete_api_key",
  ],
  pki: [
    "scaivault_list_cas",
    "scaivault_get_ca",
    "scaivault_create_root_ca",
    "scaivault_list_certificates",
    "scaivault_get_certificate",
    "scaivault_issue_certificate",
    "scaivault_revoke_certificate",
    "scaivault_validate_certificate",
    "scaivault_check_expiring_certs",
  ],
  acme: [
    "scaivault_list_acme_accounts",
    "scaivault_create_acme_account",
    "scaivault_list_acme_orders",
    "scaivault_create_acme_order",
    "scaivault_complete_acme_challenge",
    "scaivault_request_certificate",
  ],
  dynamic: [
    "scaivault_list_dynamic_engines",
    "scaivault_get_dynamic_engine",
    "scaivault_create_dynamic_engine",
    "scaivault_list_dynamic_roles",
    "scaivault_create_dynamic_role",
    "scaivault_generate_credentials",
    "scaivault_list_leases",
    "scaivault_renew_lease",
    "scaivault_revoke_lease",
    "scaivault_check_expiring_leases",
  ],
  federation: [
    "scaivault_list_federation_backends",
    "scaivault_get_federation_backend",
    "scaivault_create_federation_backend",
    "scaivault_test_federation_backend",
    "scaivault_sync_federation_backend",
    "scaivault_proxy_read",
  ],
  events: [
    "scaivault_list_subscriptions",
    "scaivault_get_subscription",
    "scaivault_create_subscription",
    "scaivault_delete_subscription",
    "scaivault_list_event_types",
  ],
  audit: [
    "scaivault_query_audit",
    "scaivault_audit_summary",
    "scaivault_secret_audit_trail",
    "scaivault_find_unauthorized_access",
  ],
};

export const SEED_TOOLS: string[] = Object.values(SEED_TOOL_GROUPS).flat();
