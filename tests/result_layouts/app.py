"""Stand-ins for the result page, each a way a rewrite could draw the level within what the page
promises the load generator (`benchmarks.loadgen.RESULT_LEVEL_KEY`: an `st.title` of the level's
label, and/or a container keyed `result_level` holding it), and two that break the promise.

tests/test_loadgen_result.py serves this page and reads each layout with `loadgen.read_level`
over the real WebSocket protocol, so the reader is checked against the delta stream Streamlit
really sends (keyed blocks, nesting, markdown), not against a guess at it.

Press `level_<tier id>` to choose the level, then `layout_<name>` to draw it.
"""

import streamlit as st

from ketacheck import loader

content = loader.load()
tiers = {t.id: t for t in content.tiers.tiers}
LAYOUTS = ("title", "promised", "in_container", "decorated", "nested", "with_legend", "none", "two_levels")

for tier_id in tiers:
    st.button(tier_id, key=f"level_{tier_id}", on_click=st.session_state.update, kwargs={"level": tier_id})
for name in LAYOUTS:
    st.button(name, key=f"layout_{name}", on_click=st.session_state.update, kwargs={"layout": name})

tier = tiers[st.session_state.get("level", "low")]
label = tier.same_day.label if st.session_state.get("level") == "urgent" and tier.same_day else tier.label
other = next(t.label for t in content.tiers.tiers if t.label != label)
layout = st.session_state.get("layout")

if layout == "title":  # the page today: the title, the level's words under it
    st.title(label, anchor=False)
    st.markdown(tier.summary.for_audience("self"))
elif layout == "promised":  # what issue 20 promises: the title inside the keyed container
    with st.container(key="result_level"):
        st.title(label, anchor=False)
        st.markdown(tier.summary.for_audience("self"))
elif layout == "in_container":  # a generic title; the level in words, in the container
    st.title("Your result", anchor=False)
    with st.container(key="result_level"):
        st.markdown(f"Your level: **{label}**")
elif layout == "decorated":  # an icon and emphasis round the label
    with st.container(key="result_level"):
        st.title(f":material/flag: *{label}*", anchor=False)
elif layout == "nested":  # the container inside columns, its label in a subheader
    st.title("Your result", anchor=False)
    with st.columns(2)[0], st.container(border=True), st.container(key="result_level"):
        st.subheader(label, anchor=False)
elif layout == "with_legend":  # every level named further down (a legend) must not confuse the reader
    with st.container(key="result_level"):
        st.title(label, anchor=False)
    st.header("What the levels mean", anchor=False)
    for t in content.tiers.tiers:
        st.subheader(t.label, anchor=False)
elif layout == "none":  # breaks the promise: no level anywhere it is looked for
    st.title("Your result", anchor=False)
    st.markdown(label)
elif layout == "two_levels":  # breaks it too: the title and the container disagree
    st.title(label, anchor=False)
    with st.container(key="result_level"):
        st.markdown(other)
