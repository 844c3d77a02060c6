"""Service-improvement campaign dashboard: domain library (no Streamlit pages here)."""
