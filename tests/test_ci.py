"""A missing tool skips a test on a developer's machine and fails it on CI (tests/ci.py)."""

import pytest

from tests.ci import require_tool


def test_missing_tool_skips_off_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        require_tool(False, "no Chromium")


def test_missing_tool_fails_on_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no Chromium; CI=true, where a skip"):
        require_tool(False, "no Chromium")


def test_present_tool_runs_on_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert require_tool(True, "no Chromium") is None
