"""The demo programme's change requests: CR051-CR054 and CR054's impact assessment."""

import csv

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from change_requests.models import (
    ChangeRequest,
    ConstituencyView,
    Invitation,
    Response,
    StageChange,
)
from change_requests.selectors import (
    change_control_rows,
    ia_rollup,
    ia_rollup_csv_rows,
    ia_summary,
    ia_views,
)

pytestmark = pytest.mark.django_db


def _csv(name):
    with open(settings.DEMO_PROGRAMME_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def demo(db):
    call_command("load_programme")


def test_cr054_rollup_equals_the_seed_table_row_by_row(demo):
    cr = ChangeRequest.objects.get(reference="CR054")
    printed = [
        (
            row["constituency"],
            int(row["yes"]),
            int(row["no"]),
            int(row["abstain"]),
            int(row["no_reply"]),
        )
        for row in _csv("ia_summary_cr054.csv")
    ]
    computed = ia_rollup_csv_rows(ia_rollup(cr))
    assert len(computed) == len(printed) == 18
    for printed_row, computed_row in zip(printed, computed, strict=True):
        assert computed_row == printed_row
    assert computed[-1] == ("Totals", 22, 1, 4, 165)


def test_cr054_invites_every_party_and_holds_27_responses(demo):
    cr = ChangeRequest.objects.get(reference="CR054")
    assert Invitation.objects.filter(change_request=cr).count() == 192
    assert Response.objects.filter(change_request=cr, status="submitted").count() == 27
    assert ia_summary(cr).computed_headline == (
        "Overall: 22 respondents supported the change; 1 respondent rejected the change; "
        "and 4 respondents abstained."
    )


def test_change_control_rows_print_as_the_seed_table(demo):
    rows = {row.reference: row for row in change_control_rows()}
    for printed in _csv("change_requests.csv"):
        row = rows[printed["ref"]]
        assert row.title == printed["title"]
        assert row.change_type == printed["change_type"]
        assert row.latest_action == printed["latest_action"]
        assert row.approval_status == printed["approval_status"]
        assert row.current_stage == printed["stage"]
        assert row.implementation == printed["implementation"]
        assert row.raiser == f"{printed['raiser_name']}, {printed['raiser_org']}"
        expected_owner = ", ".join(p for p in (printed["owner_name"], printed["owner_org"]) if p)
        assert row.owner == expected_owner
    assert ChangeRequest.objects.get(reference="CR054").stage == "awaiting_decision"
    assert ChangeRequest.objects.get(reference="CR051").stage == "implemented"


def test_views_are_the_pmo_summary_grouped_in_table_order(demo):
    cr = ChangeRequest.objects.get(reference="CR054")
    groups = ia_views(cr)
    assert sum(len(g["views"]) for g in groups) == len(_csv("ia_views_cr054.csv")) == 31
    names = [g["constituency"].name for g in groups]
    # Short names on the views pages map to the table's constituencies.
    assert {"DNOs", "iDNOs", "Ind. Agents"} <= set(names)
    assert "Supplier Agents" not in names
    assert names.index("Large Suppliers") < names.index("DNOs") < names.index("Avanade")
    elexon = next(g for g in groups if g["constituency"].name == "Elexon (Helix)")
    assert [v.sentiment for v in elexon["views"]] == ["‒", "‒", "•"]


def test_second_load_duplicates_nothing(demo):
    before = (
        ChangeRequest.objects.count(),
        ChangeRequest.history.count(),
        StageChange.objects.count(),
        Invitation.objects.count(),
        Response.objects.count(),
        Response.history.count(),
        ConstituencyView.objects.count(),
        ConstituencyView.history.count(),
    )
    call_command("load_programme")
    after = (
        ChangeRequest.objects.count(),
        ChangeRequest.history.count(),
        StageChange.objects.count(),
        Invitation.objects.count(),
        Response.objects.count(),
        Response.history.count(),
        ConstituencyView.objects.count(),
        ConstituencyView.history.count(),
    )
    assert after == before


@pytest.fixture
def programme_dir(tmp_path):
    import shutil

    target = tmp_path / "programme"
    shutil.copytree(settings.DEMO_PROGRAMME_DIR, target)
    return target


def test_a_status_that_matches_no_state_is_refused_and_nothing_loads(programme_dir):
    path = programme_dir / "change_requests.csv"
    path.write_text(path.read_text().replace("Awaiting PSG approval decision", "Lost in post"))
    with pytest.raises(CommandError) as error:
        call_command("load_programme", str(programme_dir))
    assert "change_requests.csv, line 5, column 'stage'" in str(error.value)
    assert not ChangeRequest.objects.exists()


def test_a_summary_that_the_responses_do_not_give_is_refused(programme_dir):
    path = programme_dir / "ia_summary_cr054.csv"
    path.write_text(path.read_text().replace("DNOs,6,0,0,0", "DNOs,5,0,0,1"))
    with pytest.raises(CommandError) as error:
        call_command("load_programme", str(programme_dir))
    assert "ia_summary_cr054.csv, line 6" in str(error.value)
    assert not Response.objects.exists()


def test_a_no_without_rationale_is_refused(programme_dir):
    path = programme_dir / "ia_responses_cr054.csv"
    lines = path.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("Elexon Central"))
    lines[index] = "Elexon Central Systems (Helix),Elexon (Helix),No,"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError) as error:
        call_command("load_programme", str(programme_dir))
    assert "column 'rationale'" in str(error.value)
