"""KneeScreen app: `streamlit run app.py`. Page config, navigation, the ?example=1 demo link and ?key= links."""
from __future__ import annotations

import streamlit as st

from screening.ui import (about, compare_page, live_page, progress_page, results, saved, screen, state, workshop,
                          workspace)
from screening.ui.content_pages import FAVICON, make_pages

st.set_page_config(page_title="KneeScreen", page_icon=str(FAVICON), layout="wide",
                   initial_sidebar_state="auto")
state.init()
saved.check_saving_setting()        # KNEESCREEN_SAVING must be a clear on/off; the log says which

screen_page = st.Page(screen.page, title="Screen my knees", icon=":material/videocam:", url_path="screen",
                      default=True)
live_page_ = st.Page(live_page.page, title="Live camera", icon=":material/camera_front:", url_path="live")
results_page = st.Page(results.page, title="Results", icon=":material/insights:", url_path="results")
about_page = st.Page(about.page, title="About and privacy", icon=":material/info:", url_path="about")
workspace_page = st.Page(workspace.page, title="My screenings", icon=":material/folder_shared:",
                         url_path="my-screenings")
progress_page_ = st.Page(progress_page.page, title="Progress", icon=":material/show_chart:", url_path="progress")
compare_page_ = st.Page(compare_page.page, title="Compare", icon=":material/compare:", url_path="compare")
workshop_page = st.Page(workshop.page, title="Workshop", icon=":material/groups:", url_path="workshop")
st.session_state[state.SCREEN_PAGE] = screen_page
st.session_state[state.RESULTS_PAGE] = results_page
st.session_state[state.ABOUT_PAGE] = about_page
st.session_state[state.WORKSPACE_PAGE] = workspace_page
st.session_state[state.PROGRESS_PAGE] = progress_page_
st.session_state[state.COMPARE_PAGE] = compare_page_
st.session_state[state.WORKSHOP_PAGE] = workshop_page

sections: dict[str, list] = {"Screen": [screen_page, live_page_, results_page],
                              "My data": [workspace_page, progress_page_, compare_page_, workshop_page]}
content = make_pages()
for name in ("Learn", "Exercises"):
    if content.get(name):
        sections[name] = content[name]
st.session_state[state.PAGES_BY_SLUG] = {p.url_path: p for name in ("Learn", "Exercises")
                                         for p in content.get(name, [])}
sections["About"] = [about_page]

current = st.navigation(sections, position="sidebar")

# Demo link: ?example=1 opens the example result directly.
if st.query_params.get("example") in ("1", "true", "yes") and not st.session_state.get(state.EXAMPLE_DONE):
    st.session_state[state.EXAMPLE_DONE] = True
    state.put(state.OUTPUTS, results.example_outputs(state.get(state.SEX), state.get(state.SPORT)))
    if current is not results_page:
        st.switch_page(results_page)

# A bookmarked workspace link (?key=...): open it in this session, drop the key from the address bar.
if saved.handle_key_param() and current not in sections["My data"]:
    st.switch_page(workspace_page)

# Phones: less side padding, readable verdict numbers.
st.html("""<style>
@media (max-width: 640px) {
  .block-container, [data-testid="stMainBlockContainer"] {padding-left: 0.9rem; padding-right: 0.9rem;
    padding-top: 3.8rem;}
  h1 {font-size: 1.9rem !important;}
}
</style>""")
current.run()
