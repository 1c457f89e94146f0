"""A tool the tests need but the machine lacks: skipped on a developer's machine, a failure on CI.

.ci/run installs Chromium and gettext, so on CI (CI=true, as CI services set it) a missing
one means the browser or catalogue tests did not run, and the run must not pass green.
"""

import os

import pytest


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_tool(available: bool, reason: str) -> None:
    """Go on when `available`; else skip the test, or fail it when CI=true."""
    if available:
        return
    if on_ci():
        pytest.fail(f"{reason}; CI=true, where a skip would hide that the test never ran", pytrace=False)
    pytest.skip(reason)
