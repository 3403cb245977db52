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


# --- issue 24: what each study found, in plain words; statistics kept for coaches ----------------------
MAIN = {p.slug: content.main_text(p) for p in content.list_pages()}
PROOF = {p.slug: content.evidence(p) for p in content.list_pages()}


def test_oh_and_kiapour_are_not_said_to_test_valgus_and_twist_together():
    why, proof = MAIN["why-it-matters"], PROOF["why-it-matters"]
    assert "at the same time (Oh et al. 2012; Kiapour" not in BODY["why-it-matters"]
    assert "more than twisting it outward (Oh et al. 2012)" in why                       # inward vs outward torque
    assert "one at a time, the knee bending inward mattered more (Kiapour et al. 2015)" in why
    assert "Neither study loaded the two together" in why
    assert "about 70% more" in proof and "No sideways (valgus) load was applied" in proof
    assert "applied separately" in proof and "valgus rotation had the larger effect" in proof


def test_strength_alone_does_not_change_landing_herman_2008():
    glute = BODY["glute-programme"]
    assert "helps movement quality either way" not in glute
    para = next(p for p in MAIN["glute-programme"].split("\n\n") if "Herman et al. 2008" in p)
    assert "stronger" in para and "moved just the same" in para and "feedback on your technique" in para
    assert "Herman DC et al. (2008)" in content.sources(content.get_page("glute-programme"))
    assert "36:733-740" in content.sources(content.get_page("glute-programme"))


def test_warm_up_programmes_are_tested_not_proven():
    for page in content.list_pages():
        assert "proven team" not in page.summary + page.body, page.slug
    landing = content.get_page("landing")
    assert "tested team warm-up programmes" in landing.summary
    assert "missed" in PROOF["team-warm-up"] or "not significant" in PROOF["landing"]


def test_lohmander_x_ray_and_symptoms_are_told_apart():
    why = MAIN["why-it-matters"]
    assert "34 of 67 had knee osteoarthritis" not in BODY["why-it-matters"]
    para = next(ln for ln in why.splitlines() if "Lohmander et al. 2004" in ln)
    assert "on X-ray" in para and "about half" in para and "about four in ten" in para and "symptoms" in para
    assert "34 (51%) had osteoarthritis on the X-ray" in PROOF["why-it-matters"]
    assert "28 (42%) had it on the X-ray together with symptoms" in PROOF["why-it-matters"]


def test_screening_cannot_predict_cites_both_large_studies():
    para = next(p for p in MAIN["am-i-affected"].split("\n\n") if "pick out who would be injured" in p)
    assert "Krosshaug et al. 2016" in para and "Nilstad et al. 2021" in para and "these tests" in para
    assert "large studies found that screening cannot predict" not in BODY["am-i-affected"]
    assert "Krosshaug T et al. (2016)" in content.sources(content.get_page("am-i-affected"))


def test_petushek_pooled_female_athletes_only():
    landing = MAIN["landing"]
    assert "Across all the studies" not in BODY["landing"]
    para = next(p for p in landing.split("\n\n") if "Petushek et al. 2019" in p)
    assert "for female athletes" in para and "roughly in half" in para
    assert "18 controlled studies of female athletes" in PROOF["landing"] and "0.51" in PROOF["landing"]


def test_female_rate_boys_straight_knee_and_confidence():
    why = MAIN["why-it-matters"]
    para = next(p for p in why.split("\n\n") if "Prodromos et al. 2007" in p)
    assert "three times as often" in para and "same sport" in para
    assert "3.5 times" in PROOF["why-it-matters"] and "2.7 times" in PROOF["why-it-matters"]
    assert "boy or a man, watch especially for **landing or stopping on a nearly straight knee**" in why
    conf = next(ln for ln in why.splitlines() if ln.startswith("- **Confidence.**"))
    assert "fear of hurting it again" in conf and "Nwachukwu et al. 2019" in conf
    assert "Prodromos CC" in content.sources(content.get_page("why-it-matters"))


STATS = re.compile(r"\d\s?%|confidence interval|\bCI\b|odds ratio|rate ratio|MVIC|\b\d+(?:\.\d+)?-\d+(?:\.\d+)?°|N·m")


