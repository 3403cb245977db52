"""Export a profile as one zip (Results, optionally videos and stills) and import it into a workspace."""
from __future__ import annotations

import io
import json
import zipfile
import zlib
from typing import IO, Any

from screening.core.vocab import parse_date
from screening.store.result_check import MAX_RECORDS, MAX_TEXT, ResultInvalid, check_result
from screening.store.base import (_ENTRY, EXPORT_FORMAT, MAX_IMPORT_BYTES, MAX_IMPORT_ENTRIES, MAX_IMPORTS_PER_DAY,
                         MAX_IMPORT_SCREENINGS, MAX_JSON_BYTES, MAX_WORKSPACE_BYTES, SAVING_OFF, StoreError,
                         WorkspaceParts, _name, _new_id, _now, count_attempt, saving_enabled, unicode_checked)
from screening.store.files import TooLarge
from screening.store.stills import BadStill, reencoded_still

ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
              NotImplementedError, RuntimeError)      # corrupt, truncated, encrypted or oddly compressed
REFUSED = "Import refused: profile.json is not a valid KneeScreen export ({})."
CORRUPT = "Import refused: the zip file is damaged ({}). Nothing was imported; export the profile again."
NOT_UNICODE = ("Import refused: profile.json holds text that is not valid Unicode (for example a lone surrogate "
               "such as \\ud800). Nothing was imported.")
DAY_S = 24 * 3600


class TransferMixin(WorkspaceParts):
    """Workspace methods that move a profile in and out (validated, no path from the zip is trusted)."""

    def export_profile(self, profile_id: str, include_videos: bool = False, out: IO[bytes] | None = None
                       ) -> bytes | None:
        """A zip: profile.json (the profile and each screening's Result), plus videos and stills if asked.
        Damaged records are left out. With `out` (a file open for writing) the zip is streamed into it, a
        megabyte at a time (videos are stored as they are: already compressed), and None is returned;
        without it, the bytes are returned."""
        prof = self.profile(profile_id)
        items = [(s, s.result) for s in self.screenings(profile_id) if s.result is not None]
        buf, entries = out if out is not None else io.BytesIO(), []
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for i, (s, result) in enumerate(items, 1):
                e: dict[str, Any] = {"created": s.created, "note": s.note, "result": result.to_dict(), "video": None,
                                     "keyframes": []}
                if include_videos and s.video:
                    e["video"] = f"media/{i}/video{s.video.suffix.lower()}"
                    z.write(s.video, e["video"], compress_type=zipfile.ZIP_STORED)
                for j, (label, path) in enumerate(s.keyframes if include_videos else [], 1):
                    name = f"media/{i}/still_{j}{path.suffix.lower()}"
                    z.write(path, name)
                    e["keyframes"].append([label, name])
                entries.append(e)
            z.writestr("profile.json", json.dumps({"format": EXPORT_FORMAT, "version": 1, "profile": {
                "name": prof.name, "created": prof.created}, "screenings": entries}, allow_nan=False))
        return buf.getvalue() if out is None and isinstance(buf, io.BytesIO) else None

    def export_size(self, profile_id: str, include_videos: bool = False) -> int:
        """About how many bytes export_profile writes (its media files; the Results compress well)."""
        return sum((s.video.stat().st_size if s.video else 0) + sum(p.stat().st_size for _, p in s.keyframes)
                   for s in self.screenings(profile_id) if s.result is not None) if include_videos else 0

    def import_profile(self, zip_bytes: bytes) -> str:
        """Import an exported profile as a new profile of this workspace; refuses anything unexpected.

        Every Result is validated strictly first. The media are then copied (counting the bytes actually
        written) into folders no record points to yet, and the profile with all its screenings is published
        in one transaction: a failure or a kill at any point leaves nothing visible (the orphan folders are
        swept when the store is next opened)."""
        if not saving_enabled():
            raise StoreError(SAVING_OFF)
        self._count_import()           # every attempt counts, refused or not: a refusal costs work too
        if len(zip_bytes) > MAX_IMPORT_BYTES:
            raise StoreError("This file is too large to import.")
        try:
            z = zipfile.ZipFile(io.BytesIO(zip_bytes))
        except ZIP_ERRORS:
            raise StoreError("This is not a KneeScreen profile export (not a zip file).") from None
        with z:
            name, entries = self._read_manifest(z)
            budget = [min(MAX_IMPORT_BYTES, MAX_WORKSPACE_BYTES - self.usage(), self.store.room())]
            sids, staged, published = [], [], False
            prof_id, created = _new_id(), _now()
            try:
                for e, result in entries:
                    sids.append(_new_id())
                    video = (e["video"], _member(z, e["video"])) if e.get("video") else None
                    frames = [(label, ("still.png", _still(z, ref))) for label, ref in e.get("keyframes") or []]
                    if budget[0] < 0:
                        raise TooLarge()
                    staged.append((sids[-1], e, result, *self._stage(sids[-1], video, frames, budget)))
                with self.store._write() as c:
                    self._room_for_profile(c)
                    c.execute("INSERT INTO profiles VALUES (?, ?, ?, ?)", (prof_id, self.id, name, created))
                    for sid, e, result, video_rel, stills in staged:
                        text = json.dumps(e["result"], allow_nan=False)      # as validated
                        self._insert(c, sid, prof_id, result, text, video_rel, stills, e.get("note") or "",
                                     e.get("created"))
                published = True
            except TooLarge:
                raise StoreError(f"Import refused: it would write more than "
                                 f"{min(MAX_IMPORT_BYTES, MAX_WORKSPACE_BYTES) / 1e9:.1f} GB, or more than this "
                                 "workspace or this server has room for. Nothing was imported.") from None
            except BadStill as err:
                raise StoreError(f"Import refused: a still is not a picture KneeScreen can show ({err}). Nothing "
                                 "was imported.") from None
            except ZIP_ERRORS as err:
                raise StoreError(CORRUPT.format(type(err).__name__)) from None
            finally:
                if not published:
                    for sid in sids:
                        self._remove_media(sid)
        return prof_id

    def _count_import(self) -> None:
        """Count this import attempt before any work, or refuse it when the day's attempts are used up (one
        transaction: attempts made at the same moment cannot all pass)."""
        with self.store._write() as c:
            count_attempt(c, self.id, "import", "", DAY_S, MAX_IMPORTS_PER_DAY, "This workspace has tried {n} "
                          "profile imports in the last 24 hours (refused ones count too), the most allowed. Try again "
                          "tomorrow.")

    def _read_manifest(self, z: zipfile.ZipFile) -> tuple[str, list]:
        """The profile name and [(entry, validated Result)] of profile.json; raises StoreError."""
        try:
            infos = z.infolist()
        except ZIP_ERRORS as err:
            raise StoreError(CORRUPT.format(type(err).__name__)) from None
        names = {i.filename for i in infos}
        bad = [n for n in names if n != "profile.json" and not _ENTRY.match(n)]
        if bad or len(infos) > MAX_IMPORT_ENTRIES or len(names) != len(infos):
            raise StoreError(f"Import refused: unexpected entries in the zip ({', '.join(sorted(bad)[:3])[:200]}).")
        if "profile.json" not in names:
            raise StoreError("Import refused: the zip has no profile.json.")
        try:
            with z.open("profile.json") as fh:
                raw = fh.read(MAX_JSON_BYTES + 1)
        except ZIP_ERRORS as err:
            raise StoreError(CORRUPT.format(type(err).__name__)) from None
        if len(raw) > MAX_JSON_BYTES:
            raise StoreError("Import refused: profile.json is too large.")
        try:
            text = raw.decode("utf-8")
            meta = unicode_checked(json.loads(text), text)     # an escaped surrogate: fine in a pair (an emoji) only
        except (UnicodeError, StoreError):
            raise StoreError(NOT_UNICODE) from None
        except (ValueError, RecursionError) as err:
            raise StoreError(REFUSED.format(type(err).__name__)) from None
        try:
            if not isinstance(meta, dict) or meta.get("format") != EXPORT_FORMAT:
                raise ResultInvalid("not a KneeScreen profile export")
            name = _name(meta["profile"]["name"])
            screenings = meta["screenings"]
            if not isinstance(screenings, list) or len(screenings) > MAX_IMPORT_SCREENINGS:
                raise ResultInvalid(f"screenings should be a list of at most {MAX_IMPORT_SCREENINGS}")
            used: set[str] = set()
            entries, records = [], [MAX_RECORDS]
            for i, e in enumerate(screenings, 1):
                if not isinstance(e, dict) or set(e) - {"created", "note", "result", "video", "keyframes"}:
                    raise ResultInvalid(f"screening {i} has unexpected fields")
                _check_entry(e, i, names, used)
                entries.append((e, check_result(e["result"], records)))
        except ResultInvalid as err:
            raise StoreError(REFUSED.format(str(err)[:160])) from None
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError, StoreError) as err:
            raise StoreError(REFUSED.format(type(err).__name__)) from None
        return name, entries


