"""The core's part of a programme directory: constituencies, parties, forums, people.

Files (see demo/psg36/README.md): constituencies.csv, parties.csv, organisations.csv,
forums.csv and people.csv.
"""

from __future__ import annotations

from django.conf import settings

from portal.importing import ImportRejected, RowProblem, collect, upsert
from portal.models import Constituency, MarketRole, Organisation, Programme, Role
from portal.programme_loading import LoadContext, register_loader
from portal.services import forum_upsert, person_upsert


@register_loader("programme", order=5)
def load_programme_row(context: LoadContext) -> None:
    if not context.has("programme.csv"):
        return
    rows = collect(
        context.rows("programme.csv", required=["name", "reporting_date"]),
        lambda row: (row.text("name", required=True, max_length=200), row.date("reporting_date")),
    )
    if len(rows) != 1:
        raise ImportRejected([RowProblem("programme.csv", 0, "", "must hold exactly one row")])
    name, reporting_date = rows[0]
    upsert(Programme, lookup={"pk": 1}, values={"name": name, "reporting_date": reporting_date})
    context.count("programme", 1)


@register_loader("constituencies-and-parties", order=10)
def load_constituencies_and_parties(context: LoadContext) -> None:
    constituencies = collect(
        context.rows("constituencies.csv", required=["constituency", "count_of_parties"]),
        lambda row: (
            row.text("constituency", required=True, max_length=100),
            row.integer("count_of_parties", required=True, minimum=0),
        ),
    )
    by_name = {}
    for position, (name, _count) in enumerate(constituencies, start=1):
        by_name[name], _ = upsert(
            Constituency, lookup={"name": name}, values={"position": position}
        )

    def parse_party(row):
        name = row.text("name", required=True, max_length=200)
        constituency = row.text("constituency", required=True)
        if constituency and constituency not in by_name:
            row.problem("constituency", f"'{constituency}' is not in constituencies.csv")
        return name, by_name.get(constituency)

    parties = collect(context.rows("parties.csv", required=["name", "constituency"]), parse_party)
    for name, constituency in parties:
        upsert(
            Organisation,
            lookup={"name": name},
            values={"constituency": constituency, "is_programme_party": True, "active": True},
        )
    expected = dict(constituencies)
    actual: dict[str, int] = {}
    for _name, constituency in parties:
        actual[constituency.name] = actual.get(constituency.name, 0) + 1
    mismatched = [n for n in expected if expected[n] != actual.get(n, 0)]
    if mismatched:
        raise ImportRejected(
            RowProblem(
                "parties.csv",
                0,
                "constituency",
                f"{name} has {actual.get(name, 0)} parties but constituencies.csv says "
                f"{expected[name]}",
            )
            for name in mismatched
        )
    context.count("constituencies", len(constituencies))
    context.count("programme parties", len(parties))

    if context.has("organisations.csv"):
        load_named_organisations(context, by_name)


def load_named_organisations(context: LoadContext, constituencies: dict) -> None:
    column = "constituency_if_stated_or_obvious_from_the_pack"

    def parse(row):
        name = row.text("name", required=True, max_length=200)
        roles = [r.strip() for r in row.text("market_roles").split(";") if r.strip()]
        # Only an exact constituency name is trusted; the column also holds descriptions.
        return name, constituencies.get(row.text(column)), roles

    organisations = collect(
        context.rows("organisations.csv", required=["name", column, "market_roles"]), parse
    )
    for name, constituency, roles in organisations:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation, _ = upsert(
                Organisation,
                lookup={"name": name},
                values={"constituency": constituency, "active": True},
            )
        wanted = {MarketRole.objects.get_or_create(name=role)[0].pk for role in roles}
        if wanted and wanted != set(organisation.market_roles.values_list("pk", flat=True)):
            organisation.market_roles.set(wanted)
    context.count("named organisations", len(organisations))


@register_loader("forums", order=20)
def load_forums(context: LoadContext) -> None:
    def parse(row):
        return (
            row.text("code", required=True, max_length=30),
            row.text("name", required=True, max_length=200),
            row.integer("level", required=True, minimum=1, maximum=4),
            row.text("parent"),
        )

    forums = collect(
        context.rows("forums.csv", required=["code", "name", "level", "parent"]), parse
    )
    known = {code for code, *_ in forums}
    unknown = [
        RowProblem("forums.csv", 0, "parent", f"'{parent}' is not a forum code in this file")
        for _, _, _, parent in forums
        if parent and parent not in known
    ]
    if unknown:
        raise ImportRejected(unknown)
    created = {}
    # Parents first: a forum's parent always has a lower level number.
    for code, name, level, parent in sorted(forums, key=lambda f: f[2]):
        created[code] = forum_upsert(
            code=code, name=name, level=level, parent=created.get(parent) if parent else None
        )
    context.count("forums", len(forums))


@register_loader("people", order=30)
def load_people(context: LoadContext) -> None:
    if not context.has("people.csv"):
        return
    organisations = dict(Organisation.objects.values_list("name", "pk"))

    def parse(row):
        email = row.text("email", required=True, max_length=254)
        role = row.choice("role", Role, required=True)
        organisation_name = row.text("organisation")
        if organisation_name and organisation_name not in organisations:
            row.problem("organisation", f"'{organisation_name}' is not a known organisation")
        if role == Role.PARTICIPANT and not organisation_name:
            row.problem("organisation", "is required for a participant")
        return {
            "email": email,
            "full_name": row.text("full_name", required=True, max_length=200),
            "role": role,
            "organisation_id": organisations.get(organisation_name),
            "job_title": row.text("job_title", max_length=200),
            "is_staff": row.boolean("staff"),
        }

    people = collect(
        context.rows("people.csv", required=["email", "full_name", "role", "organisation"]), parse
    )
    for person in people:
        organisation_id = person.pop("organisation_id")
        person_upsert(
            **person,
            organisation=Organisation.objects.get(pk=organisation_id) if organisation_id else None,
            password=settings.DEMO_PASSWORD,
        )
    context.count("people", len(people))
