"""Unexpected errors (issue 17): logged on the server with an id, shown to the user as one
short sentence in their language with that id — never a traceback, a file path or SQL.

``app.py`` runs the page through :func:`run`; ``.streamlit/config.toml`` sets
``client.showErrorDetails = "none"`` for anything outside it. Streamlit's own control
flow (``st.stop``, ``st.rerun``, ``st.switch_page``) raises ``BaseException`` subclasses
and passes through untouched.

``APP_DEBUG_ERRORS=1`` (environment only; set by the test suite, for development) shows
the full exception in the page as well, as ``st.exception`` does.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from typing import Any

import streamlit as st

from lib.ui import state
from lib.ui.text import md

LOG = logging.getLogger("campaign.errors")
if not LOG.handlers:
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)
    LOG.setLevel(logging.INFO)


def debug_errors() -> bool:
    return os.environ.get("APP_DEBUG_ERRORS", "").strip().lower() in {"1", "true", "yes", "on"}


def new_error_id() -> str:
    return secrets.token_hex(4)


def report(exc: BaseException, where: str) -> str:
    """Log ``exc`` with a new id and tell the user; returns the id."""
    error_id = new_error_id()
    try:
        username = state.USERNAME.get()
    except Exception:  # no session (called outside a script run)
        username = None
    LOG.error(
        "error %s in %s (user %s): %s",
        error_id,
        where,
        username or "-",
        type(exc).__name__,
        exc_info=exc,
    )
    st.error(md("error.internal", id=error_id))
    if debug_errors():
        st.exception(exc)
    return error_id


def run(navigation: Any) -> None:
    """Run the selected page; an unexpected exception becomes a message with an id."""
    try:
        navigation.run()
    except Exception as exc:
        report(exc, f"page {getattr(navigation, 'url_path', '') or '?'}")
