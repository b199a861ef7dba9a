"""The timeline view's rows of the permissions matrix (concatenated in permission_cases)."""

from tests.permission_matrix import EVERYONE, ViewCase

TIMELINE_CASES = [
    ViewCase("milestone-timeline", EVERYONE),
    ViewCase(
        "milestone-timeline",
        EVERYONE,
        data=lambda w, k: {"show": "plan", "date_from": "2024-07-22", "date_to": "2024-10-20"},
        label="plan window",
    ),
]
