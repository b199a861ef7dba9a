import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from delivery import services
from delivery.importers import parse_finances, parse_trials
from delivery.models import FinanceLine, TrialResult
from delivery.selectors import finance_table, trial_summary
from portal.importing import ImportRejected
from tests.delivery.factories import TrialResultFactory

pytestmark = pytest.mark.django_db

GOOD = b"""line,month,amount_gbp_m
Budget,2024-04,1.10
Budget,2024-05,2.20
Budget,total,3.31
DCC Budget,,4.00
DCC Budget,total,4.00
MHHS Actual/Forecast,2024-04,1.00
Total Budget,2024-04,5.10
Total Budget,total,7.31
"""


def test_finance_import_computes_totals_and_keeps_printed_ones(world):
    year, lines = parse_finances("f.csv", GOOD)
    assert year == 2024
    services.finance_year_replace(actor=world.users["pmo"], year=year, lines=lines, reason="t")
    table = finance_table(user=world.users["participant"], year=2024)
    rows = {row.label: row for row in table.rows}
    assert rows["Budget"].party == "MHHS"
    assert rows["Budget"].computed_total == Decimal("3.30")
    assert rows["Budget"].printed_total == Decimal("3.31") and rows["Budget"].totals_differ
    assert rows["DCC Budget"].unassigned == [Decimal("4.00")]
    assert table.computed["budget"].computed_total == Decimal("7.30")
    assert table.printed["budget"].printed_total == Decimal("7.31")
    assert table.computed["actual_forecast"].cells[0] == Decimal("1.00")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"line,month,amount_gbp_m\nBudget,2024-13,1\n", "is not a month"),
        (b"line,month,amount_gbp_m\nBudget,2024-04,abc\n", "is not a number"),
        (b"line,month,amount_gbp_m\nBudget,2024-04,1.234\n", "two decimal places"),
        (b"line,month,amount_gbp_m\nBudget,2024-04,1\nBudget,2025-04,1\n", "one financial year"),
        (b"line,month,amount_gbp_m\nBudget,2024-04,1\nBudget,2024-04,2\n", "twice"),
        (b"line,month,amount_gbp_m\nWidgets,2024-04,1\n", "does not end in Budget"),
        (b"line,amount_gbp_m\nBudget,1\n", "column is missing"),
    ],
)
def test_bad_finance_files_are_refused_whole(world, content, message):
    services.finance_year_replace(
        actor=None, year=2024, lines=parse_finances("f.csv", GOOD)[1], reason="seed"
    )
    before = list(FinanceLine.objects.values_list("label", "version"))
    with pytest.raises(ImportRejected) as refusal:
        parse_finances("f.csv", content)
    assert message in str(refusal.value)
    assert list(FinanceLine.objects.values_list("label", "version")) == before


def test_finance_import_view_reads_xlsx_and_refuses_participants(world, client_for):
    book = Workbook()
    sheet = book.active
    sheet.append(["line", "month", "amount_gbp_m"])
    sheet.append(["Helix Budget", "2025-01", 3.4])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = {"file": io.BytesIO(buffer.getvalue()), "default_party": "MHHS"}
    upload["file"].name = "fin.xlsx"
    response = client_for(world.users["pmo"]).post(reverse("delivery-finances-import"), upload)
    assert response.status_code == 302
    line = FinanceLine.objects.get(label="Helix Budget")
    assert (line.year, line.party) == (2024, "Helix")
    assert line.history.first().history_user == world.users["pmo"]
    bad = io.BytesIO(b"line,month,amount_gbp_m\nHelix Budget,2024-04,x\n")
    bad.name = "bad.csv"
    response = client_for(world.users["pmo"]).post(
        reverse("delivery-finances-import"), {"file": bad, "default_party": "MHHS"}
    )
    assert response.status_code == 200
    assert "bad.csv, line 2, column &#x27;amount_gbp_m&#x27;" in response.content.decode()
    assert FinanceLine.objects.get(label="Helix Budget").amounts.count() == 1
    response = client_for(world.users["participant"]).post(
        reverse("delivery-finances-import"), {"file": bad}
    )
    assert response.status_code == 403


def test_pmo_edits_one_line_and_it_is_recorded(world, client_for):
    services.finance_year_replace(
        actor=None, year=2024, lines=parse_finances("f.csv", GOOD)[1], reason="seed"
    )
    line = FinanceLine.objects.get(label="Budget")
    response = client_for(world.users["pmo"]).post(
        reverse("delivery-finance-line-edit", args=[line.pk]),
        {"version": line.version, "m_2024_04": "1.50", "m_2024_05": "", "printed_total": "1.5"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert dict(line.amounts.values_list("month__month", "amount")) == {4: Decimal("1.50")}
    assert line.history.first().history_user == world.users["pmo"]


TRIALS = b"""sit_stage,test_case,cohorts,status,steps_passed,steps_total,percent,commentary
SIT F,TC01,A,Passed,,,100,
SIT F,TC01,F,In Progress,137,198,69,note
"""


def test_trials_import_and_summary(world):
    rows = parse_trials("t.csv", TRIALS)
    assert services.trials_replace(actor=world.users["pmo"], rows=rows, reason="t") == 2
    results = list(TrialResult.objects.select_related("test_case__stage"))
    summary = trial_summary(results)
    assert summary["steps_passed"] == 137 and summary["steps_total"] == 198
    assert summary["by_status"]["Passed"] == 1
    # A second import of the same rows changes nothing.
    services.trials_replace(actor=None, rows=rows, reason="again")
    assert TrialResult.history.count() == 2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("SIT F,TC01,A,Passed,137,198,70,", "does not match"),
        ("SIT F,TC01,A,Passed,200,198,100,", "cannot exceed"),
        ("SIT F,TC01,A,Passed,5,,3,", "both"),
        ("SIT F,TC01,A,Done,,,100,", "is not one of"),
        ("SIT F,TC01,A,Passed,,,,", "percent"),
    ],
)
def test_bad_trial_rows_are_refused(line, message):
    content = TRIALS.splitlines()[0] + b"\n" + line.encode() + b"\n"
    with pytest.raises(ImportRejected, match=message):
        parse_trials("t.csv", content)


def test_trial_edit_computes_percent_and_refuses_inconsistent(world, client_for):
    result = TrialResultFactory()
    client = client_for(world.users["pmo"])
    url = reverse("delivery-trial-edit", args=[result.pk])
    response = client.post(
        url,
        {
            "version": result.version,
            "status": "in_progress",
            "steps_passed": 30,
            "steps_total": 40,
            "percent": "",
        },
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.percent == 75
    response = client.post(
        url,
        {
            "version": result.version,
            "status": "passed",
            "steps_passed": 50,
            "steps_total": 40,
            "percent": "",
        },
    )
    assert response.status_code == 200
    result.refresh_from_db()
    assert result.steps_passed == 30
