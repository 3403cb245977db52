"""A group of screenings: the group table (one row per participant), its CSV, and one PDF of their reports."""
from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Protocol, Sequence

from screening.core.result import TEST_LABELS, Result
from screening.core.vocab import BAND_WORDS
from screening.engine.sides import sides
from screening.outputs.export import csv_cell

SIDE_COLUMNS = ["left_worst", "right_worst", "side_difference"]     # added last: old readers keep their columns
RESULT_COLUMNS = ["test", "left_band", "right_band", "left_measure", "left_value", "right_measure",
                  "right_value", "capture_problems"] + SIDE_COLUMNS
GROUP_COLUMNS = ["name", "file", "status"] + RESULT_COLUMNS[:-len(SIDE_COLUMNS)] + ["message", "folder"] + SIDE_COLUMNS


class GroupItem(Protocol):
    """One participant's clip and what became of it (screening.batch.BatchItem is one)."""
    name: str
    video: Path
    folder: Path                    # the clip's output folder (only its name is shown; report.pdf goes in it)
    test: str
    status: str                     # e.g. pending | ok | failed | cancelled
    message: str
    fix: str
    result: Result | None
    keyframes: list[tuple[str, Path]]


def result_row(result: Result | None) -> dict:
    """The group-table columns a Result fills: test, bands, key numbers per leg, capture problems, each leg's
    worst repetition and the left-right difference of each measure (engine.sides)."""
    row = dict.fromkeys(RESULT_COLUMNS, "")
    if result is None:
        return row
    row["test"] = TEST_LABELS.get(result.test, result.test) + (f" ({result.leg} leg)" if result.leg else "")
    for leg in ("left", "right"):
        summary = result.legs.get(leg)
        if summary is None:
            continue
        row[f"{leg}_band"] = BAND_WORDS[summary.band]
        if summary.lead is not None:
            row[f"{leg}_measure"], row[f"{leg}_value"] = summary.lead.label, summary.lead.value
    row["capture_problems"] = "; ".join(n.message for n in result.warnings)
    both = sides(result)
    for leg, worst in both.worst.items():
        row[f"{leg}_worst"] = worst.short
    row["side_difference"] = "; ".join(d.brief for d in both.differences)
    return row


def group_table(items: Sequence[GroupItem]) -> list[dict]:
    """One row per participant: name, file, status, test, bands, key numbers, capture problems, message."""
    rows = []
    for it in items:
        row = {"name": it.name, "file": it.video.name, "status": it.status, **result_row(it.result),
               "message": it.message + (f" What to do: {it.fix}" if it.fix and it.status == "failed" else ""),
               "folder": it.folder.name if it.result is not None else ""}
        row["test"] = row["test"] or TEST_LABELS.get(it.test, it.test)
        rows.append(row)
    return rows


def write_group_csv(items: Sequence[GroupItem], path: str | Path) -> Path:
    """Write the group table as CSV, atomically (a reader never sees half a file); every cell quoted, and
    text that a spreadsheet would run as a formula neutralised, whatever delimiter it splits on."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=GROUP_COLUMNS, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in group_table(items))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def group_pdf(items: Sequence[GroupItem], path: str | Path) -> Path | None:
    """One PDF with a report page per participant that finished (also saved as report.pdf in each
    clip's folder). None when no clip finished."""
    # Imported here, not at the top (measured start-up cost): screening.batch and screening.cli import this
    # module for the CSV, and every batch worker process imports screening.batch; report_pdf with fpdf2 adds
    # 0.20-0.24 s to that 0.6-0.8 s import (5 runs, 2-core machine under load) for a PDF they never write.
    from screening.outputs.pdf_base import document
    from screening.outputs.report_pdf import TITLE, add_report_page, fit_report
    pdf, pages = document(TITLE + "s"), 0
    for it in items:
        if it.status == "ok" and it.result is not None:
            single, sc = fit_report(it.result, it.keyframes)
            if it.folder.is_dir():
                (it.folder / "report.pdf").write_bytes(bytes(single.output()))
            add_report_page(pdf, it.result, it.keyframes, sc)
            pages += 1
    if not pages:
        return None
    path = Path(path)
    path.write_bytes(bytes(pdf.output()))
    return path
