"""Public integrations: OAuth 2.0 clients, the consent page with its page picker, authorization codes,
token exchange and refresh, introspection and revocation (Notion's /v1/oauth/*).

Each authorization is an install: an integration row of its own (kind "oauth") with its bot user and the
pages the person picked shared with it, so access tokens go through the same `tokens` lookup, grants and
kept-answer cache as internal integrations' do."""
