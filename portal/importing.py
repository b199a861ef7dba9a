"""Reading CSV and XLSX tables with row-level error reporting.

Every importer in the portal (the demo programme, milestone and RAID spreadsheets,
finances) reads through here and validates every row before writing any: one bad row
means nothing is applied, and each problem names its file, line and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import models

MAX_IMPORT_ROWS = 200_000


@dataclass(frozen=True)
class RowProblem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        column = f", column '{self.column}'" if self.column else ""
        return f"{where}{column}: {self.message}"


class ImportRejected(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: Iterable[RowProblem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:20]))


@dataclass
class Row:
    file: str
    line: int
    values: dict[str, str]
    problems: list[RowProblem] = field(default_factory=list)

    def problem(self, column: str, message: str) -> None:
        self.problems.append(RowProblem(self.file, self.line, column, message))

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = (self.values.get(column) or "").strip()
        if required and not value:
            self.problem(column, "is required")
        if max_length and len(value) > max_length:
            self.problem(column, f"is longer than {max_length} characters")
        return value

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(column, f"'{value}' is not a date in YYYY-MM-DD form")
            return None

    def integer(self, column: str, *, required: bool = False, minimum=None, maximum=None):
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            self.problem(column, f"'{value}' is not a whole number")
            return None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.problem(column, f"{number} is outside {minimum} to {maximum}")
            return None
        return number

    def decimal(self, column: str, *, required: bool = False) -> Decimal | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            return Decimal(value)
        except InvalidOperation:
            self.problem(column, f"'{value}' is not a number")
            return None

    def choice(self, column: str, choices: type[models.TextChoices], *, required=False):
        """Accepts a choice's value or its label, case-insensitively."""
        value = self.text(column, required=required)
        if not value:
            return None
        lookup = {v.lower(): v for v in choices.values}
        lookup.update({label.lower(): v for v, label in choices.choices})
        try:
            return lookup[value.lower()]
        except KeyError:
            allowed = ", ".join(label for _, label in choices.choices)
            self.problem(column, f"'{value}' is not one of: {allowed}")
            return None

    def boolean(self, column: str) -> bool:
        value = self.text(column).lower()
        if value in ("", "0", "no", "false", "n"):
            return False
        if value in ("1", "yes", "true", "y"):
            return True
        self.problem(column, f"'{value}' is not yes or no")
        return False


def _rows_from_csv(name: str, stream: io.TextIOBase, required: list[str]) -> Iterator[Row]:
    reader = csv.DictReader(stream)
    headers = reader.fieldnames or []
    missing = [c for c in required if c not in headers]
    if missing:
        raise ImportRejected(
            [RowProblem(name, 1, c, "column is missing from the header") for c in missing]
        )
    for index, values in enumerate(reader, start=2):
        if index > MAX_IMPORT_ROWS + 1:
            raise ImportRejected([RowProblem(name, index, "", "too many rows")])
        if None in values:
            row = Row(name, index, {})
            row.problem("", "has more fields than the header")
            yield row
            continue
        yield Row(name, index, {k: (v or "") for k, v in values.items()})


def _rows_from_xlsx(name: str, data: bytes, required: list[str]) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        problem = RowProblem(name, 0, "", f"is not a readable XLSX file ({exc})")
        raise ImportRejected([problem]) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        headers = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        raise ImportRejected([RowProblem(name, 1, "", "the sheet is empty")]) from None
    missing = [c for c in required if c not in headers]
    if missing:
        raise ImportRejected(
            [RowProblem(name, 1, c, "column is missing from the header") for c in missing]
        )
    for index, cells in enumerate(rows, start=2):
        if index > MAX_IMPORT_ROWS + 1:
            raise ImportRejected([RowProblem(name, index, "", "too many rows")])
        if cells is None or all(c is None or str(c).strip() == "" for c in cells):
            continue
        values = {}
        for header, cell in zip(headers, cells, strict=False):
            if isinstance(cell, date):
                cell = cell.date().isoformat() if hasattr(cell, "date") else cell.isoformat()
            values[header] = "" if cell is None else str(cell)
        yield Row(name, index, values)


def read_table(name: str, content: bytes, *, required: list[str]) -> Iterator[Row]:
    """Rows of a CSV or XLSX upload (chosen by the file name), numbered as a spreadsheet shows."""
    if name.lower().endswith(".xlsx"):
        return _rows_from_xlsx(name, content, required)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([RowProblem(name, 0, "", "is not UTF-8 text")]) from None
    return _rows_from_csv(name, io.StringIO(text, newline=""), required)


def read_csv_file(path: Path, *, required: list[str]) -> Iterator[Row]:
    if not path.exists():
        raise ImportRejected([RowProblem(path.name, 0, "", "file is missing")])
    return read_table(path.name, path.read_bytes(), required=required)


def collect(rows: Iterable[Row], parse) -> list:
    """Parse every row, then raise with all problems if any row had one."""
    parsed, problems = [], []
    for row in rows:
        result = parse(row)
        if row.problems:
            problems.extend(row.problems)
        else:
            parsed.append(result)
    if problems:
        raise ImportRejected(problems)
    return parsed


def write_csv(headers: list[str], rows: Iterable[Iterable]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode("utf-8")


def write_xlsx(headers: list[str], rows: Iterable[Iterable], *, title: str = "Export") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upsert(model, *, lookup: dict, values: dict):
    """Create or update one row, saving (and so writing history) only when something changed."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        return model._default_manager.create(**lookup, **values), True
    changed = [k for k, v in values.items() if getattr(instance, k) != v]
    if changed:
        for key in changed:
            setattr(instance, key, values[key])
        instance.full_clean()
        instance.save()
    return instance, False
