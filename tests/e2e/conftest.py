"""End-to-end runs share the UI fixtures (demo county, Chinese catalogues and font, screenshots)."""

from tests.ui.conftest import _chinese_ui, demo_db, demo_template, shot, shots_dir  # noqa: F401
