"""Streamlit helpers shared by app.py and the pages."""
