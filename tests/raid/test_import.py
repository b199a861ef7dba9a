"""RAID import/export: the seed's layout, the export round trip, all-or-nothing."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook

from portal.importing import ImportRejected, read_table
from raid import selectors
from raid.importing import (
    REQUIRED,
    export_file,
    import_items,
    infer_type,
    parse_band,
    parse_rows,
    parse_steps,
    resolve_reference,
    source_code,
)
from raid.models import RaidItem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("printed", "type_", "code", "ordinal", "expected"),
    [
        ("i191", "issue", "X", 1, ("i191", "")),
        ("R0920", "risk", "RECCO", 2, ("R0920", "")),
        ("STCI11", "issue", "MPRS", 1, ("I-STCI11", "STCI11")),
        ("1", "risk", "DCC", 1, ("R-DCC-1", "1")),
        ("", "assumption", "MPRS", 7, ("A-MPRS-07", "")),
    ],
)
def test_reference_rules(printed, type_, code, ordinal, expected):
    assert resolve_reference(printed, type_, code, ordinal) == expected


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("Core capability provider report – DCC – RAID & RAG table", "DCC"),
        ("Core capability provider report – MPRS / St Clements – Assumptions", "MPRS"),
        ("LDSO Delivery Updates – MHHS - Monthly Delivery Report (DNOs)", "LDSO"),
        ("PSG - Qualification Update – Qualification Cohort", "QUALIFICATION"),
        ("", "SRC"),
    ],
)
def test_source_codes(source, code):
    assert source_code(source) == code


@pytest.mark.parametrize(
    ("printed", "description", "type_"),
    [
        ("R0920", "Swagger may not be aligned", "risk"),
        ("", "There is an issue that X", "issue"),
        ("", "Lack of visibility of revised plan", "risk"),
    ],
)
def test_type_inference(printed, description, type_):
    assert infer_type(printed, description) == type_


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("Critical", "critical"),
        ("high", "high"),
        ("Medium/High", "high"),
        ("A", "medium"),
        ("R", "high"),
        ("G", "low"),
        ("", ""),
        ("Severe", "?"),
    ],
)
def test_band_parsing(text, band):
    assert parse_band(text) == band


def test_steps_lose_their_printed_numbers():
    assert parse_steps("1. Do a | 2. Do b | - Do c") == ["Do a", "Do b", "Do c"]


def _load(content: bytes, name="raid.csv"):
    config = selectors.scoring_config()
    parsed = parse_rows(read_table(name, content, required=REQUIRED), config)
    return import_items(parsed, config=config)


SEED_STYLE = (
    "ref,type,description,theme,current_score,score_band,movement_text,mitigation,owner,"
    "due_or_target,classification,source\n"
    "i191,issue,There is an issue that SIT slips,SIT Execution,,Critical,,1. Plan | 2. Act,,,"
    "Public,Summary\n"
    "1,risk,Capacity may run out,Capacity,,Medium/High,NEW,1. Uplift,DCC,,,"
    "Core capability provider report – DCC – table\n"
    ",,Untried solution,,,,,,C&C,M10,,LDSO Delivery Updates – report\n"
)


def test_seed_layout_is_accepted_with_documented_rules():
    summary = _load(SEED_STYLE.encode())
    assert summary["created"] == 3
    i191 = RaidItem.objects.get(reference="i191")
    assert (i191.stated_band, i191.score_given_directly, i191.classification) == (
        "critical",
        True,
        "public",
    )
    assert [s.text for s in i191.steps.order_by("position")] == ["Plan", "Act"]
    dcc = RaidItem.objects.get(reference="R-DCC-1")
    assert (dcc.printed_reference, dcc.stated_band, dcc.stated_band_text) == (
        "1",
        "high",
        "Medium/High",
    )
    assert dcc.classification == "restricted"  # empty classification: the safe default
    ldso = RaidItem.objects.get(reference="R-LDSO-01")
    assert ldso.type == "risk" and ldso.due_text == "M10"


def test_one_bad_row_rejects_the_whole_file():
    content = (
        b"ref,type,description,likelihood,impact,current_score\n"
        b"R1,risk,Fine,3,4,\n"
        b"R2,risk,Wrong score,3,4,20\n"
        b"R3,wizard,Bad type,,,\n"
        b"R1,risk,Duplicate,,,\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        _load(content)
    messages = [str(p) for p in rejected.value.problems]
    assert any("line 3" in m and "differs from the matrix" in m for m in messages)
    assert any("line 4" in m and "type" in m for m in messages)
    assert not RaidItem.objects.exists()


def test_database_problems_also_reject_everything():
    content = b"ref,type,description,milestones\nR1,risk,Fine,\nR2,risk,Links a ghost,T9-XX-0001\n"
    with pytest.raises(ImportRejected, match="no milestone"):
        _load(content)
    assert not RaidItem.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_imports_back_unchanged(fmt):
    _load(SEED_STYLE.encode())
    content = (
        b"ref,type,description,likelihood,impact,target_score,classification,status,"
        b"closure_reason\n"
        b"R5,risk,Scored risk,4,3,9,Public,closed,Mitigated\n"
    )
    _load(content)
    config = selectors.scoring_config()
    items = RaidItem.objects.prefetch_related("steps", "milestones").select_related("theme")
    exported = export_file(items, config, fmt=fmt)
    history_before = RaidItem.history.count()
    summary = _load(exported, name=f"raid.{fmt}")
    assert summary == {"created": 0, "updated": 0, "unchanged": 4}
    assert RaidItem.history.count() == history_before
    r5 = RaidItem.objects.get(reference="R5")
    assert (r5.current_score, r5.target_score, r5.status) == (17, 9, "closed")


def test_xlsx_upload_through_the_page(world, client_for):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ref", "type", "description", "likelihood", "impact"])
    sheet.append(["R42", "risk", "From a spreadsheet", 2, 5])
    buffer = BytesIO()
    workbook.save(buffer)
    upload = BytesIO(buffer.getvalue())
    upload.name = "raid.xlsx"
    response = client_for(world.users["pmo"]).post(reverse("raid-import"), {"file": upload})
    assert response.status_code == 302
    assert RaidItem.objects.get(reference="R42").current_score == 20


def test_bad_upload_lists_problems_and_changes_nothing(world, client_for):
    upload = BytesIO(b"ref,type,description\nR1,risk,\n")
    upload.name = "raid.csv"
    response = client_for(world.users["pmo"]).post(reverse("raid-import"), {"file": upload})
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert not RaidItem.objects.exists()


def test_participant_cannot_import(world, client_for):
    upload = BytesIO(b"ref,type,description\nR1,risk,x\n")
    upload.name = "raid.csv"
    response = client_for(world.users["participant"]).post(reverse("raid-import"), {"file": upload})
    assert response.status_code == 403
    assert not RaidItem.objects.exists()
