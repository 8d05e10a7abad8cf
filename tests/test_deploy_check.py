import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_deploy_check_passes_with_production_settings(tmp_path):
    env = os.environ | {
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-" + "x7Gq2" * 10,
        "ALLOWED_HOSTS": "registration.example.org",
        "SITE_URL": "https://registration.example.org",
        "DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
