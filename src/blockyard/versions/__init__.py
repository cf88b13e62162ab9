"""API versions. One internal model (shaped like the newest version); each version is a view over it.

A rule that differs by version is a field of that version's `Version`, defined in its own module,
and the renderers and parsers consult it. Nothing else branches on version names."""

from __future__ import annotations

from .base import Version
from .v2021_05_13 import V2021_05_13
from .v2021_08_16 import V2021_08_16
from .v2022_02_22 import V2022_02_22
from .v2022_06_28 import V2022_06_28
from .v2025_09_03 import V2025_09_03
from .v2026_03_11 import V2026_03_11
from .v2026_12_01 import V2026_12_01

VERSIONS: dict[str, Version] = {
    v.name: v for v in (V2021_05_13, V2021_08_16, V2022_02_22, V2022_06_28, V2025_09_03, V2026_03_11, V2026_12_01)
}
NEWEST = V2026_12_01
# What code acting as the owner (the CLI, the web UI) renders with: the newest version whose lists carry
# every property.
LATEST = V2026_03_11

__all__ = ["Version", "VERSIONS", "NEWEST", "LATEST", "V2021_05_13", "V2021_08_16", "V2022_02_22", "V2022_06_28", "V2025_09_03", "V2026_03_11", "V2026_12_01"]
