"""Once per server process, at its first page run: sweep what a killed process left (temp folders, saved media)."""
from __future__ import annotations

from typing import Callable

import streamlit as st

from screening.pipeline import STALE_TEMP_S, sweep_stale_temp
from screening.store.db import default_db_path

#: Temp folders that are never held (a PDF or a save being written) take seconds: 10 minutes is ample.
UNHELD_AGE_S = 600.0


@st.cache_resource(show_spinner=False)
def sweep_once(saving_on: bool, _open_store: Callable[[], object]) -> bool:
    """Uploads, frames and live recordings left by a killed process are removed now (not at the next
    analysis), and so are saved media without a record (by opening the store: store.files.sweep_orphans).
    Returns `saving_on`."""
    sweep_stale_temp(min(STALE_TEMP_S, UNHELD_AGE_S))
    if saving_on and default_db_path().is_file():
        _open_store()
    return saving_on
