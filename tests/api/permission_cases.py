"""The API in the permissions matrix. Anonymous callers get 401 (token first); the apps'
endpoints add their own cases in the sections below as they appear."""

from tests.permission_matrix import EVERYONE, ViewCase


def _own_org(world):
    return {"pk": world.organisation.pk}


CASES = [
    ViewCase("api-root", EVERYONE),
    ViewCase("api-schema", EVERYONE),
    ViewCase("api-docs", EVERYONE),
    ViewCase("api-token-create", EVERYONE, method="post"),
    ViewCase("api-token-revoke", EVERYONE, method="post"),
    ViewCase("api-organisation-list", EVERYONE),
    ViewCase("api-organisation-detail", EVERYONE, setup=_own_org),
]
