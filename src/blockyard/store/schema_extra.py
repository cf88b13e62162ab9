"""Tables owned by other capabilities: each imports `metadata` and defines its tables in its own module,
and that module is imported below, one line each."""
from . import schema_query  # noqa: E402,F401
from . import schema_limits  # noqa: E402,F401
from . import schema_comments  # noqa: E402,F401
from . import schema_search  # noqa: E402,F401
from . import schema_tasks  # noqa: E402,F401
