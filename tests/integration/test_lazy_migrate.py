"""Web processes never load Flask-Migrate/Alembic (about 11 MB each); `flask db` still
works, loading it on use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HELPDESK_DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "k" * 40}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_web_app_does_not_load_alembic(tmp_path):
    code = "import sys, wsgi; print('alembic' in sys.modules, 'flask_migrate' in sys.modules)"
    result = run([sys.executable, "-c", code], tmp_path / "web.db")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_flask_db_loads_it_on_use(tmp_path):
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "db"]
    database = tmp_path / "cli.db"
    upgraded = run([*flask, "upgrade", "0002"], database)
    assert upgraded.returncode == 0, upgraded.stderr
    current = run([*flask, "current"], database)
    assert current.returncode == 0, current.stderr
    assert "0002" in current.stdout
    listed = run([*flask, "--help"], database)
    assert "upgrade" in listed.stdout and "downgrade" in listed.stdout
