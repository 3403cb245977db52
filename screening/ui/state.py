"""Session-state keys shared by the app's pages, and the bundle of outputs one analysis leaves."""
from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from screening.result import Result

# Navigation: page objects registered by app.py (content pages switch into the screening).
SCREEN_PAGE = "_screen_page"
RESULTS_PAGE = "_results_page"
ABOUT_PAGE = "_about_page"
PAGES_BY_SLUG = "_pages_by_slug"          # content slug -> st.Page
EXAMPLE_DONE = "_example_param_done"      # ?example=1 handled once per session

# The guided flow.
STEP = "step"                             # one of STEPS
STEPS = ("home", "choose", "guide", "upload")
TEST = "test"                             # 'squat' | 'single-leg-squat' | 'drop-jump'
LEG = "leg"                               # single-leg squat: 'left' | 'right' | None (detect)
SEX = "sex"                               # 'female' | 'male' | None
SPORT = "sport"                           # key of screening.content.SPORTS or None
MODEL = "model"                           # 'lite' | 'full' | 'heavy'
ERROR = "analysis_error"                  # dict(message, fix, code) of the last failed analysis
NOTICE = "_notice"                        # a dict the analysis writes into when it is interrupted (see screen)
OUTPUTS = "outputs"                       # Outputs of the last analysis (or the example)

DEFAULTS = {STEP: "home", TEST: "squat", LEG: None, SEX: None, SPORT: None, MODEL: "lite",
            ERROR: None, OUTPUTS: None}


@dataclass
class Outputs:
    """Everything the results page shows and offers for download, held in memory (no files kept)."""
    result: Result
    video: bytes | None = None                                   # annotated H.264 mp4
    keyframes: list[tuple[str, bytes]] = field(default_factory=list)  # (label, png bytes)
    csv: bytes | None = None                                     # per-frame values
    pdf: bytes | None = None                                     # built on first request if None
    pdf_error: str | None = None
    source_name: str = ""                                        # the uploaded file's name


def init() -> None:
    """Give every key its default once per session."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault(NOTICE, {})   # a fresh dict per session


def get(key: str):
    init()
    return st.session_state[key]


def put(key: str, value) -> None:
    st.session_state[key] = value


def go(step: str) -> None:
    """Move the guided flow to a step (used as a button callback)."""
    assert step in STEPS, step
    st.session_state[STEP] = step
    st.session_state[ERROR] = None


def page(key: str):
    """A registered st.Page (or None when app.py did not register it, e.g. a page rendered alone)."""
    return st.session_state.get(key)
