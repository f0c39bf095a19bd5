"""The framework's floor: one question with five answer buttons on a bare Streamlit page.

`make bench` serves this with the same `.streamlit/config.toml` as KetaCheck and drives it with the
same load generator, so the difference between the two is what KetaCheck itself costs per answer.
Each click records the answer and shows the running count, so a lost or crossed click is visible.
"""

import streamlit as st

OPTIONS = ("Never", "Less than monthly", "Monthly", "Weekly", "Daily or almost daily")

answers = st.session_state.setdefault("answers", [])


def answer(value: int) -> None:
    answers.append(value)


st.title("How often do you use ketamine?", anchor=False)
for value, label in enumerate(OPTIONS):
    st.button(label, key=f"answer_q_{value}", width="stretch", on_click=answer, args=(value,))
st.caption(f"Answers so far: {len(answers)}")
