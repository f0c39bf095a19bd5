"""Shared Streamlit widgets and state. The only part of `ketacheck` that imports Streamlit."""
