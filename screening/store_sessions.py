"""Workshop sessions inside a workspace: leader passcode, participants, the group table."""
from __future__ import annotations

import hmac
import secrets

from .store_base import (STATUSES, Participant, Session, StoreError, _name, _new_id, _now,
                         _passcode_hash)


class SessionsMixin:
    """Workspace methods for workshops (every query filters by the workspace id)."""

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
