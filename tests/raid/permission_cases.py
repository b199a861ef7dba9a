from raid.models import Classification
from tests.permission_matrix import EVERYONE, PMO_ONLY, READERS_OF_RESTRICTED, ViewCase
from tests.raid.factories import MitigationStepFactory, RaidItemFactory, ThemeFactory


def _public(world):
    return {"reference": RaidItemFactory(reference="R100").reference}


def _restricted(world):
    item = RaidItemFactory(reference="R200", classification=Classification.RESTRICTED)
    return {"reference": item.reference}


def _step(world):
    item = RaidItemFactory(reference="R300")
    MitigationStepFactory(item=item, position=1)
    return {"pk": MitigationStepFactory(item=item, position=2).pk}


def _theme(world):
    return {"pk": ThemeFactory(name="SIT Execution").pk}


def _create(world, kwargs):
    return {
        "reference": "R960",
        "type": "risk",
        "title": "New risk",
        "classification": "public",
        "likelihood": 2,
        "impact": 3,
    }


def _edit(world, kwargs):
    return {
        "version": 1,
        "reference": kwargs["reference"],
        "type": "risk",
        "title": "Renamed",
        "classification": "public",
    }


CASES = [
    ViewCase("raid-log", EVERYONE),
    ViewCase("raid-heatmap", EVERYONE),
    ViewCase("raid-theme-list", EVERYONE),
    ViewCase("raid-export", EVERYONE),
    ViewCase("raid-export", EVERYONE, data=lambda w, k: {"format": "xlsx"}, label="xlsx"),
    ViewCase("raid-item-detail", EVERYONE, setup=_public),
    ViewCase(
        "raid-item-detail",
        READERS_OF_RESTRICTED,
        setup=_restricted,
        refused_status=404,
        label="restricted",
    ),
    ViewCase("raid-import", PMO_ONLY),
    ViewCase("raid-item-create", PMO_ONLY),
    ViewCase("raid-item-create", PMO_ONLY, method="post", data=_create, label="save"),
    ViewCase("raid-item-edit", PMO_ONLY, setup=_public),
    ViewCase("raid-item-edit", PMO_ONLY, method="post", setup=_public, data=_edit, label="save"),
    ViewCase("raid-item-score", PMO_ONLY, setup=_public),
    ViewCase(
        "raid-item-score",
        PMO_ONLY,
        method="post",
        setup=_public,
        label="save",
        data=lambda w, k: {"version": 1, "likelihood": 4, "impact": 5, "reason": "Worse"},
    ),
    ViewCase(
        "raid-item-close",
        PMO_ONLY,
        method="post",
        setup=_public,
        data=lambda w, k: {"version": 1, "closure_reason": "Mitigated"},
    ),
    ViewCase(
        "raid-item-convert",
        PMO_ONLY,
        method="post",
        setup=_public,
        data=lambda w, k: {"version": 1, "new_reference": "I900"},
    ),
    ViewCase(
        "raid-step-add",
        PMO_ONLY,
        method="post",
        setup=_public,
        data=lambda w, k: {"new-text": "Escalate", "new-state": "not_started"},
    ),
    ViewCase("raid-step-edit", PMO_ONLY, setup=_step),
    ViewCase(
        "raid-step-edit",
        PMO_ONLY,
        method="post",
        setup=_step,
        label="save",
        data=lambda w, k: {
            f"step{k['pk']}-version": 1,
            f"step{k['pk']}-text": "Escalate to PSG",
            f"step{k['pk']}-state": "in_progress",
        },
    ),
    ViewCase(
        "raid-step-move",
        PMO_ONLY,
        method="post",
        setup=_step,
        data=lambda w, k: {"direction": "up"},
    ),
    ViewCase("raid-step-delete", PMO_ONLY, method="post", setup=_step),
    ViewCase("raid-theme-create", PMO_ONLY),
    ViewCase(
        "raid-theme-create",
        PMO_ONLY,
        method="post",
        label="save",
        data=lambda w, k: {"name": "Early Life", "position": 6},
    ),
    ViewCase("raid-theme-edit", PMO_ONLY, setup=_theme),
    ViewCase(
        "raid-theme-edit",
        PMO_ONLY,
        method="post",
        setup=_theme,
        label="save",
        data=lambda w, k: {"version": 1, "name": "SIT Execution", "position": 1, "summary": "S"},
    ),
]

CASES += [
    ViewCase("raid-scoring", EVERYONE),
    ViewCase("raid-scoring-edit", PMO_ONLY),
]
