"""2022-02-22: served as 2022-06-28 with the differences `legacy.py` lists for it."""

from dataclasses import replace

from .legacy import V2022_02_22_RULES
from .v2022_06_28 import V2022_06_28

V2022_02_22 = replace(V2022_06_28, name="2022-02-22", legacy=V2022_02_22_RULES)
