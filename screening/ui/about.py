"""About and privacy: what is measured, the honest limits, where the numbers come from, what happens to videos."""
from __future__ import annotations

import streamlit as st

from screening.outputs.content import CONTENT_DIR
from screening.engine.norms import SOURCES
from screening.engine.ratings import DISCLAIMER, MEASURES
from screening.ui import analysis

WHERE_HERE = ("- Your video is **analysed on the computer running KneeScreen**; it is not uploaded to any other "
              "service and no account is needed.\n")
WHERE_CLUSTER = ("- Your video is **analysed on this service's own analysis computers**: the server you opened "
                 "sends it to its analysis cluster over the service's own network, where it is deleted straight "
                 "after. It is not uploaded to any other service and no account is needed.\n")

ACCURACY = CONTENT_DIR / "accuracy.md"   # figures from python -m screening.validate


def ref(*keys: str) -> str:
    """A short in-text reference, e.g. (Nilstad 2021; Krosshaug 2016), for keys of screening.engine.norms.SOURCES."""
    names = {"kneescreen": "KneeScreen"}
    short = [f"{names.get(k, k.rstrip('0123456789').capitalize())} {k[len(k.rstrip('0123456789')):]}".strip()
             for k in keys if k in SOURCES]
    return f"({'; '.join(short)})" if short else ""


WHAT = {
    "fppa": "the angle between the thigh line (hip to knee) and the shin line (knee to ankle) seen from the "
            "front; more degrees means the knee sits further inside the hip-ankle line",
    "mkd": "how far the knee moves toward the body's midline from standing, as a share of leg length",
    "kasr": "distance between the knees divided by the distance between the ankles; below 1 the knees are "
            "closer together than the ankles",
    "khsr": "distance between the knees divided by the distance between the hips",
    "arch": "how far the ankle shifts inward over the foot compared with standing: a rough video stand-in "
            "for arch collapse, not a validated measure",
    "pelvic_drop": "single-leg squat: how far the hip on the free-leg side drops",
    "trunk_lean": "single-leg squat: how far the trunk leans sideways",
}


SAVED_TEXT = (
    "- Saved screenings are kept **on the server running KneeScreen**: the results as plain text in a SQLite "
    "database file, the stills and any video you chose to keep as ordinary files next to it. They are not "
    "encrypted.\n"
    "- Your **workspace key** keeps them from other people using the app: the server stores only a hash of "
    "the key, so nobody can open your workspace in the app without it, and a lost key cannot be recovered.\n"
    "- The key does **not** hide them from whoever runs the server: that person (or anyone with access to "
    "the server's files or backups) can read the database and the files directly. Save only what you are "
    "comfortable leaving with them, or run KneeScreen on your own computer.\n"
    "- **Delete profile** in My screenings removes a profile's records and files from the server (copies "
    "in the server's backups, if it makes any, are outside the app's reach).")


def page() -> None:
    st.title("About KneeScreen")
    st.markdown("KneeScreen looks at a phone video of a squat, a single-leg squat or a drop-jump landing, "
                "finds your hips, knees, ankles and feet in every frame with a pose model, and measures how "
                "your knees and arches move at the deepest point of each repetition or at each landing.")

    st.header("What is measured")
    for key, (label, _unit, _per_leg, experimental) in MEASURES.items():
        st.markdown(f"- **{label}**{' (experimental)' if experimental else ''}: {WHAT.get(key, '')}.")
    st.caption("Each measure is compared with a published typical range where one exists (the results page "
               "names it and its source); where none exists, the app says so and shows the value for you to "
               "track your own change.")

    st.header("How accurate is it")
    st.markdown(ACCURACY.read_text(encoding="utf-8") if ACCURACY.is_file() else
                "The accuracy notes are missing from this installation (content/accuracy.md).")

    st.header("Honest limits")
    st.markdown(
        "- **Not a diagnosis, not an injury forecast.** In the largest studies of elite athletes (880 and 710 "
        "players), inward knee motion seen on video did not tell who later tore an ACL "
        f"{ref('nilstad2021', 'krosshaug2016')}. The app says how "
        "your knees move, never what will happen to them.\n"
        "- **2D video.** One camera sees a flat picture. When the thigh points toward the camera (deep "
        "squats) the angle reads too high; the app then trusts it less and says so. Film square-on from the "
        "front, at knee-to-hip height.\n"
        "- **Measurement noise.** People measuring this angle by hand differ by up to 7.5-8.9 degrees between "
        "days (the smallest detectable difference); smaller changes between two screenings may be noise "
        f"{ref('munro2012')}.\n"
        "- **Arches.** The pose model has no point on the arch of the foot, so the arch indicator is "
        f"experimental and only a rough hint {ref('brody1982')}.\n"
        "- **Landings are fast.** At 30 frames per second only a few frames show the landing: film at 60 "
        "fps if you can.")

    st.header("Privacy")
    st.markdown(
        (WHERE_CLUSTER if analysis.on_cluster() else WHERE_HERE) +
        "- The video is copied into a **private temporary folder** for the analysis and **deleted** straight "
        "after; the annotated video, stills and report are kept in memory for your session only.\n"
        "- **Nothing is kept** after you close the page unless you download it or press *Save this "
        "screening*.\n"
        "- The only thing ever downloaded is a pose model file, and only if you choose the 'full' or "
        "'heavy' model.")

    st.subheader("If you save screenings")
    st.markdown(SAVED_TEXT)

    st.header("Sources")
    for key, text in SOURCES.items():
        st.markdown(f"- {ref(key).strip('()')}: {text}")

    st.divider()
    st.info(DISCLAIMER, icon=":material/health_and_safety:")
