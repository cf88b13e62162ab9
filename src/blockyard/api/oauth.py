"""POST /v1/oauth/token, /introspect, /revoke and GET /v1/oauth/authorize: handled by the oauth package."""

from ..oauth.http import ROUTES  # noqa: F401
