"""Categories as Literal types: a result saved before them loads, and saving writes the same strings."""
import json
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Literal, get_args, get_origin, get_type_hints

from screening.core.result import Event, LegSummary, MeasureValue, Note, Rating, Result
from screening.store.result_check import check_result

OLD = Path(__file__).with_name("old_result_v1.json")   # written by the code before core/types.py (d9f9c03)


def _literal(tp):
    """The Literal inside a field type (Band | None -> Band), or None."""
    if get_origin(tp) is Literal:
        return tp
    return next((a for a in get_args(tp) if get_origin(a) is Literal), None)


def _without_leads(data: dict) -> dict:
    return {**data, "legs": {leg: {k: v for k, v in s.items() if k != "lead"} for leg, s in data["legs"].items()}}


def _as_old(new, old):
    """`new` without the fields added since `old` was saved, after checking each holds its empty default."""
    if isinstance(old, dict):
        added = set(new) - set(old)
        assert all(new[k] in (None, [], {}, False) for k in added), added
        return {k: _as_old(new[k], old[k]) for k in new if k in old}
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [_as_old(a, b) for a, b in zip(new, old)]
    return new


def test_a_result_saved_before_the_types_loads_and_saves_the_same_json():
    text = OLD.read_text(encoding="utf-8")
    data = json.loads(text)
    for result in (Result.from_json(text), check_result(json.loads(text))):
        # the same strings come back out; the store only adds each leg's lead (saved before it existed), and
        # fields added since (Event.leg) are empty
        assert _as_old(_without_leads(json.loads(result.to_json())), data) == data
        assert all(e.leg is None for e in result.events)
        assert type(result.test) is str and result.test == "squat"
        assert [e.kind for e in result.events] == ["rep", "rep", "rep"]
        assert {leg: s.band for leg, s in result.legs.items()} == {"left": "marked", "right": "typical"}


def test_every_category_field_is_typed_and_holds_one_of_its_strings():
    result = Result.from_json(OLD.read_text(encoding="utf-8"))
    typed = {(tp.__name__, f.name) for tp in (Result, Note, MeasureValue, Event, Rating, LegSummary)
             for f in fields(tp) if _literal(get_type_hints(tp)[f.name]) is not None}
    assert typed >= {("Result", "test"), ("Result", "leg"), ("Note", "level"), ("MeasureValue", "reliability"),
                     ("Event", "kind"), ("Rating", "band"), ("Rating", "reliability"), ("LegSummary", "leg"),
                     ("LegSummary", "band")}
    seen = 0

    def walk(obj):
        nonlocal seen
        if isinstance(obj, list):
            for x in obj:
                walk(x)
        elif isinstance(obj, dict):
            for x in obj.values():
                walk(x)
        elif is_dataclass(obj):
            hints = get_type_hints(type(obj))
            for f in fields(obj):
                value, lit = getattr(obj, f.name), _literal(hints[f.name])
                if lit is not None and value is not None:
                    assert type(value) is str and value in get_args(lit), (type(obj).__name__, f.name, value)
                    seen += 1
                walk(value)
    walk(result)
    assert seen > 20


def test_a_result_saved_before_the_lead_gets_the_lead_that_set_its_band():
    # old_result_v1.json, read by hand: left knee angle 24 deg 'marked' (knee shift 'watch'), right knee
    # angle 5 deg and knee shift both 'typical'
    result = check_result(json.loads(OLD.read_text(encoding="utf-8")))
    left, right = result.legs["left"].lead, result.legs["right"].lead
    assert left is not None and (left.key, left.value) == ("fppa", "24°")
    assert left.why.startswith("The band comes from the knee angle") and "knee shift over the foot reads" in left.why
    assert right is not None and right.key == "fppa" and "both read typical" in right.why
    assert Result.from_json(OLD.read_text(encoding="utf-8")).legs["left"].lead is None   # core does not guess


def test_an_imported_lead_that_contradicts_its_ratings_is_decided_again_from_them():
    data = json.loads(check_result(json.loads(OLD.read_text(encoding="utf-8"))).to_json())
    data["legs"]["right"]["lead"].update(key="mkd", value="0.0% of leg length inward")   # not what it rated
    data["legs"]["left"]["band"] = "typical"              # the left knee angle (24 deg) is 'marked'
    data["legs"]["left"]["ratings"][0]["label"] = "<b>renamed</b>"
    r = check_result(data)
    assert (r.legs["right"].lead.key, r.legs["right"].lead.value, r.legs["right"].band) == ("fppa", "5°", "typical")
    assert (r.legs["left"].band, r.legs["left"].lead.value, r.legs["left"].lead.label) == ("marked", "24°",
                                                                                          "<b>renamed</b>")
