"""The permissions matrix: every protected view against every role.

Each app lists its views in tests/<app>/permission_cases.py as `CASES`; the matrix test
collects them all, checks that every named URL of the portal has a case, and asserts the
answer for each role, including another organisation's participant and an anonymous visitor.
docs/permissions.md is the same matrix in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.conftest import ROLE_KEYS

EVERYONE = frozenset(k for k in ROLE_KEYS if k != "anonymous")
READERS_OF_RESTRICTED = frozenset({"pmo", "steering", "chair"})
PMO_ONLY = frozenset({"pmo"})
NOBODY = frozenset()


@dataclass(frozen=True)
class ViewCase:
    url_name: str
    allowed: frozenset[str]
    method: str = "get"
    # setup(world) creates what the view needs and returns the URL's kwargs.
    setup: Callable | None = None
    # data(world, kwargs) returns the POST body.
    data: Callable | None = None
    # 404 where even the existence of the object must stay hidden.
    refused_status: int = 403
    ok_statuses: tuple[int, ...] = (200, 201, 204, 302)
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.url_name}{' ' + self.label if self.label else ''}"
