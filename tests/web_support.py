"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), never a downloaded browser."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

CHROMIUM = os.environ.get("BLOCKYARD_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    return shutil.which("chromium")


_RUNNING: dict[str, Any] = {}


def _shared_browser() -> Any:
    """One Playwright and one Chromium per test process, however many modules import the fixture."""
    if "browser" not in _RUNNING:
        import atexit

        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _RUNNING["playwright"] = playwright
        _RUNNING["browser"] = playwright.chromium.launch(executable_path=chromium_path(), args=ARGS, headless=True)

        def stop() -> None:
            _RUNNING["browser"].close()
            playwright.stop()

        atexit.register(stop)
    return _RUNNING["browser"]


@pytest.fixture(scope="session")
def browser() -> Any:
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (scripts/test installs it with apt-get)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    return _shared_browser()


def sign_up(page: Any, base: str | None, name: str, email: str, password: str = "correct horse battery") -> None:
    """Fills the sign-up form: at /signup, or on the page already open when `base` is None."""
    if base is not None:
        page.goto(base + "/signup")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/w/*")
