"""Workshop sessions inside a workspace: leader passcode, participants, the group table."""
from __future__ import annotations

import hmac
import secrets
import threading
import weakref

from screening.outputs.group import result_row
from screening.store.base import (GUESS_WINDOW_S, MAX_GUESSES, SCRYPT_N, STATUSES, Participant, Session, StoreError,
                                   WorkspaceParts, _name, _new_id, _now, _passcode_hash, count_attempt)

MAX_HASHES = 2                  # scrypt checks at once in this process (128 MiB each)
HASH_WAIT_S = 20.0
MAX_NEW_SESSIONS, NEW_SESSION_WINDOW_S = 10, 3600   # workshops a workspace may create per hour
BUSY_HASHING = "The server is busy checking other passcodes: nothing was checked. Try again in a moment."
_hashing = threading.BoundedSemaphore(MAX_HASHES)
_checking: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
_checking_guard = threading.Lock()


def _hash(passcode: str, salt: bytes, n: int = SCRYPT_N) -> bytes:
    """scrypt, at most MAX_HASHES at once: 24 guesses at once took the server to 3.1 GB."""
    if not _hashing.acquire(timeout=HASH_WAIT_S):
        raise StoreError(BUSY_HASHING)
    try:
        return _passcode_hash(passcode, salt, n)
    finally:
        _hashing.release()


def _one_check_at_a_time(session_id: str) -> threading.Lock:
    with _checking_guard:
        lock = _checking.get(session_id)
        if lock is None:
            lock = _checking[session_id] = threading.Lock()
        return lock


INTERRUPTED = ("The analysis stopped before it finished (the server restarted, or the batch was cancelled or "
               "abandoned). Upload this clip again.")


class SessionsMixin(WorkspaceParts):
    """Workspace methods for workshops (every query filters by the workspace id)."""

    def create_session(self, title: str, passcode: str) -> Session:
        if len(str(passcode or "")) < 4:
            raise StoreError("Choose a leader passcode of at least 4 characters.")
        s, salt = Session(_new_id(), _name(title, "workshop title"), _now()), secrets.token_bytes(16)
        with self.store._write() as c:          # counted first: each new workshop costs a slow hash
            count_attempt(c, self.id, "new_session", "", NEW_SESSION_WINDOW_S, MAX_NEW_SESSIONS, "This workspace "
                          "created {n} workshops in the last hour, the most allowed. Try again later, or reuse one.")
        digest = _hash(str(passcode), salt)
        with self.store._write() as c:
            c.execute("INSERT INTO sessions (id, workspace_id, title, pass_salt, pass_hash, created, pass_n) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)", (s.id, self.id, s.title, salt, digest, s.created, SCRYPT_N))
        return s

    def open_session(self, session_id: str, passcode: str) -> Session:
        """Check the leader passcode: at most MAX_GUESSES wrong ones per workshop in GUESS_WINDOW_S, counted
        in the database (so across browser sessions); an old, cheaper hash is upgraded on success. Each try
        is counted as wrong before it is hashed (and uncounted if right), and one workshop's tries are hashed
        one at a time, so guesses made at once cannot pass the limit."""
        with _one_check_at_a_time(session_id):
            return self._check_passcode(session_id, str(passcode or ""))

    def _check_passcode(self, session_id: str, code: str) -> Session:
        with self.store._write() as c:
            r = self._row(c, "sessions", session_id, "workshop session")
            wrong, attempt = count_attempt(c, self.id, "wrong_passcode", session_id, GUESS_WINDOW_S, MAX_GUESSES,
                                           "Too many wrong passcodes for this workshop: try again in "
                                           f"{GUESS_WINDOW_S // 60} minutes.")
        if hmac.compare_digest(_hash(code, r["pass_salt"], r["pass_n"]), r["pass_hash"]):
            with self.store._write() as c:
                c.execute("DELETE FROM events WHERE rowid = ?", (attempt,))
        else:
            left = MAX_GUESSES - wrong - 1
            raise StoreError("Wrong leader passcode for this workshop." + (
                f" {left} more tr{'ies' if left != 1 else 'y'} before a {GUESS_WINDOW_S // 60}-minute pause."
                if left else f" Try again in {GUESS_WINDOW_S // 60} minutes."))
        if r["pass_n"] != SCRYPT_N and self.store.read_only is False:
            salt = secrets.token_bytes(16)
            with self.store._write() as c:
                c.execute("UPDATE sessions SET pass_salt = ?, pass_hash = ?, pass_n = ? WHERE id = ? AND "
                          "workspace_id = ?", (salt, _hash(code, salt), SCRYPT_N, session_id, self.id))
        return Session(r["id"], r["title"], r["created"])

    def mark_interrupted(self, session_id: str) -> int:
        """Participants left 'running' by a batch that no longer runs (killed server, closed tab): mark them
        interrupted so the leader sees what to redo. Returns how many."""
        with self.store._write() as c:
            self._row(c, "sessions", session_id, "workshop session")
            return c.execute("UPDATE participants SET status = 'interrupted', message = ? WHERE workspace_id = ? "
                             "AND session_id = ? AND status = 'running'", (INTERRUPTED, self.id, session_id)).rowcount

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
            self._room_for_profile(c)
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
        rows = []
        for p in self.participants(session_id):
            result = self.get_screening(p.screening_id).result if p.screening_id else None   # None if damaged
            rows.append({"name": p.name, "participant_id": p.id, "status": p.status, **result_row(result),
                         "message": p.message, "screening_id": p.screening_id or ""})
        return rows
