"""The demo PSG 36 pack, both editions, read page by page as a steering-group member would.

Each rule is a function over the pages' text, so a failure names the page and what is wrong:
no near-empty page but a deliberate divider, no placeholder text, no ISO dates, no " | " joins,
no date stamped by the load, the edition and document number on the cover and in the running
header, every Restricted page saying so, and a heat map that places the scored items.
"""

import io
import re
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from meetings.selectors import meeting_by_name
from portal.programme_loading import load_programme
from tests.dashboards.conftest import publish

pytestmark = pytest.mark.slow

FOOTER = re.compile(r"Document Classification: (Public|Restricted)\s*(\d+)\s*$")
HEADER = re.compile(r"· (Draft of )?Version \d+\.\d+ · (Full|Public) edition")
PLACEHOLDERS = (
    "Not given",
    "None.",
    "No summary recorded",
    "No mitigation",
    "No decisions recorded",
    "No new actions",
    "Not yet scheduled",
    "Not scored",
    "No items to show",
    "No views recorded",
    "No milestone matches",
    "Nothing has changed",
    "Band remains",
)
# A page is "nearly empty" below this many characters of body text (a full page holds ~3,000).
NEARLY_EMPTY = 160


def pages(name: str) -> list[str]:
    with default_storage.open(name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return [page.extract_text() for page in reader.pages]


def body(text: str) -> str:
    """A page's text without the running header and the footer."""
    lines = text.strip().splitlines()
    if lines and FOOTER.search(lines[-1]):
        lines = lines[:-1]
    return "\n".join(line for line in lines if not HEADER.search(line)).strip()


def running_header(text: str) -> str:
    return next((line for line in text.splitlines() if HEADER.search(line)), "")


def is_divider(text: str, agenda_titles: list[str]) -> bool:
    first = body(text).splitlines()[0] if body(text) else ""
    return any(re.fullmatch(rf"(\d+|Appendix) {re.escape(t)}", first) for t in agenda_titles)


def nearly_empty_pages(texts: list[str], agenda_titles: list[str]) -> list[int]:
    return [
        number
        for number, text in enumerate(texts, start=1)
        if number > 1
        and len(body(text)) < NEARLY_EMPTY
        and not is_divider(text, agenda_titles)
        and "Withheld from this edition" not in text
    ]


def headings_at_foot(
    texts: list[str], headings: list[str], agenda_titles: tuple[str, ...] = ()
) -> list[tuple[int, str]]:
    """Pages whose last line of body text is a heading: its content is on the next page.
    (A divider is a heading by design; the agenda's last row may carry a section's name.)"""
    found = []
    for number, text in enumerate(texts[:-1], start=1):
        if is_divider(text, list(agenda_titles)) or body(text).startswith("Agenda"):
            continue
        lines = body(text).splitlines()
        last = lines[-1].strip() if lines else ""
        found += [(number, h) for h in headings if last == h or last.endswith(f" {h}")]
    return found


def placeholder_pages(texts: list[str]) -> list[tuple[int, str]]:
    return [
        (number, phrase)
        for number, text in enumerate(texts, start=1)
        for phrase in PLACEHOLDERS
        if phrase in text
    ]


def iso_dates(texts: list[str]) -> list[tuple[int, str]]:
    return [
        (number, found)
        for number, text in enumerate(texts, start=1)
        for found in re.findall(r"\b(?:19|20)\d\d-\d\d-\d\d\b", text)
    ]


def joins(texts: list[str]) -> list[int]:
    return [number for number, text in enumerate(texts, start=1) if " | " in text]


def load_stamps(texts: list[str], today: date) -> list[tuple[int, str]]:
    """The day the data was loaded (the test's today), in any form a page could print it."""
    stamps = {today.strftime(f) for f in ("%d/%m/%y", "%d/%m/%Y", "%d %B %Y", "%d %b %Y")}
    return [(n, s) for n, text in enumerate(texts, start=1) for s in sorted(stamps) if s in text]


def footer_classification(text: str) -> str:
    match = FOOTER.search(text.strip().splitlines()[-1])
    return match.group(1) if match else ""


@pytest.fixture
def demo_version(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    load_programme(settings.DEMO_PROGRAMME_DIR)
    return publish(meeting_by_name("PSG 36")).version


def shows_restricted_item(text: str, references: list[str]) -> bool:
    """Whether a page prints a Restricted RAID item (its reference with its Restricted tag);
    a Public item's text may name a Restricted one, as the real pack's do."""
    return any(re.search(rf"\b{re.escape(r)}\s+Restricted\b", text) for r in references)


def test_both_editions_of_the_demo_pack_keep_the_page_rules(demo_version):
    from dashboards.models import PackSection
    from meetings.models import AgendaItem
    from raid.models import RaidItem

    restricted = list(
        RaidItem.objects.filter(classification="restricted").values_list("reference", flat=True)
    )
    headings = [
        *PackSection.objects.filter(meeting=demo_version.meeting).values_list("title", flat=True),
        "RAID Summary & Mitigations",
        "Milestones reforecast",
        "Change requests",
    ]
    agenda_titles = list(
        AgendaItem.objects.filter(meeting=demo_version.meeting).values_list("title", flat=True)
    )
    problems = []
    for edition in ("full", "public"):
        texts = pages(getattr(demo_version, f"pdf_{edition}"))
        label = edition.capitalize()
        problems += [
            f"{label} p{n}: nearly empty" for n in nearly_empty_pages(texts, agenda_titles)
        ]
        problems += [f"{label} p{n}: placeholder {p!r}" for n, p in placeholder_pages(texts)]
        problems += [
            f"{label} p{n}: heading {h!r} alone at the foot"
            for n, h in headings_at_foot(texts, headings, tuple(agenda_titles))
        ]
        problems += [f"{label} p{n}: ISO date {d}" for n, d in iso_dates(texts)]
        problems += [f"{label} p{n}: ' | ' join" for n in joins(texts)]
        problems += [
            f"{label} p{n}: load stamp {s}" for n, s in load_stamps(texts, timezone.localdate())
        ]
        cover = re.sub(r"\s+", " ", texts[0])
        assert f"{label} edition" in cover and "MHHS-DEL3002" in cover, cover
        assert "Version 1.0" in cover
        for number, text in enumerate(texts[1:], start=2):
            header = running_header(text)
            assert f"{label} edition" in header, f"{label} p{number}: header {header!r}"
            assert "MHHS-DEL3002" in header and "04/09/24" in header, header
        for number, text in enumerate(texts, start=1):
            shown = footer_classification(text)
            assert shown, f"{label} p{number} has no classification footer"
            if edition == "public":
                assert shown == "Public", f"Public p{number} says {shown}"
            elif shows_restricted_item(body(text), restricted):
                assert shown == "Restricted", f"Full p{number} shows Restricted items: {shown}"
    assert not problems, "\n".join(problems)


def test_the_heat_map_places_every_scored_item(demo_version):
    full = re.sub(r"\s+", " ", "\n".join(pages(demo_version.pdf_full)))
    public = re.sub(r"\s+", " ", "\n".join(pages(demo_version.pdf_public)))
    placed = re.search(r"(\d+) open items? placed by likelihood and impact", full)
    assert placed and int(placed.group(1)) >= 8, "the Full edition places the scored items"
    assert "0 open items placed" not in full and "0 open items placed" not in public
    # Items with a band and no score are listed beside the map by band.
    assert re.search(r"Critical i191", full) and re.search(r"High i188", full)
    # The Public edition ends by saying what it leaves out, and never with an empty divider.
    last = pages(demo_version.pdf_public)[-1]
    assert "Withheld from this edition" in last and "classified Restricted" in last
    assert "Appendix RAID Theme Slides" not in "\n".join(pages(demo_version.pdf_public)[4:])


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["cover", "x" * 400], []),
        (["cover", "Heading only"], [2]),
        (["cover", "3 Update on M6\nDECISION: SRO to approve M6"], []),  # a divider
    ],
)
def test_nearly_empty_rule(texts, expected):
    assert nearly_empty_pages(texts, ["Update on M6"]) == expected


def test_heading_at_foot_rule():
    pages_ = ["Text\nRAID heat map\nDocument Classification: Public 28", "map"]
    assert headings_at_foot(pages_, ["RAID heat map"]) == [(1, "RAID heat map")]
    assert headings_at_foot(["RAID heat map\nthe map", "x"], ["RAID heat map"]) == []


def test_load_stamp_rule():
    today = date(2026, 11, 29)
    assert load_stamps(["Implemented 29/11/2026", "since 29/11/26"], today) == [
        (1, "29/11/2026"),
        (2, "29/11/26"),
    ]
    assert load_stamps(["Approved 07/08/24; volumes to October 2026"], today) == []