@pytest.mark.parametrize("slug", sorted(BODY))
def test_statistics_live_in_the_evidence_for_coaches(slug):
    """Rate ratios, confidence intervals, % MVIC and degree ranges are for coaches: only in the evidence part."""
    assert PROOF[slug].strip(), f"{slug} has a '## {content.EVIDENCE}' section"
    assert "###" not in PROOF[slug], "the evidence part is one block (it is one expander in the app)"
    headings = [ln for ln in BODY[slug].splitlines() if ln.startswith("## ")]
    assert headings[-2:] == [f"## {content.EVIDENCE}", "## Sources"]
    found = STATS.findall(MAIN[slug])
    assert not found, f"{slug}: statistics outside the evidence for coaches: {found}"


def _plain(md: str) -> str:
    md = re.sub(r"^\s*!\[.*$|^\|.*\|\s*$|<!--.*?-->", "", md, flags=re.MULTILINE)
    md = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", md)
    md = re.sub(r"\([A-Z][^()]*\d{4}[a-z]?\)", "", md)                # citations are not read aloud
    md = re.sub(r"^\s*(?:[-*]|\d+\.)\s+(.*?)\s*$",                   # a list item is a sentence
                lambda m: m.group(1) if m.group(1).endswith((".", "?", "!", ":")) else m.group(1) + ".",
                md, flags=re.MULTILINE)
    return re.sub(r"[*_#`]", "", md)


def flesch_kincaid_grade(text: str) -> float:
    """The published Flesch-Kincaid grade: 0.39 words/sentence + 11.8 syllables/word - 15.59 (syllables from
    pyphen's US English hyphenation dictionary)."""
    pyphen = pytest.importorskip("pyphen")
    dic = pyphen.Pyphen(lang="en_US", left=1, right=1)
    sentences = [s for s in re.split(r"[.!?]+(?:\s|$)", text) if re.search(r"[A-Za-z]", s)]
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    syllables = sum(max(1, len(dic.positions(w.lower())) + 1) for w in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syllables / len(words) - 15.59


def test_flesch_kincaid_counts_syllables_like_a_person():
    # counted by hand: the(1) an-te-ri-or(4) cru-ci-ate(3) lig-a-ment(3) is a short strong band in the(8)
    # mid-dle(2) of the knee(3) = 23 syllables in 15 words, one sentence -> 0.39*15 + 11.8*23/15 - 15.59 = 8.35
    grade = flesch_kincaid_grade("The anterior cruciate ligament is a short strong band in the middle of the knee.")
    assert grade == pytest.approx(8.35, abs=1.0)


@pytest.mark.parametrize("slug", sorted(BODY))
def test_pages_read_at_a_sixteen_year_olds_level(slug):
    """US grade 10 is the reading level of a 15-16-year-old; the evidence for coaches is not held to it."""
    assert flesch_kincaid_grade(_plain(MAIN[slug])) <= 10.0


def test_box_height_is_one_value_with_its_source_everywhere():
    from screening.core.specs import DROP_BOX_BEGINNER_CM, DROP_BOX_CM, DROP_BOX_SOURCE, DROP_BOX_WORDS
    from screening.ui import guide

    assert (DROP_BOX_CM, DROP_BOX_BEGINNER_CM, DROP_BOX_SOURCE) == (30, 20, "Nilstad et al. 2021")  # issue 24
    texts = dict(BODY)
    for rel in ("README.md", "screening/ui/guide.py", "screening/engine/assess.py"):
        texts[rel] = (ROOT / rel).read_text(encoding="utf-8")
    heights, seen = re.compile(r"(\d+)(?:\s*(?:-|–|to)\s*(\d+))?\s*cm\b"), 0
    for name, text in texts.items():
        for m in heights.finditer(text):
            near = text[max(0, m.start() - 60):m.end() + 40]
            if not re.search(r"box|step\b|drop", near, re.IGNORECASE):
                continue              # another length (a leg lift of 20-30 cm, a knee shift of 5 cm)
            seen += 1
            assert not m.group(2), f"{name}: a box height range {m.group(0)}"
            assert int(m.group(1)) in (DROP_BOX_CM, DROP_BOX_BEGINNER_CM), f"{name}: a {m.group(0)} box"
    assert seen >= 8, "the box heights were found"
    for slug in ("am-i-affected", "workshop-guide"):       # where the box is introduced, its source is named
        assert DROP_BOX_SOURCE in BODY[slug] and "30 cm box" in BODY[slug] and "20 cm" in BODY[slug]
    assert "30-40" not in "".join(texts.values()) and "20-30 cm" not in BODY["landing"]
    assert DROP_BOX_WORDS in guide.movement("drop-jump") and f"{DROP_BOX_CM} cm" in guide.movement("drop-jump")
    assert any(DROP_BOX_WORDS in caption for _, caption, _ in guide.cards("drop-jump"))
