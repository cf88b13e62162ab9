"""Views of databases and their queries (`model.py`), and the layouts each view type may have (`config.py`)."""
