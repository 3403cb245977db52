"""Opt-in saved screenings in embedded SQLite: private workspaces, profiles, workshops, export/import."""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Sequence

from .result import TESTS, Result

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


# ----- schema migrations: append, never edit a released one ---------------------------------------
def _m1_initial(c: sqlite3.Connection) -> None:
    ws = "workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE"
    c.execute("CREATE TABLE workspaces (id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, created TEXT NOT NULL)")
    c.execute(f"CREATE TABLE profiles (id TEXT PRIMARY KEY, {ws}, name TEXT NOT NULL, created TEXT NOT NULL)")
    c.execute(f"CREATE TABLE screenings (id TEXT PRIMARY KEY, {ws}, profile_id TEXT NOT NULL REFERENCES "
              "profiles(id) ON DELETE CASCADE, created TEXT NOT NULL, test TEXT NOT NULL, result_json TEXT "
              "NOT NULL, video TEXT, keyframes TEXT NOT NULL DEFAULT '[]')")
    c.execute(f"CREATE TABLE sessions (id TEXT PRIMARY KEY, {ws}, title TEXT NOT NULL, pass_salt BLOB NOT NULL, "
              "pass_hash BLOB NOT NULL, created TEXT NOT NULL)")
    c.execute(f"CREATE TABLE participants (id TEXT PRIMARY KEY, {ws}, session_id TEXT NOT NULL REFERENCES "
              "sessions(id) ON DELETE CASCADE, name TEXT NOT NULL, profile_id TEXT REFERENCES profiles(id) "
              "ON DELETE SET NULL, screening_id TEXT REFERENCES screenings(id) ON DELETE SET NULL, "
              "status TEXT NOT NULL DEFAULT 'pending', message TEXT NOT NULL DEFAULT '', created TEXT NOT NULL)")


def _m2_notes_and_indexes(c: sqlite3.Connection) -> None:
    c.execute("ALTER TABLE screenings ADD COLUMN note TEXT NOT NULL DEFAULT ''")
    c.execute("CREATE INDEX screenings_by_profile ON screenings(workspace_id, profile_id, created)")
    c.execute("CREATE INDEX participants_by_session ON participants(workspace_id, session_id)")


MIGRATIONS = (_m1_initial, _m2_notes_and_indexes)
LATEST_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, target: int | None = None) -> int:
    """Bring a database (autocommit connection) to `target` (default: latest), one transaction per step."""
    target = LATEST_VERSION if target is None else target
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > LATEST_VERSION:
                raise StoreError(f"This database was written by a newer KneeScreen (schema {version}); update.")
            if version >= target:
                conn.execute("COMMIT")
                return version
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


