"""Browser-facing hardening: CSRF, CSP, security headers, production cookies and HSTS,
login throttling, and files never served from a public path."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _csp(response) -> str:
    return response["Content-Security-Policy"]


@pytest.mark.parametrize("url_name", ["home", "profile", "organisation-list", "api-docs"])
def test_every_page_sends_a_csp_without_inline_script(world, client_for, url_name):
    response = client_for(world.users["participant"]).get(reverse(url_name))
    assert response.status_code == 200
    policy = _csp(response)
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_login_page_has_csp_and_no_inline_script(client, db):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in _csp(response)
    assert not re.search(rb"<script(?![^>]*\bsrc=)[^>]*>", response.content)


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(src|type=\"application/json\")\b)[^>]*>", re.I)
_INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle=\"|\son[a-z]+=\"", re.I)


def _our_templates():
    roots = [ROOT / "templates"] + [ROOT / app / "templates" for app in django_settings.LOCAL_APPS]
    for root in roots:
        if root.is_dir():
            yield from root.rglob("*.html")


# Standalone documents for the PDF renderer (WeasyPrint), never served to a browser: their
# stylesheet travels inside them. Scripts are still forbidden there.
PDF_ONLY = {"templates/dashboards/pack/document.html"}


def test_no_template_has_inline_script_style_or_event_handler():
    offenders = []
    for path in _our_templates():
        text = path.read_text()
        is_pdf = str(path.relative_to(ROOT)) in PDF_ONLY
        if _INLINE_SCRIPT.search(text):
            offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
        if not is_pdf and _INLINE_STYLE.search(text):
            offenders.append(f"{path.relative_to(ROOT)}: inline style or on*= handler")
    assert not offenders, "\n".join(offenders)


def test_security_headers(world, client_for):
    response = client_for(world.users["observer"]).get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_form_post_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    user = world.users["participant"]
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("profile"), {"full_name": "Forged", "job_title": ""})
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.full_name != "Forged"


def test_token_creation_without_csrf_token_is_refused(world):
    from rest_framework.authtoken.models import Token

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["pmo"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(reverse("api-token-create")).status_code == 403
    assert not Token.objects.filter(user=world.users["pmo"]).exists()


def test_form_post_with_csrf_token_is_accepted(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(
        world.users["participant"], backend="django.contrib.auth.backends.ModelBackend"
    )
    page = client.get(reverse("profile"))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    response = client.post(
        reverse("profile"),
        {"full_name": "Real Name", "job_title": "", "csrfmiddlewaretoken": token.decode()},
    )
    assert response.status_code == 302


def test_brute_force_lockout_holds_even_for_the_right_password(client, world, password, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "a@example.org", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "a@example.org", "password": password})
    assert response.status_code == 429
    assert b"locked" in response.content.lower()
    assert "_auth_user_id" not in client.session


def test_media_files_are_not_served_from_a_public_path(world, client_for):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("security-probe/secret.txt", ContentFile(b"secret"))
    try:
        assert django_settings.MEDIA_URL in (None, "")
        client = client_for(world.users["pmo"])
        for url in (f"/media/{name}", f"/{name}", f"/static/../media/{name}"):
            response = client.get(url)
            assert response.status_code == 404, url
    finally:
        default_storage.delete(name)


def test_production_flags_secure_cookies_hsts_and_redirect():
    probe = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_SSL_REDIRECT]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "0",
            "HTTPS": "1",
            "SECRET_KEY": "k" * 60,
            "DATABASE_URL": "sqlite:////tmp/security-probe.sqlite3",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    session_secure, csrf_secure, httponly, hsts, subdomains, redirect = json.loads(
        result.stdout.strip().splitlines()[-1]
    )
    assert session_secure and csrf_secure and httponly and subdomains and redirect
    assert hsts >= 31536000
