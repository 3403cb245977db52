"""Live camera: framing coach, live mirror, a recording session and its processing-rate benchmark.

No Streamlit here: ui/live_page.py puts these on the page.
"""

__all__ = [
    "bench", "clamshell", "clock", "framing", "legs", "mirror", "session"
]
