"""Every table of a store: the core ones (schema.py) and each capability's, defined in a module of its own
that imports `metadata` from schema.py and is listed below, one line each. Import `metadata` from here
where all tables must be known (creating, migrating, resetting a store); schema.py never imports this
module, so the table modules form no import circle."""

from .schema import metadata
from . import schema_query  # noqa: E402,F401
from . import schema_limits  # noqa: E402,F401
from . import schema_comments  # noqa: E402,F401
from . import schema_search  # noqa: E402,F401
from . import schema_views  # noqa: E402,F401
from . import schema_files  # noqa: E402,F401
from . import schema_web  # noqa: E402,F401
from . import schema_webhooks  # noqa: E402,F401
from . import schema_tasks  # noqa: E402,F401
from . import schema_oauth  # noqa: E402,F401

__all__ = ["metadata"]
