"""Strict validation of a Result dict from outside (an imported zip, a stored record) against the schema."""
from __future__ import annotations

import math
import re
from dataclasses import MISSING, fields, is_dataclass
from typing import Any, Literal, get_args, get_origin, get_type_hints

from screening.engine.ratings import MEASURES
from screening.engine.verdict import complete
from screening.core.result import SCHEMA_VERSION, Event, Lead, LegSummary, MeasureValue, Note, Rating, Result, Series
from screening.core.types import BANDS, EVENT_KINDS, LEGS, LEVELS, RELIABILITY, TESTS

UNITS = tuple(sorted({unit for _, unit, _, _ in MEASURES.values()}))
MAX_TEXT = 4000                  # characters in any one string
MAX_LIST = 200_000               # items in any one list (a 3-minute clip at 240 fps is 43,200 frames)
MAX_EVENTS = 500
MAX_KEYS = 64                    # keys of any one mapping
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


def check_result(data: Any) -> Result:
    """Validate `data` strictly (types, allowed values, finite numbers, known measure keys, sizes) and
    build the Result. Raises ResultInvalid naming the first problem."""
    _check(Result, data, "result")
    result = readable(data)
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


def _check(tp: Any, value: Any, where: str, owner: type | None = None, name: str = "") -> None:
    allowed = ALLOWED.get((owner, name)) if owner else None
    if allowed is not None:
        if not any(value == a and type(value) is type(a) for a in allowed if a is not None) and \
                not (value is None and None in allowed):
            raise ResultInvalid(f"{where} is not one of the allowed values")
        return
    origin, args = get_origin(tp), get_args(tp)
    if args and type(None) in args and origin is not list and origin is not dict:   # Optional[X]
        if value is None:
            return
        tp = next(a for a in args if a is not type(None))
        origin, args = get_origin(tp), get_args(tp)
    if isinstance(tp, type) and is_dataclass(tp):
        _check_dataclass(tp, value, where)
    elif origin is list:
        if not isinstance(value, list):
            raise ResultInvalid(f"{where} should be a list")
        if len(value) > (MAX_EVENTS if name == "events" else MAX_LIST):
            raise ResultInvalid(f"{where} is too long")
        for i, v in enumerate(value):
            _check(args[0], v, f"{where}[{i}]")
    elif origin is dict:
        if not isinstance(value, dict) or len(value) > MAX_KEYS:
            raise ResultInvalid(f"{where} should be a mapping of at most {MAX_KEYS} entries")
        keys = KEYS.get((owner, name))
        for k, v in value.items():
            if not isinstance(k, str) or len(k) > 60 or (keys is not None and k not in keys):
                raise ResultInvalid(f"{where} has an unexpected key")
            _check(args[1], v, f"{where}.{k}")
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


def _check_dataclass(tp: type, value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise ResultInvalid(f"{where} should be a mapping")
    hints = get_type_hints(tp)
    known = {f.name for f in fields(tp)}
    extra = [k for k in value if k not in known]
    if extra:
        raise ResultInvalid(f"{where} has an unknown field")
    for f in fields(tp):
        if f.name not in value:
            if f.default is MISSING and f.default_factory is MISSING:
                raise ResultInvalid(f"{where}.{f.name} is missing")
            continue
        _check(hints[f.name], value[f.name], f"{where}.{f.name}", tp, f.name)
    if tp is Series:
        n = len(value["frame"])
        lists = [value["time_s"], value["person"], *value["values"].values(), *value["points"].values()]
        if any(len(v) != n for v in lists):
            raise ResultInvalid(f"{where} has lists of different lengths")
        for k, pts in value["points"].items():
            if any(p is not None and len(p) != 2 for p in pts):
                raise ResultInvalid(f"{where}.points.{k} should hold [x, y] pairs")
