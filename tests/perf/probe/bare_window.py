"""The P1 baseline: a bare Qt start — QApplication and an empty main window, shown (run with the probe armed)."""

import sys

from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1200, 760)
window.show()
sys.exit(app.exec())