def _check_entry(e: dict, i: int, names: set[str], used: set[str]) -> None:
    """The entry's date, note and media references; each zip member may be used once only."""
    where = f"screening {i}"
    if not isinstance(e.get("created", ""), str) or len(e.get("created") or "") > 40:
        raise ResultInvalid(f"{where}: the date should be a short text")
    if e.get("created"):
        day = parse_date(e["created"])
        if day is None:
            raise ResultInvalid(f"{where}: the date should be a date between 1970 and 2199 (ISO 8601)")
        e["created"] = day.isoformat(timespec="seconds")
    if not isinstance(e.get("note", ""), str) or len(e.get("note") or "") > MAX_TEXT:
        raise ResultInvalid(f"{where}: the note should be a short text")
    frames = e.get("keyframes") or []
    if not isinstance(frames, list) or len(frames) > 50 or not all(
            isinstance(f, list) and len(f) == 2 and isinstance(f[0], str) and len(f[0]) <= 200 for f in frames):
        raise ResultInvalid(f"{where}: keyframes should be [label, file] pairs")
    refs = ([e["video"]] if e.get("video") else []) + [ref for _, ref in frames]
    for ref in refs:
        if not isinstance(ref, str) or ref not in names or ref == "profile.json" or ref in used:
            raise ResultInvalid(f"{where}: a media file is missing or used twice")
        used.add(ref)
    if e.get("video") and "/video." not in e["video"] or any("/still_" not in ref for _, ref in frames):
        raise ResultInvalid(f"{where}: a media file has the wrong kind")


def _member(z: zipfile.ZipFile, ref: str):
    return lambda: z.open(ref)


def _still(z: zipfile.ZipFile, ref: str):
    """An opener of the still `ref`, checked and re-encoded as PNG (raises BadStill)."""
    def opened() -> io.BytesIO:
        with z.open(ref) as fh:
            return io.BytesIO(reencoded_still(fh))
    return opened
