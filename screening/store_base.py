"""Records, errors and small helpers shared by the store modules (no database access here)."""
from __future__ import annotations

import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .result import Result

DB_ENV, SAVING_ENV = "KNEESCREEN_DB", "KNEESCREEN_SAVING"
SAVING_OFF = "Saving is turned off on this server"
EXPORT_FORMAT = "kneescreen-profile"
MAX_IMPORT_BYTES = 2 * 1024 ** 3        # uncompressed total of an imported zip
MAX_IMPORT_ENTRIES = 2000
MAX_JSON_BYTES = 256 * 1024 ** 2
VIDEO_SUFFIXES = (".mp4", ".mov", ".webm", ".avi", ".m4v")
STILL_SUFFIXES = (".png", ".jpg", ".jpeg")
STATUSES = ("pending", "running", "ok", "failed")
_ENTRY = re.compile(r"^media/\d{1,5}/(video|still_\d{1,3})\.[a-z0-9]{2,4}$")
_SCRYPT = dict(n=2 ** 14, r=8, p=1, dklen=32)


class StoreError(Exception):
    """A store operation was refused or found nothing; `str(e)` is a sentence a user can read."""


@dataclass
class Profile:
    id: str
    name: str
    created: str


@dataclass
class SavedScreening:
    id: str
    profile_id: str
    created: str
    result: Result
    video: Path | None
    keyframes: list[tuple[str, Path]]
    note: str = ""


@dataclass
class Session:
    id: str
    title: str
    created: str


@dataclass
class Participant:
    id: str
    session_id: str
    name: str
    profile_id: str | None      # a profile is made for each participant, to save their screening under
    screening_id: str | None
    status: str                 # pending | running | ok | failed
    message: str


def saving_enabled() -> bool:
    """False when KNEESCREEN_SAVING is off (public demo links): every write is then refused."""
    return os.environ.get(SAVING_ENV, "on").strip().lower() not in ("off", "0", "false", "no")


def default_db_path() -> Path:
    env = os.environ.get(DB_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir
    return Path(user_data_dir("kneescreen", appauthor=False)) / "kneescreen.sqlite3"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _new_id() -> str:
    return uuid.uuid4().hex


def key_hash(key: str) -> str:
    """SHA-256 of a workspace key. The key is 192 random bits, so a slow salted KDF adds nothing against
    guessing, and a deterministic hash lets the key be found by an indexed lookup."""
    return hashlib.sha256(b"kneescreen-workspace:" + key.strip().encode("utf-8")).hexdigest()


def _passcode_hash(passcode: str, salt: bytes) -> bytes:
    """Leader passcodes are short and human-chosen: scrypt with a per-session salt."""
    return hashlib.scrypt(passcode.encode("utf-8"), salt=salt, **_SCRYPT)


def _name(text: str, what: str = "name") -> str:
    s = " ".join(str(text or "").split())
    if not s:
        raise StoreError(f"Please give a {what}.")
    return s[:120]
