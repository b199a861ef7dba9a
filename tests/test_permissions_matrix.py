"""Walks the whole permissions matrix (see tests/permission_matrix.py)."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.conftest import ROLE_KEYS

# Pages that are open to everyone by design, or that belong to Django itself.
EXEMPT_URL_NAMES = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "password_change",
    "password_change_done",
    "health",
}
EXEMPT_NAMESPACES = {"admin"}


def _all_cases():
    cases = []
    for module_info in pkgutil.iter_modules(tests.__path__):
        if not module_info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{module_info.name}.permission_cases")
        except ModuleNotFoundError:
            continue
        cases.extend(module.CASES)
    return cases


CASES = _all_cases()


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXEMPT_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_view_is_in_the_matrix():
    covered = {case.url_name for case in CASES}
    missing = sorted(_url_names() - covered - EXEMPT_URL_NAMES)
    assert not missing, f"Views without a permissions-matrix case: {missing}"


@pytest.mark.parametrize("role", ROLE_KEYS)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_matrix(case, role, world, client_for):
    kwargs = case.setup(world) if case.setup else {}
    url = reverse(case.url_name, kwargs=kwargs)
    client = client_for(world.users[role])
    data = case.data(world, kwargs) if case.data else {}
    if case.method == "get":
        response = client.get(url, data)
    else:
        response = getattr(client, case.method)(url, data)

    if role == "anonymous":
        assert response.status_code in (302, 401, 403), response.status_code
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))
    elif role in case.allowed:
        assert response.status_code in case.ok_statuses, (
            f"{role} should be allowed {case.id}, got {response.status_code}"
        )
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == case.refused_status, (
            f"{role} should be refused {case.id} with {case.refused_status}, "
            f"got {response.status_code}"
        )
