"""2021-08-16: served as 2022-06-28 with the differences `legacy.py` lists for it."""

from dataclasses import replace

from .legacy import V2021_08_16_RULES
from .v2022_06_28 import V2022_06_28

V2021_08_16 = replace(V2022_06_28, name="2021-08-16", legacy=V2021_08_16_RULES)