class Store:
    """The database file and the media folder next to it. Reach records only through a Workspace."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.media_root = self.path.parent / "media"
        with self._connect() as c:
            c.execute("PRAGMA journal_mode = WAL")
            migrate(c)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        c = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        c.row_factory = sqlite3.Row
        c.execute("PRAGMA foreign_keys = ON")
        try:
            yield c
        finally:
            c.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if not saving_enabled():
            raise StoreError(SAVING_OFF)
        with self._connect() as c:
            c.execute("BEGIN IMMEDIATE")
            try:
                yield c
            except BaseException:
                c.execute("ROLLBACK")
                raise
            c.execute("COMMIT")

    def create_workspace(self) -> tuple[str, str]:
        """A new private workspace: (id, secret key). Show the key once; only its hash is stored."""
        wid, key = _new_id(), secrets.token_urlsafe(24)
        with self._write() as c:
            c.execute("INSERT INTO workspaces VALUES (?, ?, ?)", (wid, key_hash(key), _now()))
        return wid, key

    def open_workspace(self, key: str) -> "Workspace":
        digest = key_hash(key) if isinstance(key, str) and key.strip() else ""
        with self._connect() as c:
            row = c.execute("SELECT id, key_hash FROM workspaces WHERE key_hash = ?", (digest,)).fetchone()
        if row is None or not hmac.compare_digest(row["key_hash"], digest):
            raise StoreError("No workspace has this key. Check that it was copied in full.")
        return Workspace(self, row["id"])


class Workspace:
    """One private workspace. Every query below filters by its id."""

    def __init__(self, store: Store, workspace_id: str):
        self.store, self.id = store, workspace_id
        self.media_dir = store.media_root / workspace_id

    # ----- helpers --------------------------------------------------------------------------------
    def _row(self, c, table: str, rid: str, what: str) -> sqlite3.Row:
        row = c.execute(f"SELECT * FROM {table} WHERE id = ? AND workspace_id = ?", (str(rid), self.id)).fetchone()
        if row is None:
            raise StoreError(f"No such {what} in this workspace.")
        return row

    def _media(self, rel: str | None) -> Path | None:
        """A stored media path, only if it resolves inside this workspace's folder and exists."""
        if not rel:
            return None
        root = self.media_dir.resolve()
        path = (root / rel).resolve()
        if not path.is_relative_to(root) or path == root:
            raise StoreError("A saved file lies outside this workspace and was not opened.")
        return path if path.is_file() else None

    def _remove_media(self, screening_id: str) -> None:
        root = self.media_dir.resolve()
        path = (root / screening_id).resolve()
        if path.is_relative_to(root) and path != root:
            shutil.rmtree(path, ignore_errors=True)

    def _saved(self, r: sqlite3.Row) -> SavedScreening:
        frames = [(label, p) for label, rel in json.loads(r["keyframes"]) if (p := self._media(rel))]
        return SavedScreening(r["id"], r["profile_id"], r["created"], Result.from_json(r["result_json"]),
                              self._media(r["video"]), frames, r["note"])

    # ----- profiles -------------------------------------------------------------------------------
    def create_profile(self, name: str) -> Profile:
        p = Profile(_new_id(), _name(name), _now())
        with self.store._write() as c:
            c.execute("INSERT INTO profiles VALUES (?, ?, ?, ?)", (p.id, self.id, p.name, p.created))
        return p

    def profiles(self) -> list[Profile]:
        with self.store._connect() as c:
            rows = c.execute("SELECT id, name, created FROM profiles WHERE workspace_id = ? "
                             "ORDER BY name COLLATE NOCASE, created", (self.id,)).fetchall()
        return [Profile(*r) for r in rows]

    def profile(self, profile_id: str) -> Profile:
        with self.store._connect() as c:
            r = self._row(c, "profiles", profile_id, "profile")
        return Profile(r["id"], r["name"], r["created"])

    def rename_profile(self, profile_id: str, name: str) -> None:
        with self.store._write() as c:
            self._row(c, "profiles", profile_id, "profile")
            c.execute("UPDATE profiles SET name = ? WHERE id = ? AND workspace_id = ?", (_name(name), profile_id, self.id))

    def delete_profile(self, profile_id: str) -> None:
        """Remove the profile, all its screenings and their saved videos and stills."""
        with self.store._write() as c:
            self._row(c, "profiles", profile_id, "profile")
            ids = [r[0] for r in c.execute("SELECT id FROM screenings WHERE profile_id = ? AND workspace_id = ?",
                                           (profile_id, self.id))]
            c.execute("DELETE FROM screenings WHERE profile_id = ? AND workspace_id = ?", (profile_id, self.id))
            c.execute("DELETE FROM profiles WHERE id = ? AND workspace_id = ?", (profile_id, self.id))
        for sid in ids:
            self._remove_media(sid)

    # ----- screenings -----------------------------------------------------------------------------
    def save_screening(self, profile_id: str, result: Result, video_path: str | Path | None = None,
                       keyframes: Sequence[tuple[str, str | Path]] = (), note: str = "") -> str:
        """Save a Result under a profile; copy the video only when given (the user ticked the box)."""
        if not isinstance(result, Result):
            raise StoreError("Only a KneeScreen Result can be saved.")
        sid, text = _new_id(), result.to_json(indent=None)
        folder = self.media_dir / sid
        try:
            with self.store._write() as c:
                self._row(c, "profiles", profile_id, "profile")
                video_rel, frames = None, []
                if video_path is not None:
                    src = Path(video_path)
                    suffix = src.suffix.lower() if src.suffix.lower() in VIDEO_SUFFIXES else ".mp4"
                    folder.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, folder / f"video{suffix}")
                    video_rel = f"{sid}/video{suffix}"
                for i, (label, path) in enumerate(keyframes, 1):
                    src = Path(path)
                    suffix = src.suffix.lower() if src.suffix.lower() in STILL_SUFFIXES else ".png"
                    folder.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, folder / f"still_{i}{suffix}")
                    frames.append([str(label), f"{sid}/still_{i}{suffix}"])
                c.execute("INSERT INTO screenings (id, workspace_id, profile_id, created, test, result_json, video, "
                          "keyframes, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (sid, self.id, profile_id, result.created or _now(), result.test, text, video_rel,
                           json.dumps(frames), str(note or "")))
        except BaseException:
            self._remove_media(sid)
            raise
        return sid

    def screenings(self, profile_id: str, test: str | None = None) -> list[SavedScreening]:
        """The profile's screenings, oldest first (optionally of one test)."""
        with self.store._connect() as c:
            self._row(c, "profiles", profile_id, "profile")
            rows = c.execute("SELECT * FROM screenings WHERE workspace_id = ? AND profile_id = ? AND "
                             "(? IS NULL OR test = ?) ORDER BY created, rowid",
                             (self.id, profile_id, test, test)).fetchall()
        return [self._saved(r) for r in rows]

    def get_screening(self, screening_id: str) -> SavedScreening:
        with self.store._connect() as c:
            return self._saved(self._row(c, "screenings", screening_id, "saved screening"))

    def delete_screening(self, screening_id: str) -> None:
        with self.store._write() as c:
            self._row(c, "screenings", screening_id, "saved screening")
            c.execute("DELETE FROM screenings WHERE id = ? AND workspace_id = ?", (screening_id, self.id))
        self._remove_media(screening_id)

    # ----- workshop sessions ----------------------------------------------------------------------
    def create_session(self, title: str, passcode: str) -> Session:
        if len(str(passcode or "")) < 4:
            raise StoreError("Choose a leader passcode of at least 4 characters.")
        s, salt = Session(_new_id(), _name(title, "workshop title"), _now()), secrets.token_bytes(16)
        with self.store._write() as c:
            c.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
                      (s.id, self.id, s.title, salt, _passcode_hash(passcode, salt), s.created))
        return s

    def open_session(self, session_id: str, passcode: str) -> Session:
        with self.store._connect() as c:
            r = self._row(c, "sessions", session_id, "workshop session")
        if not hmac.compare_digest(_passcode_hash(str(passcode or ""), r["pass_salt"]), r["pass_hash"]):
            raise StoreError("Wrong leader passcode for this workshop.")
        return Session(r["id"], r["title"], r["created"])

    def sessions(self) -> list[Session]:
        with self.store._connect() as c:
            rows = c.execute("SELECT id, title, created FROM sessions WHERE workspace_id = ? ORDER BY created",
                             (self.id,)).fetchall()
        return [Session(*r) for r in rows]

    def add_participant(self, session_id: str, name_or_code: str) -> Participant:
        """Add a participant (a name or a code) and a profile of that name to save their screening under."""
        name = _name(name_or_code, "participant name or code")
        p = Participant(_new_id(), session_id, name, _new_id(), None, "pending", "")
        with self.store._write() as c:
            self._row(c, "sessions", session_id, "workshop session")
            c.execute("INSERT INTO profiles VALUES (?, ?, ?, ?)", (p.profile_id, self.id, name, _now()))
            c.execute("INSERT INTO participants (id, workspace_id, session_id, name, profile_id, created) "
                      "VALUES (?, ?, ?, ?, ?, ?)", (p.id, self.id, session_id, name, p.profile_id, _now()))
        return p

    def participants(self, session_id: str) -> list[Participant]:
        with self.store._connect() as c:
            self._row(c, "sessions", session_id, "workshop session")
            rows = c.execute("SELECT id, session_id, name, profile_id, screening_id, status, message FROM "
                             "participants WHERE workspace_id = ? AND session_id = ? ORDER BY created, rowid",
                             (self.id, session_id)).fetchall()
        return [Participant(*r) for r in rows]

    def record_participant_result(self, session_id: str, participant_id: str, screening_id: str | None,
                                  status: str, message: str = "") -> None:
        if status not in STATUSES:
            raise StoreError(f"Status must be one of {', '.join(STATUSES)}.")
        with self.store._write() as c:
            part = self._row(c, "participants", participant_id, "participant")
            if part["session_id"] != session_id:
                raise StoreError("No such participant in this workshop session.")
            if screening_id is not None:
                self._row(c, "screenings", screening_id, "saved screening")
            c.execute("UPDATE participants SET screening_id = ?, status = ?, message = ? WHERE id = ? AND "
                      "workspace_id = ?", (screening_id, status, str(message or ""), participant_id, self.id))

    def session_table(self, session_id: str) -> list[dict]:
        """The group table: one row per participant (name, status, bands, key numbers, capture problems)."""
        from .batch import result_row
        rows = []
        for p in self.participants(session_id):
            result = self.get_screening(p.screening_id).result if p.screening_id else None
            rows.append({"name": p.name, "participant_id": p.id, "status": p.status, **result_row(result),
                         "message": p.message, "screening_id": p.screening_id or ""})
        return rows

    # ----- export / import ------------------------------------------------------------------------
    def export_profile(self, profile_id: str, include_videos: bool = False) -> bytes:
        """A zip: profile.json (the profile and each screening's Result), plus videos and stills if asked."""
        prof, items = self.profile(profile_id), self.screenings(profile_id)
        buf, entries = io.BytesIO(), []
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for i, s in enumerate(items, 1):
                e = {"created": s.created, "note": s.note, "result": s.result.to_dict(), "video": None, "keyframes": []}
                if include_videos and s.video:
                    e["video"] = f"media/{i}/video{s.video.suffix.lower()}"
                    z.write(s.video, e["video"])
                for j, (label, path) in enumerate(s.keyframes if include_videos else [], 1):
                    name = f"media/{i}/still_{j}{path.suffix.lower()}"
                    z.write(path, name)
                    e["keyframes"].append([label, name])
                entries.append(e)
            z.writestr("profile.json", json.dumps({"format": EXPORT_FORMAT, "version": 1, "profile": {
                "name": prof.name, "created": prof.created}, "screenings": entries}, allow_nan=False))
        return buf.getvalue()

    def import_profile(self, zip_bytes: bytes) -> str:
        """Import an exported profile as a new profile of this workspace; refuses anything unexpected."""
        if not saving_enabled():
            raise StoreError(SAVING_OFF)
        if len(zip_bytes) > MAX_IMPORT_BYTES:
            raise StoreError("This file is too large to import.")
        try:
            z = zipfile.ZipFile(io.BytesIO(zip_bytes))
        except (zipfile.BadZipFile, ValueError):
            raise StoreError("This is not a KneeScreen profile export (not a zip file).") from None
        with z, tempfile.TemporaryDirectory(prefix="kneescreen-import-") as tmp:
            infos = z.infolist()
            names = {i.filename for i in infos}
            bad = [n for n in names if n != "profile.json" and not _ENTRY.match(n)]
            if bad or len(infos) > MAX_IMPORT_ENTRIES or len(names) != len(infos):
                raise StoreError(f"Import refused: unexpected entries in the zip ({', '.join(sorted(bad)[:3])}).")
            if sum(i.file_size for i in infos) > MAX_IMPORT_BYTES or "profile.json" not in names or \
                    z.getinfo("profile.json").file_size > MAX_JSON_BYTES:
                raise StoreError("Import refused: the zip is too large or has no profile.json.")
            try:
                meta = json.loads(z.read("profile.json"))
                name = _name(meta["profile"]["name"])
                entries = [(e, Result.from_dict(e["result"])) for e in meta["screenings"]]
                problem = meta.get("format") != EXPORT_FORMAT or not isinstance(meta["screenings"], list)
                for e, r in entries:
                    refs = ([e["video"]] if e.get("video") else []) + [p for _, p in e.get("keyframes") or []]
                    r.to_json()
                    problem = problem or r.test not in TESTS or not isinstance(r.legs, dict) or \
                        not all(isinstance(ref, str) and ref in names for ref in refs)
            except Exception as err:  # noqa: BLE001 - any malformed content is refused the same way
                problem = f"{type(err).__name__}: {err}"[:80]
            if problem:
                raise StoreError("Import refused: profile.json is not a valid KneeScreen export"
                                 + (f" ({problem})." if isinstance(problem, str) else "."))
            prof = self.create_profile(name)
            try:
                for n, (e, result) in enumerate(entries):
                    def extract(ref: str) -> Path:
                        out = Path(tmp) / f"{n}_{Path(ref).name}"
                        with z.open(ref) as src, open(out, "wb") as dst:
                            shutil.copyfileobj(src, dst)
                        return out
                    video = extract(e["video"]) if e.get("video") else None
                    frames = [(str(label), extract(ref)) for label, ref in e.get("keyframes") or []]
                    self.save_screening(prof.id, result, video, frames, str(e.get("note") or ""))
            except BaseException:
                self.delete_profile(prof.id)
                raise
        return prof.id
