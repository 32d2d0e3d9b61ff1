"""End-to-end runs share the UI fixtures (demo county, Chinese catalogues and font, screenshots)."""

from tests.ui.conftest import (  # noqa: F401
    _chinese_ui,
    _no_blocking_message_boxes,
    demo_db,
    demo_template,
    shot,
    shots_dir,
)
