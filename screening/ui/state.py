"""Session-state keys shared by the app's pages, and the bundle of outputs one analysis leaves."""
from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from screening.core.result import Result

# Navigation: page objects registered by app.py (content pages switch into the screening).
SCREEN_PAGE = "_screen_page"
RESULTS_PAGE = "_results_page"
ABOUT_PAGE = "_about_page"
PAGES_BY_SLUG = "_pages_by_slug"          # content slug -> st.Page
EXAMPLE_DONE = "_example_param_done"      # ?example=1 handled once per session

# The guided flow.
STEP = "step"                             # one of STEPS
STEPS = ("home", "choose", "guide", "upload")
TEST = "test"                             # a key of core.specs.SPECS: 'squat', ..., 'clamshell'
LEG = "leg"                               # single-leg squat: 'left' | 'right' | None (detect)
SEX = "sex"                               # 'female' | 'male' | None
SPORT = "sport"                           # key of screening.outputs.content.SPORTS or None
MODEL = "model"                           # 'lite' | 'full' | 'heavy'
ERROR = "analysis_error"                  # dict(message, fix, code) of the last failed analysis
NOTICE = "_notice"                        # a dict the analysis writes into when it is interrupted (see screen)
OUTPUTS = "outputs"                       # Outputs of the last analysis (or the example)
LIVE_COUNT = "_live_count"                # (clip name, repetitions counted live or None) of the last live recording

# Saved screenings (issue 5). The open workspace lives only in this browser session's state.
WORKSPACE_PAGE = "_workspace_page"
PROGRESS_PAGE = "_progress_page"
COMPARE_PAGE = "_compare_page"
WORKSHOP_PAGE = "_workshop_page"
WORKSPACE = "_workspace"                  # the open screening.store.db.Workspace, or absent
NEW_KEY = "_workspace_new_key"            # a just-created workspace's key, shown until the user dismisses it
WS_NOTICE = "_workspace_notice"           # (level, text) shown once on the next saved-data page
PROFILE = "_profile_pick"                 # the profile last chosen on a saved-data page (its id)
SAVED_AS = "_saved_as"                    # {"out": Outputs, "profile": name, "id": screening id}
WORKSHOP = "_workshop_session"            # the open workshop Session (the leader gave its passcode)
WORKSHOP_FILES = "_workshop_files"        # {participant id: clip file name} of this session's batches
WORKSHOP_ROUND = "_workshop_round"        # bumped after a batch so the clip uploader starts empty

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
