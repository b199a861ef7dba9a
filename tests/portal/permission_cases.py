from tests.permission_matrix import EVERYONE, ViewCase


def _own_org(world):
    return {"pk": world.organisation.pk}


CASES = [
    ViewCase("home", EVERYONE),
    ViewCase("organisation-list", EVERYONE),
    ViewCase("organisation-detail", EVERYONE, setup=_own_org),
    ViewCase("profile", EVERYONE),
    ViewCase(
        "profile",
        EVERYONE,
        method="post",
        data=lambda world, kwargs: {"full_name": "New Name", "job_title": "Analyst"},
        label="save",
    ),
]
