"""Records, errors and small helpers shared by the store modules (no database access here)."""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable, Protocol, Sequence

from screening.core.result import Result

DB_ENV, SAVING_ENV = "KNEESCREEN_DB", "KNEESCREEN_SAVING"
SAVING_OFF = "Saving is turned off on this server"
EXPORT_FORMAT = "kneescreen-profile"
MAX_IMPORT_BYTES = 2 * 1024 ** 3        # bytes an import may write (counted as written, not as declared)
MAX_IMPORT_ENTRIES = 2000
MAX_IMPORT_SCREENINGS = 500             # screenings in one imported profile
MAX_JSON_BYTES = 32 * 1024 ** 2         # profile.json: about 200 screenings of a 12 s clip (150 kB each)
MAX_WORKSPACE_BYTES = 4 * 1024 ** 3     # results and media of one workspace
MAX_PROFILES = 1000                     # profiles of one workspace
MAX_IMPORTS_PER_DAY = 20                # profile imports per workspace per 24 hours
MAX_GUESSES, GUESS_WINDOW_S = 5, 15 * 60   # wrong leader passcodes per workshop per window
BUSY = ("The database is busy with another user's save. Nothing was changed: please try again in a "
        "moment.")
STILL_SUFFIXES = (".png", ".jpg", ".jpeg")
STATUSES = ("pending", "running", "ok", "failed", "interrupted", "cancelled")
_ENTRY = re.compile(r"^media/\d{1,5}/(video|still_\d{1,3})\.[a-z0-9]{2,4}$")
SCRYPT_N, OLD_SCRYPT_N = 2 ** 17, 2 ** 14   # 2^17 with r=8 uses 128 MiB per guess
_SCRYPT = dict(r=8, p=1, dklen=32, maxmem=256 * 1024 ** 2)
SAVING_ON_WORDS, SAVING_OFF_WORDS = ("on", "1", "true", "yes"), ("off", "0", "false", "no")


Source = tuple[str, Callable[[], BinaryIO]]     # (a name whose suffix is kept, how to open the bytes)


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
    result: Result | None
    video: Path | None
    keyframes: list[tuple[str, Path]]
    note: str = ""
    damaged: str = ""           # why the stored record cannot be read (then result is None)

    @property
    def readable_result(self) -> Result:
        """The Result of a screening known to be readable (the pages leave damaged ones out first)."""
        if self.result is None:
            raise StoreError(self.damaged or "This saved screening is damaged.")
        return self.result


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
    status: str                 # one of STATUSES
    message: str


class StoreParts(Protocol):
    """What the Workspace mixins use of their Store (screening.store.db.Store)."""
    read_only: bool

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]: ...
    def room(self) -> int: ...
    def _write(self) -> AbstractContextManager[sqlite3.Connection]: ...


class WorkspaceParts:
    """Base of the Workspace mixins: what Workspace (screening.store.db) gives them, declared for the type checker."""
    store: StoreParts
    id: str
    if TYPE_CHECKING:       # defined by Workspace
        def _row(self, c: sqlite3.Connection, table: str, rid: str, what: str) -> sqlite3.Row: ...
        def _room_for_profile(self, c: sqlite3.Connection) -> None: ...
        def _remove_media(self, screening_id: str) -> None: ...
        def _stage(self, sid: str, video: Source | None, keyframes: Sequence[tuple[str, Source]],
                   budget: list[int]) -> tuple[str | None, list[list[str]]]: ...
        def _insert(self, c: sqlite3.Connection, sid: str, profile_id: str, result: Result, text: str,
                    video_rel: str | None, frames: list, note: str, created: str | None = None) -> None: ...
        def usage(self, c: sqlite3.Connection | None = None) -> int: ...
        def profile(self, profile_id: str) -> Profile: ...
        def screenings(self, profile_id: str, test: str | None = None) -> list[SavedScreening]: ...
        def get_screening(self, screening_id: str) -> SavedScreening: ...


def saving_enabled() -> bool:
    """False when KNEESCREEN_SAVING is off (public demo links): every write is then refused and no database
    file is created. Only clear words are accepted; anything else raises StoreError (the app stops at start)."""
    word = os.environ.get(SAVING_ENV, "").strip().lower() or "on"      # unset or empty: the default, on
    if word in SAVING_ON_WORDS or word in SAVING_OFF_WORDS:
        return word in SAVING_ON_WORDS
    raise StoreError(f"{SAVING_ENV} must be 'on' or 'off' (also accepted: {', '.join(SAVING_ON_WORDS[1:])} / "
                     f"{', '.join(SAVING_OFF_WORDS[1:])}), not {word[:20]!r}. Fix it and start again.")


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


def _passcode_hash(passcode: str, salt: bytes, n: int = SCRYPT_N) -> bytes:
    """Leader passcodes are short and human-chosen: scrypt with a per-session salt, N=2^17, r=8, p=1 (the
    minimum the OWASP Password Storage Cheat Sheet gives for scrypt). Old sessions keep N=2^14 until opened."""
    return hashlib.scrypt(passcode.encode("utf-8"), salt=salt, n=n, **_SCRYPT)


SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")     # a JSON escape of a UTF-16 surrogate (fine only in a pair)


def text_ok(text: object) -> str:
    """Stored text as it can be shown: anything that is not valid Unicode (a lone surrogate) becomes '?'."""
    return str(text or "").encode("utf-8", "replace").decode("utf-8")


def unicode_checked(data: object, text: str) -> object:
    """`data` (parsed from the JSON `text`) if all of its text is valid Unicode; raises StoreError if not."""
    if SURROGATE.search(text):
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeError:
            raise StoreError("it holds text that is not valid Unicode") from None
    return data


def count_attempt(c: sqlite3.Connection, workspace_id: str, kind: str, subject: str, window_s: float, most: int,
                  refusal: str) -> tuple[int, int]:
    """Count one attempt of `kind` in the events table, inside the caller's write transaction, before the
    work it allows; refuse it (StoreError, `refusal` with {n}) when `most` were made in the last `window_s`.
    Returns (attempts before this one, this attempt's rowid: delete it to take the attempt back)."""
    n = c.execute("SELECT COUNT(*) FROM events WHERE workspace_id = ? AND kind = ? AND subject = ? AND created > ?",
                  (workspace_id, kind, subject, time.time() - window_s)).fetchone()[0]
    if n >= most:
        raise StoreError(refusal.format(n=n))
    row = c.execute("INSERT INTO events VALUES (?, ?, ?, ?)", (workspace_id, kind, subject, time.time())).lastrowid
    return n, int(row or 0)


def _name(text: str, what: str = "name") -> str:
    s = " ".join(str(text or "").split())
    if not s:
        raise StoreError(f"Please give a {what}.")
    return s[:120]
