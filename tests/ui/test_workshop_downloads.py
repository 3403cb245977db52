"""The Workshop page's downloads (AppTest): group CSV, one PDF of reports and one of take-home sheets."""
from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from apptest import create_workspace, goto, no_errors, start
from screening.engine.example import example_result
from screening.outputs.handout_pdf import take_home_pdf
from screening.outputs.report_pdf import pdf_bytes
from screening.store.db import Store

PDFTOTEXT = shutil.which("pdftotext")


def _text(pdf: bytes, page: int) -> str:
    return subprocess.run([PDFTOTEXT, "-layout", "-f", str(page), "-l", str(page), "-", "-"], input=pdf,
                          capture_output=True, check=True).stdout.decode("utf-8")


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_workshop_downloads_hold_each_finished_participant(tmp_path, monkeypatch):
    db = tmp_path / "kneescreen.sqlite3"
    monkeypatch.setenv("KNEESCREEN_DB", str(db))
    monkeypatch.delenv("KNEESCREEN_SAVING", raising=False)
    made: dict[str, object] = {}          # file name -> the callable a click on the download button runs
    add = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return add(self, data_callable, mimetype, coordinates, file_name, **kw)
    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)

    at = start()
    key = create_workspace(at)
    goto(at, "workshop")
    at.text_input(key="wk_title").input("U16 girls").run()
    at.text_input(key="wk_pass").input("leader-42").run()
    at.button(key="wk_create").click().run()
    at.text_area(key="wk_names").input("Alex\nKim\nSam").run()
    at.button(key="wk_add").click().run()
    ws = Store(db).open_workspace(key)
    (sess,) = ws.sessions()
    alex, kim, sam = ws.participants(sess.id)
    female, male = example_result(), example_result(sex="male")
    for p, r in ((alex, female), (sam, male)):
        ws.record_participant_result(sess.id, p.id, ws.save_screening(ws.create_profile(p.name).id, r, None, []),
                                     "ok", "")
    at.run()
    no_errors(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Reports, one page per participant (PDF, 2)" in labels

    rows = list(csv.DictReader(io.StringIO(made["kneescreen-u16-girls.csv"]().decode("utf-8"))))
    assert [(r["name"], r["status"], r["left_band"]) for r in rows] == [
        ("Alex", "ok", "Marked"), ("Kim", "pending", ""), ("Sam", "ok", "Marked")]

    reports = made["kneescreen-u16-girls.pdf"]()
    assert len(re.findall(rb"/Type\s*/Page\b", reports)) == 2
    assert _text(reports, 1) == _text(pdf_bytes(female), 1) and "Sex: female" in _text(reports, 1)
    assert _text(reports, 2) == _text(pdf_bytes(male), 1) and "Sex: male" in _text(reports, 2)

    sheets = made["kneescreen-u16-girls-take-home.pdf"]()
    assert len(re.findall(rb"/Type\s*/Page\b", sheets)) == 2
    assert _text(sheets, 1) == _text(take_home_pdf(female, "Alex"), 1)
    assert _text(sheets, 2) == _text(take_home_pdf(male, "Sam"), 1)
