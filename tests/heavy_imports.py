"""What a start imports before its login window: the database layer must not be among it (P1, issue 23)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic")


def heavy_modules_after(statements: str) -> list[str]:
    """The modules of SQLAlchemy, SQLModel, pydantic and Alembic loaded once ``statements`` ran in a fresh
    interpreter (imports, and whatever the start does before the window)."""
    code = (f"import sys; {statements}; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])
