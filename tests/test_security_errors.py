"""Error details (issue 17): the browser never gets a traceback, an exception message, a
file path or SQL; the server log gets all of it under an id the user is shown."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def test_streamlit_error_details_are_off() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def _failing_page_app() -> None:
    from lib.ui import errors

    class Navigation:
        url_path = "broken"

        def run(self) -> None:
            raise RuntimeError(
                'relation "users" column password_hash /srv/campaign/lib/secret.py line 1'
            )

    errors.run(Navigation())


def _stopping_page_app() -> None:
    import streamlit as st

    from lib.ui import errors

    class Navigation:
        url_path = "stops"

        def run(self) -> None:
            st.write("before the stop")
            st.stop()

    errors.run(Navigation())
    st.write("never shown")


def test_an_unexpected_page_error_shows_only_an_id_and_logs_everything(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("APP_DEBUG_ERRORS", raising=False)
    for lang, words in (("zh", "错误编号"), ("en", "error id")):
        caplog.clear()
        at = AppTest.from_function(_failing_page_app)
        at.session_state["lang"] = lang
        with caplog.at_level(logging.ERROR, logger="campaign.errors"):
            at.run()
        assert not at.exception
        [message] = [e.value for e in at.error]
        assert words in message
        match = re.search(r"([0-9a-f]{8})", message)
        assert match is not None
        for leak in ("password_hash", "/srv/", "RuntimeError", "Traceback", "line 1"):
            assert leak not in message
        [record] = [r for r in caplog.records if r.name == "campaign.errors"]
        assert match.group(1) in record.getMessage() and "page broken" in record.getMessage()
        assert record.exc_info is not None and "password_hash" in str(record.exc_info[1])


def test_streamlit_control_flow_passes_through_the_wrapper() -> None:
    at = AppTest.from_function(_stopping_page_app)
    at.run()
    assert not at.exception and not at.error
    texts = [m.value for m in at.markdown]
    assert "before the stop" in texts and "never shown" not in texts


def test_debug_mode_shows_the_exception_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """For development and the test suite only (APP_DEBUG_ERRORS=1)."""
    monkeypatch.setenv("APP_DEBUG_ERRORS", "1")
    at = AppTest.from_function(_failing_page_app)
    at.run()
    assert at.exception and "password_hash" in at.exception[0].message
