"""Strict validation of a Result dict from outside (an imported zip, a stored record) against the schema."""
from __future__ import annotations

import contextvars
import functools
import itertools
import math
import re
from dataclasses import MISSING, fields, is_dataclass
from typing import Any, Literal, get_args, get_origin, get_type_hints

import numpy as np

from screening.engine.models import TIERS
from screening.engine.ratings import MEASURES
from screening.engine.verdict import complete
from screening.core.result import (SCHEMA_VERSION, Event, Lead, LegSummary, MeasureValue, ModelMeta, Note, Rating,
                                   Result, Series)
from screening.core.vocab import parse_date
from screening.core.types import BANDS, EVENT_KINDS, LEGS, LEVELS, RELIABILITY, TESTS

UNITS = tuple(sorted({unit for _, unit, _, _ in MEASURES.values()}))
MAX_TEXT = 4000                  # characters in any one string
#: Items in one per-frame list: a 3-minute clip at 240 fps (43,200 frames), the most KneeScreen read before the
#: frame cap of engine.clip_limits, so every Result saved since still loads.
MAX_LIST = 43_200
MAX_EVENTS = 300                 # a 3-minute clip at 1 repetition a second is 180
MAX_KEYS = 64                    # keys of any one mapping
#: Records (a note, an event, a value ...) in one Result, or in all the Results of one import: a real Result
#: holds tens to a few thousand; validating one costs a few microseconds.
MAX_RECORDS = 50_000
_RECORDS: contextvars.ContextVar[list[int]] = contextvars.ContextVar("records_left")
#: Lists a real Result holds few of: capped by what the engine can make (each measure once per leg or event).
LIST_CAPS: dict[tuple[type, str], int] = {
    (Result, "notes"): 50, (Result, "events"): MAX_EVENTS, (LegSummary, "ratings"): len(MEASURES),
    (LegSummary, "recommendations"): 30, (Rating, "sources"): 20, (Rating, "per_event"): MAX_EVENTS,
    (Event, "values"): len(MEASURES), (Event, "contact_values"): len(MEASURES),
}
TIER_NAMES = (*TIERS, "synthetic")      # the model tiers, and the synthetic results of the example and tests
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
# (dataclass, field) -> the values it may take (None included where the type is optional)
ALLOWED: dict[tuple[type, str], tuple] = {
    (Result, "test"): TESTS, (Result, "leg"): (None, *LEGS), (Result, "sex"): (None, "female", "male"),
    (Result, "schema_version"): (SCHEMA_VERSION,),
    (LegSummary, "leg"): LEGS, (LegSummary, "band"): (None, *BANDS), (LegSummary, "key_measure"): ("", *MEASURES),
    (Lead, "key"): tuple(MEASURES),
    (Rating, "key"): tuple(MEASURES), (Rating, "band"): (None, *BANDS), (Rating, "reliability"): RELIABILITY,
    (Rating, "unit"): UNITS,
    (MeasureValue, "key"): tuple(MEASURES), (MeasureValue, "reliability"): RELIABILITY,
    (Note, "level"): LEVELS, (Event, "kind"): EVENT_KINDS,
    (ModelMeta, "tier"): TIER_NAMES, (ModelMeta, "requested_tier"): TIER_NAMES,
}
# mappings whose keys are restricted
KEYS: dict[tuple[type | None, str], tuple] = {
    (Result, "legs"): LEGS, (Event, "values"): (*LEGS, "both"), (Event, "contact_values"): (*LEGS, "both"),
}


class ResultInvalid(ValueError):
    """The data is not a valid KneeScreen Result; `str(e)` names the first problem and where it is."""


def readable(data: dict[str, Any]) -> Result:
    """A Result from checked data, each leg's verdict derived from its ratings where it was saved before
    LegSummary.lead, or where the saved one does not agree with them (edited or imported)."""
    return complete(Result.from_dict(data))


def check_result(data: Any, records: list[int] | None = None) -> Result:
    """Validate `data` strictly (types, allowed values, finite numbers, known measure keys, sizes) and
    build the Result. Raises ResultInvalid naming the first problem. `records`: how many records (objects)
    may still be checked, shared by the Results of one import and decremented here."""
    token = _RECORDS.set(records if records is not None else [MAX_RECORDS])
    try:
        _check(Result, data, "result")
    finally:
        _RECORDS.reset(token)
    result = readable(data)
    if result.created and parse_date(result.created) is None:
        raise ResultInvalid("result.created is not a date between 1970 and 2199")
    for leg, summary in result.legs.items():
        if summary.leg != leg:
            raise ResultInvalid(f"result.legs.{leg}.leg says '{summary.leg}'")
    for key in list(result.series.values) + list(result.series.points):
        if not _SLUG.match(key):
            raise ResultInvalid("result.series has a key that is not a plain name")
    for summary in result.legs.values():
        for rating in summary.ratings:
            if rating.unit != MEASURES[rating.key][1]:
                raise ResultInvalid(f"result.legs.{summary.leg}: the unit of {rating.key} should be "
                                    f"'{MEASURES[rating.key][1]}'")
        if not all(isinstance(s, str) and _SLUG.match(s) for s in summary.recommendations):
            raise ResultInvalid(f"result.legs.{summary.leg}.recommendations has a name that is not a page slug")
    return result


