"""Export a profile as one zip (Results, optionally videos and stills) and import it into a workspace."""
from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from .result import TESTS, Result
from .store_base import (_ENTRY, EXPORT_FORMAT, MAX_IMPORT_BYTES, MAX_IMPORT_ENTRIES, MAX_JSON_BYTES,
                         SAVING_OFF, StoreError, _name, saving_enabled)


class TransferMixin:
    """Workspace methods that move a profile in and out (validated, no path from the zip is trusted)."""

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
