"""Streamlit pages of KneeScreen; they import the engine, never the reverse.
"""

__all__ = [
    "about", "analysis", "charts", "clamshell_view", "compare_page", "content_pages", "cues", "exports", "guide",
    "live_ice", "live_page", "live_reaper", "live_words", "measures", "progress_page", "results", "safe", "saved",
    "screen", "startup", "state", "timer", "timer_view", "workshop", "workshop_run", "workspace"
]
