"""Errors that stop an analysis, each with a message and a fix a user can act on."""
from __future__ import annotations


class AnalysisError(Exception):
    """No result can be given; `str(e)` says why, `.fix` what to do, `.code` is machine-readable."""

    def __init__(self, message: str, code: str = "error", fix: str = ""):
        super().__init__(message)
        self.code, self.fix = code, fix

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class VideoError(AnalysisError):
    """The file cannot be read as a video."""


class Cancelled(Exception):
    """The caller asked to stop (e.g. the user left the page)."""
