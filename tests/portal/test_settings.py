import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bad_environment_value_names_the_variable():
    result = _manage("check", env_overrides={"DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_bad_database_url_names_the_variable():
    result = _manage("check", env_overrides={"DATABASE_URL": "nosuchscheme://x"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DEBUG": "0",
            "HTTPS": "1",
            "SECRET_KEY": "x7!kq-" + "a9Zr2LmP0wQe4TyU8iOpAsDfGhJkLzXcVbNm1234" * 2,
            "ALLOWED_HOSTS": "portal.example.org",
            "DATABASE_URL": "sqlite:////tmp/check-deploy.sqlite3",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_refuses_the_development_secret_key():
    result = _manage("check", env_overrides={"DEBUG": "0", "HTTPS": "1", "SECRET_KEY": ""})
    assert result.returncode != 0
