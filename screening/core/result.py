"""The Result dataclass every output reads, and its JSON round trip."""
from __future__ import annotations

import functools
import json
import math
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

import numpy as np

from screening.core.specs import EVENT_NOUNS, SPECS
from screening.core.types import BANDS, TESTS, Band, EventKind, Leg, NoteLevel, Reliability, TestName

SCHEMA_VERSION = 1
TEST_LABELS: dict[str, str] = {name: spec.label for name, spec in SPECS.items()}
__all__ = ["SCHEMA_VERSION", "BANDS", "TESTS", "TEST_LABELS", "Note", "VideoMeta", "ModelMeta", "MeasureValue",
           "Event", "Rating", "Lead", "LegSummary", "Series", "Result"]


@dataclass
class Note:
    """A capture-quality note: level is 'info', 'warning' or 'error'."""
    code: str
    level: NoteLevel
    message: str
    fix: str = ""


@dataclass
class VideoMeta:
    file_name: str
    width: int                 # after rotation
    height: int
    rotation: int              # display rotation applied, degrees
    fps: float                 # average frames per second
    duration_s: float
    n_frames: int              # frames decoded
    variable_frame_rate: bool
    codec: str
    work_width: int            # frame size the pose model saw (downscaled)
    work_height: int


@dataclass
class ModelMeta:
    tier: str
    sha256: str
    source: str
    requested_tier: str
    note: str | None = None
    mediapipe_version: str = ""
    pose_every: int = 1        # the model ran on every n-th frame; the others were interpolated


@dataclass
class MeasureValue:
    """One measure for one leg at one event (or for both legs, for ratios)."""
    key: str
    value: float | None
    reliability: Reliability
    reliability_reason: str


@dataclass
class Event:
    """A repetition (squat) or a landing (drop jump) with its key frames."""
    kind: EventKind
    index: int                 # 1-based
    start_frame: int
    key_frame: int             # deepest point (rep) or peak knee flexion (landing)
    end_frame: int
    start_s: float
    key_s: float
    end_s: float
    contact_frame: int | None = None     # landings: initial contact
    contact_s: float | None = None
    depth: float = 0.0                   # hip descent / leg length at the key frame (clamshell: the
                                         # opening's rise above the closed position, deg)
    values: dict[str, list[MeasureValue]] = field(default_factory=dict)  # 'left'|'right'|'both' -> values
    contact_values: dict[str, list[MeasureValue]] = field(default_factory=dict)
    leg: Leg | None = None               # single-leg squat: the leg that stood (None: both legs, or unknown)


@dataclass
class Rating:
    """A measure summarised over the events for one leg, with its band, reason and sources."""
    key: str
    label: str
    value: float | None        # median over the events
    unit: str
    band: Band | None          # None: not rated
    spread: float | None       # repetition-to-repetition SD
    reliability: Reliability
    reliability_reason: str
    reason: str                # one plain sentence
    norm: str                  # the norm in words
    sources: list[str]
    experimental: bool = False
    primary: bool = False      # the measure this summary leads with
    per_event: list[float | None] = field(default_factory=list)


@dataclass
class Lead:
    """The one measure a leg's verdict rests on, as every output shows it (decided once, engine.ratings)."""
    key: str                   # the measure that set the leg's band (unrated leg: the one that would have)
    label: str                 # its name, as in the table of every measure
    value: str                 # its value as shown everywhere: '21°', '5.3% of leg length inward', 'n/a'
    why: str                   # one sentence: why the verdict rests on it, or why the leg is not rated


@dataclass
class LegSummary:
    """One leg's verdict: band, headline and lead all come from one measure (lead.key == key_measure)."""
    leg: Leg
    band: Band | None
    headline: str              # one plain sentence, from the lead measure
    what_it_means: str
    key_measure: str           # the lead measure's key ('' when no knee measure was made)
    ratings: list[Rating]
    recommendations: list[str]  # content page slugs
    lead: Lead | None = None   # None only in results saved before it (the store derives it on load)

    def rating(self, key: str) -> Rating | None:
        return next((r for r in self.ratings if r.key == key), None)


@dataclass
class Series:
    """Per-frame values, one entry per decoded frame (None where there is no value)."""
    frame: list[int]
    time_s: list[float]
    person: list[int]
    values: dict[str, list[float | None]]        # e.g. fppa_left_deg, kasr, depth
    points: dict[str, list[list[float | None]]]  # e.g. left_knee -> [[x, y], ...] in pixels


@dataclass
class Result:
    schema_version: int
    created: str
    test: TestName
    leg: Leg | None            # single-leg tests: SPECS[test].leg_role (squat: the stance leg when every
                               # repetition stood on it, each event's own leg says which, None when both
                               # legs were tested; clamshell: the top leg)
    sex: str | None
    sport: str | None
    norms_used: str
    video: VideoMeta
    model: ModelMeta
    notes: list[Note]
    events: list[Event]
    legs: dict[str, LegSummary]
    series: Series
    disclaimer: str
    example: bool = False      # True for the synthetic example result

    # ----- convenience -------------------------------------------------------------------
    @property
    def event_noun(self) -> str:
        """What the events are called ('repetition' or 'landing'): from their kind, else from the test."""
        return EVENT_NOUNS[self.events[0].kind] if self.events else SPECS[self.test].event_noun

    @property
    def warnings(self) -> list[Note]:
        return [n for n in self.notes if n.level in ("warning", "error")]

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))

    def to_json(self, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Result":
        return _build(cls, data)

    @classmethod
    def from_json(cls, text: str) -> "Result":
        return cls.from_dict(json.loads(text))

    @classmethod
    def load(cls, path: str | Path) -> "Result":
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def _clean(obj: Any) -> Any:
    """NaN/inf -> None, numpy scalars -> Python, recursively."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, (np.floating, float)):
        f = float(obj)
        return f if math.isfinite(f) else None
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


_PLAIN = (int, float, str, bool, float | None)      # list items built as they are (per-frame series)


@functools.cache
def _hints(tp: type) -> tuple[tuple[str, Any], ...]:
    """(field, type) of a dataclass, worked out once (get_type_hints costs about 0.3 ms a call)."""
    hints = get_type_hints(tp)
    return tuple((f.name, hints[f.name]) for f in fields(tp))


@functools.cache
def _shape(tp: Any) -> tuple[bool, Any, tuple]:
    """(is it a dataclass, origin, arguments) of a type, worked out once."""
    return isinstance(tp, type) and is_dataclass(tp), get_origin(tp), get_args(tp)


def _build(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    dc, origin, args = _shape(tp)
    if dc:
        kwargs = {name: _build(hint, data[name]) for name, hint in _hints(tp) if name in data}
        return tp(**kwargs)
    if origin is list:
        if args[0] in _PLAIN:
            return list(data)
        if get_origin(args[0]) is list and get_args(args[0])[0] in _PLAIN:     # per-frame points
            return [list(v) for v in data]
        return [_build(args[0], v) for v in data]
    if origin is dict:
        return {k: _build(args[1], v) for k, v in data.items()}
    if args and type(None) in args:  # Optional[X]
        inner = [a for a in args if a is not type(None)]
        return _build(inner[0], data) if len(inner) == 1 else data
    return data
