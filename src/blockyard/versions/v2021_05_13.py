"""2021-05-13: served as 2022-06-28 with the differences `legacy.py` lists for it."""

from dataclasses import replace

from .legacy import V2021_05_13_RULES
from .v2022_06_28 import V2022_06_28

V2021_05_13 = replace(V2022_06_28, name="2021-05-13", legacy=V2021_05_13_RULES)
