"""Enterprise legal health checks (企业法治体检): SPEC §5. Online requests are still to come."""
