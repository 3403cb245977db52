"""Server-wide limits of the store: bytes of saved data in all, free disk kept, new workspaces per hour."""
from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from screening.store.base import StoreError
from screening.store.files import tree_size

STORE_ENV = "KNEESCREEN_STORE_GB"
DEFAULT_STORE_GB = 20.0          # results and media of all workspaces together
MIN_FREE_BYTES = 1024 ** 3       # a save never leaves less free disk than this
MAX_NEW_WORKSPACES_PER_HOUR = 30          # on the whole server (a workshop needs one)
FULL = ("This workspace is full ({:.1f} GB of results, videos and stills): delete old screenings or profiles "
        "first, or save without the video.")
SERVER_FULL = ("This server's space for saved screenings is full ({:g} GB in all, or its disk nearly so): "
               "nothing was saved. Delete old screenings or profiles, or ask whoever runs the server to make room.")
TOO_MANY_WORKSPACES = ("{n} workspaces were created on this server in the last hour, the most allowed. Try again "
                       "in an hour, or keep using a workspace you already have.")


def store_cap_bytes() -> int:
    """KNEESCREEN_STORE_GB (a number of GB above 0), else 20 GB."""
    text = os.environ.get(STORE_ENV, "").strip()
    if not text:
        return int(DEFAULT_STORE_GB * 1e9)
    try:
        gb = float(text)
    except ValueError:
        gb = -1.0
    if not 0 < gb < 1e6:
        raise StoreError(f"{STORE_ENV} must be a number of gigabytes above 0, not {text[:20]!r}.")
    return int(gb * 1e9)


def server_room(db_path: Path, media_root: Path) -> int:
    """Bytes every workspace together may still write: under the store cap, and leaving MIN_FREE_BYTES free."""
    used = tree_size(media_root) + sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*")
                                       if p.is_file())
    try:
        free = shutil.disk_usage(db_path.parent).free - MIN_FREE_BYTES
    except OSError:
        free = 0
    return min(store_cap_bytes() - used, free)


def check_new_workspace(c: sqlite3.Connection) -> None:
    """Refuse a new workspace past MAX_NEW_WORKSPACES_PER_HOUR on this server (inside the creating transaction)."""
    since = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat(timespec="seconds")
    n = c.execute("SELECT COUNT(*) FROM workspaces WHERE created > ?", (since,)).fetchone()[0]
    if n >= MAX_NEW_WORKSPACES_PER_HOUR:
        raise StoreError(TOO_MANY_WORKSPACES.format(n=n))
