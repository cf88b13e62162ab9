"""Who may do what: workspaces, users, integrations, hashed tokens, capabilities and grants."""
