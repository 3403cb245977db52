"""KneeScreen illustrations as deterministic SVG text: every ``fig_*`` function of the modules here."""

from __future__ import annotations

from . import feet, filming, lying, standing, valgus

FIGURES = {name[4:].replace("_", "-"): fn for module in (standing, valgus, lying, feet, filming)
           for name, fn in sorted(vars(module).items()) if name.startswith("fig_")}