def _numbers(value: list, nulls: bool = True) -> bool:
    """All items finite numbers within +-1e9 (not bools; None too if `nulls`), checked in C loops: a
    per-item Python call cost 1-2 s for a long clip's series."""
    kinds = set(map(type, value))
    if not kinds <= ({float, int, type(None)} if nulls else {float, int}):
        return False
    arr = np.array(value, dtype=np.float64)          # None becomes NaN: NaN itself is refused below
    if np.isinf(arr).any() or int(np.isnan(arr).sum()) != (value.count(None) if nulls else 0):
        return False
    return not len(arr) or bool(np.nanmax(np.abs(arr), initial=0.0) <= 1e9)


def _whole(value: list) -> bool:
    return set(map(type, value)) <= {int} and (not value or (-10 ** 9 <= min(value) and max(value) <= 10 ** 9))


def _pairs(value: list) -> bool:
    return set(map(type, value)) <= {list} and set(map(len, value)) <= {2} and \
        _numbers(list(itertools.chain.from_iterable(value)))


_FAST = {float | None: _numbers, float: lambda v: _numbers(v, nulls=False), int: _whole, list[float | None]: _pairs}


def _check(tp: Any, value: Any, where: str, owner: type | None = None, name: str = "", cap: int | None = None
           ) -> None:
    allowed = ALLOWED.get((owner, name)) if owner else None
    if allowed is not None:
        if not any(value == a and type(value) is type(a) for a in allowed if a is not None) and \
                not (value is None and None in allowed):
            raise ResultInvalid(f"{where} is not one of the allowed values")
        return
    optional, tp, origin, args, dc = _shape(tp)
    if optional and value is None:
        return
    if dc:
        _check_dataclass(tp, value, where)
    elif origin is list:
        if not isinstance(value, list):
            raise ResultInvalid(f"{where} should be a list")
        if len(value) > (cap or (LIST_CAPS.get((owner, name), MAX_LIST) if owner else MAX_LIST)):
            raise ResultInvalid(f"{where} is too long")
        fast = _FAST.get(args[0])
        if fast is not None:                     # per-frame values: checked in bulk
            if not fast(value):
                raise ResultInvalid(f"{where} should hold {'whole' if args[0] is int else 'finite'} numbers")
            return
        for i, v in enumerate(value):
            _check(args[0], v, f"{where}[{i}]")
    elif origin is dict:
        if not isinstance(value, dict) or len(value) > MAX_KEYS:
            raise ResultInvalid(f"{where} should be a mapping of at most {MAX_KEYS} entries")
        keys = KEYS.get((owner, name))
        for k, v in value.items():
            if not isinstance(k, str) or len(k) > 60 or (keys is not None and k not in keys):
                raise ResultInvalid(f"{where} has an unexpected key")
            _check(args[1], v, f"{where}.{k}", cap=LIST_CAPS.get((owner, name)) if owner else None)
    elif origin is Literal:                 # a category without a rule in ALLOWED: one of its strings
        if not any(value == a and type(value) is type(a) for a in args):
            raise ResultInvalid(f"{where} is not one of the allowed values")
    elif tp is bool:
        if not isinstance(value, bool):
            raise ResultInvalid(f"{where} should be true or false")
    elif tp is int:
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 10 ** 9:
            raise ResultInvalid(f"{where} should be a whole number")
    elif tp is float:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) \
                or abs(value) > 1e9:
            raise ResultInvalid(f"{where} should be a finite number")
    elif tp is str:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise ResultInvalid(f"{where} should be a text of at most {MAX_TEXT} characters")
    else:                                   # pragma: no cover - a new field type needs a rule here
        raise ResultInvalid(f"{where} has a type this check does not know")


@functools.cache
def _shape(tp: Any) -> tuple[bool, Any, Any, tuple, bool]:
    """(optional, the type without None, its origin, its arguments, is it a dataclass), once per type."""
    origin, args = get_origin(tp), get_args(tp)
    optional = bool(args) and type(None) in args and origin is not list and origin is not dict
    if optional:
        tp = next(a for a in args if a is not type(None))
        origin, args = get_origin(tp), get_args(tp)
    return optional, tp, origin, args, isinstance(tp, type) and is_dataclass(tp)


@functools.cache
def _plan(tp: type) -> tuple[frozenset[str], tuple[tuple[str, Any, bool], ...]]:
    """A dataclass's field names and (name, type, required) of each field, worked out once per class
    (get_type_hints costs about 0.3 ms a call: per object, it made a hostile import take minutes)."""
    hints = get_type_hints(tp)
    plan = tuple((f.name, hints[f.name], f.default is MISSING and f.default_factory is MISSING) for f in fields(tp))
    return frozenset(name for name, _, _ in plan), plan


def _check_dataclass(tp: type, value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise ResultInvalid(f"{where} should be a mapping")
    known, plan = _plan(tp)
    left = _RECORDS.get()
    left[0] -= 1
    if left[0] < 0:
        raise ResultInvalid(f"{where}: more records than KneeScreen makes")
    if not known.issuperset(value):
        raise ResultInvalid(f"{where} has an unknown field")
    for name, hint, required in plan:
        if name not in value:
            if required:
                raise ResultInvalid(f"{where}.{name} is missing")
            continue
        _check(hint, value[name], f"{where}.{name}", tp, name)
    if tp is Series:
        n = len(value["frame"])
        lists = [value["time_s"], value["person"], *value["values"].values(), *value["points"].values()]
        if any(len(v) != n for v in lists):
            raise ResultInvalid(f"{where} has lists of different lengths")
        for k, pts in value["points"].items():
            if any(p is not None and len(p) != 2 for p in pts):
                raise ResultInvalid(f"{where}.points.{k} should hold [x, y] pairs")
