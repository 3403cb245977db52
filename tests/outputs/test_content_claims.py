"""The education pages say what their sources say (figures checked against the papers, see issue 11)."""
from __future__ import annotations

import re

import pytest
from conftest import REPO

from screening.outputs import content
from screening.engine.norms import SOURCES

ROOT = REPO
BODY = {p.slug: p.body for p in content.list_pages()}


def lines_with(word: str) -> list[str]:
    return [ln for body in BODY.values() for ln in body.splitlines() if word in ln]


def test_nilstad_is_in_sports_biomechanics_everywhere():
    cited = lines_with("Nilstad A")
    assert cited, "the pages cite Nilstad"
    for line in cited + [SOURCES["nilstad2021"]]:
        assert "Sports Biomech" in line and "2023;22:65-79" in line and "British Journal" not in line
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "BJSM 2021" not in readme and "Sports Biomechanics, online 2021, print 2023;22:65-79" in readme


def test_clamshell_roll_back_claim_matches_willcox_and_burden():
    body = BODY["clamshell"]
    assert "Rolling back takes work away from the glutes" in body and "(Willcox & Burden 2013)" in body
    assert "TFL stayed low in every position" in body and "clinical view" in body
    assert "the work moves to the **TFL**" not in body


def test_warm_up_trials_described_by_their_design():
    page = content.get_page("landing")
    landing, proof = content.main_text(page), content.evidence(page)
    assert "rate ratio 0.71 (95% confidence interval 0.49-1.03), not significant" in proof
    assert "secondary outcomes" in proof and "could have been chance" in landing
    assert "high- with low-compliance players within the Knee Control group, not with teams that did not use it" \
        in proof
    line = next(ln for ln in landing.splitlines() if ln.startswith("- **PEP**"))
    assert "**Sportsmetrics**" in line and "without randomisation" in line
    for ln in proof.splitlines():
        if ln.startswith(("- **PEP**", "- **Sportsmetrics**")):
            assert "not randomised" in ln


@pytest.mark.parametrize("slug", ["why-it-matters", "am-i-affected"])
def test_munro_smallest_detectable_difference(slug):
    assert "7.5-8.9°" in BODY[slug] and "8-9°" not in BODY[slug]


def test_emg_figures_match_the_papers():
    glute, clam = BODY["glute-programme"], BODY["clamshell"]
    assert "gluteus medius of the bottom, weight-bearing leg" in glute and "89%" in glute        # Boren 2011
    assert "clamshell 115, side-stepping 64, single-leg bridge 59" in glute                        # Selkowitz 2013
    assert "about 64% MVIC for gluteus medius and about 59% for gluteus maximus" in glute          # Distefano: squat
    assert "about 58% MVIC for gluteus medius and about 59% for gluteus maximus" in glute          # ... deadlift
    assert "58-64%" not in glute and "bottom, weight-bearing leg" in clam


def test_short_foot_evidence_is_hedged():
    foot = BODY["short-foot"]
    assert "without a control group, 21 people" in foot and "less research behind it" in foot
    assert "the shin and knee tend to follow" not in foot


def test_acl_claims_have_sources():
    why = BODY["why-it-matters"]
    for claim, source in [("non-contact", "Boden et al. 2000"), ("more often in women", "Krosshaug et al. 2007"),
                          ("about 23° at foot contact", "Koga et al. 2010"), ("9 months", "Grindem et al. 2016"),
                          ("65% to their pre-injury level", "Ardern et al. 2014"),
                          ("osteoarthritis", "Lohmander et al. 2004"),
                          ("Twisting the shin **inward**", "Oh et al. 2012")]:
        para = next(ln for p in why.split("\n\n") for ln in p.splitlines() if claim in ln)
        assert source in para, claim
    sources = content.sources(content.get_page("why-it-matters"))
    for name in ("Boden BP", "Koga H", "Krosshaug T et al. (2007)", "Grindem H", "Ardern CL", "Lohmander LS", "Oh YK"):
        assert name in sources


def test_every_cited_author_year_is_in_the_page_sources():
    cite = re.compile(r"\(([A-Z][A-Za-zä]+)(?: et al\.| & [A-Z][a-z]+)?,? (\d{4})\)")
    for slug, body in BODY.items():
        text, refs = body.split("## Sources")[0], content.sources(content.get_page(slug))
        for author, year in cite.findall(text):
            assert re.search(rf"{author}\b.*\({year}\)", refs), f"{slug}: ({author} {year}) is not in its sources"
