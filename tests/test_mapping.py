"""Importing any spreadsheet through a TOML column mapping."""

from __future__ import annotations

import contextlib
import datetime
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aidledger
from aidledger import LoadError, Status
from aidledger.importers.mapping import donor_code, load, mapping_from, read, read_mapping
from aidledger.model import COLUMNS

FIXTURES = Path(__file__).parent / "fixtures" / "mapping"
WEAPONS, MAPPING = FIXTURES / "weapons.csv", FIXTURES / "weapons.toml"


def test_a_list_of_supplied_weapons_becomes_a_ledger() -> None:
    ledger, report = read(WEAPONS, read_mapping(MAPPING))
    records = {r.id: r for r in ledger}
    himars = records["list-2"]
    assert (himars.date, himars.donor, himars.system, himars.quantity) == (
        datetime.date(2022, 10, 4),
        "US",
        "M142 HIMARS",
        38,
    )
    assert ledger.pledge("list-2").system == "himars"
    assert himars.status is Status.PLEDGED
    assert himars.source == "https://www.defense.gov/News/Releases/"
    assert himars.note == "from a list of supplied weapons"
    assert records["list-3"].system == "PzH 2000 155mm"
    assert ledger.pledge("list-3").system == "pzh-2000"
    assert records["list-3"].status is Status.DELIVERED
    assert records["list-4"].quantity == 1400
    assert records["list-4"].source is None
    assert records["list-6"].quantity is None  # '?' is undisclosed, not zero
    assert records["list-8"].system == "Flying Carpet"
    assert (report.rows, report.imported, report.records) == (7, 7, 7)
    rules = {(e.row, e.rule) for e in report}
    assert (4, "thousands") in rules
    assert (6, "blank") in rules
    assert (8, "unknown-system") in rules
    summary = ledger.summarize()
    assert summary["US"].system("stinger").delivered == 1400  # type: ignore[union-attr]
    assert summary["FR"].system("amx-10-rc").undisclosed_quantity == 1  # type: ignore[union-attr]


def test_the_report_is_written_in_full(tmp_path: Path) -> None:
    _, report = read(WEAPONS, read_mapping(MAPPING))
    report.write(tmp_path / "report.csv")
    lines = (tmp_path / "report.csv").read_text().splitlines()
    assert lines[0] == "row,column,value,rule,action"
    assert len(lines) == len(report.entries) + 1
    assert "7 rows read, 7 imported as 7 records" in report.summary()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "X,Atlantis,1,False,,01/01/2023",
            "Supplier: 'Atlantis' is not an ISO 3166-1 alpha-2 country code or EU",
        ),
        (
            "X,France,1,Maybe,,01/01/2023",
            "Delivered: 'Maybe' is not in the mapping's values for status ('True', 'False')",
        ),
        (
            "X,France,1,True,,2023-01-01",
            "Date: '2023-01-01' is not a date in the format '%d/%m/%Y'",
        ),
        ("X,France,1,True,,01/01/2023,extra", "has 7 fields where the header has 6"),
    ],
)
def test_what_no_rule_covers_is_a_located_error(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "list.csv"
    path.write_text(WEAPONS.read_text().splitlines()[0] + "\n" + row + "\n")
    with pytest.raises(LoadError) as caught:
        read(path, read_mapping(MAPPING))
    assert str(caught.value) == f"{path}:2: {message}"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[fields]\nid = 'ID'\n", "fields: no rule for the required fields date, donor, status"),
        ("[fields]\ncolour = 'C'\n", "fields.colour: is not a field of a record"),
        (
            "[fields]\nid = { column = 'A', value = 'B' }\n",
            "fields.id: a rule has exactly one of column, value, template",
        ),
        ("[source]\nsep = ';'\n[fields]\nid = 'A'\n", "source.sep: unknown key"),
        ("[fields\n", "is not valid TOML"),
    ],
)
def test_a_bad_mapping_names_the_key(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "map.toml"
    path.write_text(toml)
    with pytest.raises(LoadError, match=message.replace("(", r"\(")):
        read_mapping(path)


def test_a_mapped_column_missing_from_the_source(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("System,Country\nHIMARS,US\n")
    with pytest.raises(
        LoadError,
        match=r"list\.csv:1: the mapping's columns 'Date' \(for date\), 'Supplier' \(for donor\), "
        r"'Count' \(for quantity\), 'Delivered' \(for status\), 'Proof' \(for source\) are not in",
    ):
        read(path, read_mapping(MAPPING))


def test_a_pledge_changing_donor_across_rows_is_located(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        "[fields]\nid = 'ID'\ndate = 'Date'\ndonor = 'Donor'\nstatus = { value = 'pledged' }\n"
    )
    path = tmp_path / "list.csv"
    path.write_text("ID,Date,Donor\na,2023-01-01,US\n\na,2023-02-01,France\n")
    with pytest.raises(LoadError) as caught:
        read(path, read_mapping(mapping))
    assert str(caught.value).startswith(f"{path}:4: donor: 'FR' changes the pledge's donor")


def test_utf16_and_semicolons(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        "[source]\ndelimiter = ';'\n[fields]\nid = { template = 'r{row}' }\ndate = 'Datum'\n"
        "donor = 'Geber'\nstatus = { value = 'pledged' }\namount = 'Betrag'\ncurrency = { value = 'EUR' }\n"
    )
    path = tmp_path / "liste.csv"
    path.write_bytes("Datum;Geber;Betrag\n2023-01-01;DE;2700000000\n".encode("utf-16"))
    ledger = load(path, mapping)
    assert ledger.summarize()["DE"].committed["EUR"].amount == 2700000000


@pytest.mark.parametrize(
    ("text", "code"),
    [("US", "US"), ("us", "US"), ("Germany", "DE"), ("germany", "DE"), ("United Kingdom", "GB"),
     ("European Union", "EU"), ("Atlantis", None), ("", None), ("Europe", None)],
)  # fmt: skip
def test_donor_names_resolve_through_cldr(text: str, code: str | None) -> None:
    assert donor_code(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [("Korea, Republic of", "KR"), ("Iran, Islamic Republic of", "IR"),
     ("Russian Federation", "RU"), ("Republic of Moldova", "MD"), ("the Netherlands", "NL"),
     ("Netherlands, The", "NL"), ("Kingdom of the Netherlands", "NL"),
     ("Bosnia and Herzegovina", "BA"), ("Cote d'Ivoire", "CI"), ("Saint Lucia", "LC"),
     ("U.S.", "US"), ("U.K.", "GB"), ("Czech Rep.", "CZ"), ("Slovak Republic", "SK"),
     ("Congo, The Democratic Republic of the", "CD"), ("Burma", "MM"), ("Myanmar", "MM"),
     # What could be two countries, or none, stays unread.
     ("Korea", None), ("Congo", None), ("Republic of", None), ("The", None)],
)  # fmt: skip
def test_donor_names_as_lists_write_them(text: str, code: str | None) -> None:
    assert donor_code(text) == code


def _english_names() -> list[tuple[str, str]]:
    from babel import Locale

    return [
        (str(name), str(code))
        for code, name in Locale("en").territories.items()
        if aidledger.model.is_territory(str(code)) and str(code) != "EU"
    ]


@given(
    entry=st.sampled_from(_english_names()),
    spelling=st.sampled_from([str, str.upper, str.lower, lambda n: f"the {n}",
                              lambda n: n.replace("&", "and"), lambda n: f"  {n} ",
                              lambda n: "".join(c for c in unicodedata.normalize("NFKD", n)
                                                if not unicodedata.combining(c))]),
)  # fmt: skip
def test_every_cldr_name_reads_as_its_country_however_written(
    entry: tuple[str, str], spelling: Callable[[str], str]
) -> None:
    name, code = entry
    assert donor_code(spelling(name)) == code


def test_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from aidledger.cli import main

    out = tmp_path / "weapons.json"
    report = tmp_path / "report.csv"
    status = main(
        [
            "import",
            "csv",
            str(WEAPONS),
            "--map",
            str(MAPPING),
            "-o",
            str(out),
            "--report",
            str(report),
        ]
    )
    assert status == 0
    err = capsys.readouterr().err
    assert "7 rows read, 7 imported as 7 records" in err
    assert len(aidledger.load(out)) == 7
    assert report.read_text().startswith("row,column,value,rule,action")
    assert (
        main(["import", "csv", str(WEAPONS), "--map", str(tmp_path / "none.toml"), "-o", str(out)])
        == 2
    )
    assert "none.toml: cannot be read" in capsys.readouterr().err


# --- the mapping file's schema --------------------------------------------------------------

REQUIRED = "id = 'ID'\ndate = 'Date'\ndonor = 'Donor'\nstatus = { value = 'pledged' }\n"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("source = 5\n[fields]\n" + REQUIRED, "source: is an integer (5); expected a table"),
        ("fields = ['id']\n", "fields: is an array; expected a table"),
        ("[extra]\n[fields]\n" + REQUIRED, "extra: unknown key; keys: fields, source"),
        ("[source]\nblank = 5\n[fields]\n" + REQUIRED, "source.blank: is an integer (5); expected a text or an array of texts"),
        ("[source]\nblank = ['', 5]\n[fields]\n" + REQUIRED, "source.blank[1]: is an integer (5); expected a text"),
        ("[source]\nblank = { a = 'b' }\n[fields]\n" + REQUIRED, "source.blank: is a table; expected a text or an array of texts"),
        ("[source]\nskip = true\n[fields]\n" + REQUIRED, "source.skip: is a boolean (true); expected a text or an array of texts"),
        ("[source]\ndelimiter = ';;'\n[fields]\n" + REQUIRED, "source.delimiter: ';;' is not one character (other than a quote or a line end)"),
        ("[source]\ndelimiter = ''\n[fields]\n" + REQUIRED, "source.delimiter: '' is not one character"),
        ("[source]\ndelimiter = '\"'\n[fields]\n" + REQUIRED, "source.delimiter: '\"' is not one character"),
        ("[source]\ndelimiter = \"\\n\"\n[fields]\n" + REQUIRED, "source.delimiter: '\\n' is not one character"),
        ("[source]\ndelimiter = 59\n[fields]\n" + REQUIRED, "source.delimiter: is an integer (59); expected a text"),
        ("[source]\nencoding = 'klingon'\n[fields]\n" + REQUIRED, "source.encoding: 'klingon' is not a text encoding"),
        ("[source]\nencoding = 'rot13'\n[fields]\n" + REQUIRED, "source.encoding: 'rot13' is not a text encoding"),
        ("[source]\nencoding = ['utf-8']\n[fields]\n" + REQUIRED, "source.encoding: is an array; expected a text"),
        ("[source]\nthousands = ''\n[fields]\n" + REQUIRED, "source.thousands: '' is not a separator"),
        ("[source]\nthousands = '0'\n[fields]\n" + REQUIRED, "source.thousands: '0' is not a separator"),
        ("[source]\nthousands = 1.5\n[fields]\n" + REQUIRED, "source.thousands: is a float (1.5); expected a text"),
        ("[fields]\n" + REQUIRED + "note = 5\n", "fields.note: is an integer (5); expected a column name, or a table"),
        ("[fields]\n" + REQUIRED + "note = { column = 5 }\n", "fields.note.column: is an integer (5); expected a text"),
        ("[fields]\n" + REQUIRED + "note = { template = 5 }\n", "fields.note.template: is an integer (5); expected a text"),
        ("[fields]\n" + REQUIRED + "note = { column = 'N', colour = 'red' }\n", "fields.note.colour: unknown key; keys: column, default, format, template, value, values"),
        ("[fields]\n" + REQUIRED + "note = { column = 'N', format = 1 }\n", "fields.note.format: is an integer (1); expected a text"),
        ("[fields]\n" + REQUIRED + "note = { column = 'N', values = 'x' }\n", "fields.note.values: is a text ('x'); expected a table"),
        ("[fields]\n" + REQUIRED + "note = { column = 'N', values = { a = 1 } }\n", "fields.note.values.a: is an integer (1); expected a text"),
        ("[fields]\n" + REQUIRED + "note = { column = 'N', values = { 'not yet' = true } }\n", 'fields.note.values."not yet": is a boolean (true); expected a text'),
        ("[fields]\n" + REQUIRED + "note = { column = 'N', default = [] }\n", "fields.note.default: is an array; expected a text, a whole number or a date"),
        ("[fields]\n" + REQUIRED + "amount = { value = 1.5 }\n", "fields.amount.value: is a float (1.5); expected a text, a whole number or a date (write others as text)"),
        ("[fields]\n" + REQUIRED + "amount = { value = true }\n", "fields.amount.value: is a boolean (true); expected a text"),
        ("[fields]\n" + REQUIRED + "note = { value = 2023-01-01T10:00:00 }\n", "fields.note.value: is a date-time; expected a text"),
        ("[fields]\n" + REQUIRED + "note = { value = 'x', format = '%d' }\n", "fields.note.format: applies to a column rule only"),
        ("[fields]\n" + REQUIRED + "note = { template = 'x', values = {} }\n", "fields.note.values: applies to a column rule only"),
        ("[fields]\n" + REQUIRED + "'the note' = 'N'\n", 'fields."the note": is not a field of a record'),
    ],
)  # fmt: skip
def test_a_mapping_of_the_wrong_shape_is_located(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "map.toml"
    path.write_text(toml)
    with pytest.raises(LoadError) as caught:
        read_mapping(path)
    assert str(caught.value).startswith(f"{path}: {message}"), str(caught.value)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{row.__class__}", "has {row.__class__}: only plain {Column} and {row} (no attribute or index)"),
        ("{ID.__class__.__mro__}", "has {ID.__class__.__mro__}: only plain"),
        ("{row[0]}", "has {row[0]}: only plain"),
        ("{row!r}", "has {row!r}: no conversions, plain fields only"),
        ("{row!s:>3}", "has {row!s}: no conversions"),
        ("{row:>3000000000}", "has {row:>3000000000}: a format is at most an alignment and a width of 32 (like {row:0>6})"),
        ("{row:>33}", "has {row:>33}: a format is at most"),
        ("{row:.99}", "has {row:.99}: a format is at most"),
        ("{row:{w}}", "has {row:{w}}: a format is at most"),
        ("{row:+}", "has {row:+}: a format is at most"),
        ("{row:,}", "has {row:,}: a format is at most"),
        ("{row:=5}", "has {row:=5}: a format is at most"),
        ("{row:d}", "has {row:d}: a format is at most"),
        ("{}", "has {}: a field names a column or row"),
        ("{0}", "has {0}: a field names a column or row"),
        ("}{", "is not a template: Single '}' encountered in format string (write {{ and }} for braces)"),
        ("{row", "is not a template: expected '}' before end of string"),
    ],
)  # fmt: skip
def test_a_template_is_plain_substitution(tmp_path: Path, template: str, message: str) -> None:
    path = tmp_path / "map.toml"
    path.write_text(
        "[fields]\n" + REQUIRED.replace("id = 'ID'", f"id = {{ template = {template!r} }}")
    )
    with pytest.raises(LoadError) as caught:
        read_mapping(path)
    assert str(caught.value).startswith(f"{path}: fields.id.template: {template!r} {message}")


@pytest.mark.parametrize(
    ("template", "ids"),
    [
        ("list-{row}", ["list-2", "list-3"]),
        ("list-{row:0>6}", ["list-000002", "list-000003"]),
        ("{Donor}-{row:>32}", [f"US-{'2':>32}", f"FR-{'3':>32}"]),
        ("{Donor:.1}{ID:x<4}", ["Uaxxx", "Fbxxx"]),
        ("{{{ID}}}", ["{a}", "{b}"]),
    ],
)
def test_allowed_templates_build_the_ids(tmp_path: Path, template: str, ids: list[str]) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        "[fields]\n" + REQUIRED.replace("id = 'ID'", f"id = {{ template = {template!r} }}")
    )
    path = tmp_path / "list.csv"
    path.write_text("ID,Date,Donor\na,2023-01-01,US\nb,2023-02-01,FR\n")
    assert [r.id for r in load(path, mapping)] == ids


def test_a_template_naming_a_missing_column_fails_at_the_header(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        "[fields]\n" + REQUIRED.replace("id = 'ID'", "id = { template = '{Code}-{row}' }")
    )
    path = tmp_path / "list.csv"
    path.write_text("ID,Date,Donor\na,2023-01-01,US\n")
    with pytest.raises(
        LoadError,
        match=r"list\.csv:1: the mapping's columns 'Code' \(for id\) are not in the header",
    ):
        load(path, mapping)


def test_blank_is_one_text_or_a_list_of_texts(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("ID,Date,Donor,Count\na,2023-01-01,US,n/a\nc,2023-01-01,US,\n")
    mapping = tmp_path / "map.toml"
    mapping.write_text("[source]\nblank = 'n/a'\n[fields]\n" + REQUIRED + "quantity = 'Count'\n")
    assert read_mapping(mapping).blank == ("n/a",)
    ledger, report = read(path, read_mapping(mapping))
    assert [r.quantity for r in ledger] == [None, None]
    assert [(e.row, e.rule) for e in report] == [(2, "blank")]  # '' is blank by itself
    # 'n' is not one of the characters of 'n/a': it is no number, as in any ledger.
    path.write_text("ID,Date,Donor,Count\nb,2023-01-01,US,n\n")
    with pytest.raises(LoadError, match=r"list\.csv:2: Count: 'n' is not a whole number"):
        read(path, read_mapping(mapping))


def test_constants_may_be_whole_numbers_and_dates(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        "[fields]\nid = 'ID'\ndate = { value = 2023-01-01 }\ndonor = { value = 'US' }\n"
        "status = { value = 'pledged' }\nquantity = { value = 5 }\n"
    )
    path = tmp_path / "list.csv"
    path.write_text("ID\na\n")
    (record,) = load(path, mapping)
    assert (record.date, record.quantity) == (datetime.date(2023, 1, 1), 5)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[fields]\nid = '\xff'\n", ":2: is not UTF-8 text and has no byte-order mark (bytes b\"\\xff'\\n\")"),
        (b"[fields]\r\nid = 'a'\r\ndate = '\xe9'\r\n", ":3: is not UTF-8 text"),
        (b"[fields]\rid = '\xe9'", ":2: is not UTF-8 text"),
        ("[fields]\nid = 'ID'\n".encode("utf-16"), ": looks like UTF-16 text (its byte-order mark): save it as UTF-8"),
        ("[fields]\nid = 'ID'\n".encode("utf-16-le"), ": looks like UTF-16 text (a NUL byte beside each ASCII character"),
        (b"[fields]\nid = \n", ":2: is not valid TOML: Invalid value (at line 2, column 6)"),
        (b"# " + b"x" * (1 << 20) + b"\n", ": is larger than 1048576 bytes"),
    ],
)  # fmt: skip
def test_a_mapping_that_cannot_be_read_names_its_line(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "map.toml"
    path.write_bytes(data)
    with pytest.raises(LoadError) as caught:
        read_mapping(path)
    assert str(caught.value).startswith(f"{path}{message}"), str(caught.value)


def test_a_mapping_with_a_utf8_byte_order_mark_reads(tmp_path: Path) -> None:
    path = tmp_path / "map.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MAPPING.read_bytes())
    assert read_mapping(path) == read_mapping(MAPPING)


def test_a_source_encoding_error_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(b"ID,Date,Donor\r\na,2023-01-01,US\r\nb,2023-01-01,\xe9\r\n")
    mapping = tmp_path / "map.toml"
    mapping.write_text("[fields]\n" + REQUIRED)
    with pytest.raises(LoadError, match=r"list\.csv:3: is not UTF-8 text"):
        load(path, mapping)
    path.write_bytes("ID,Date,Donor\na,2023-01-01,US\n".encode("utf-16-le"))  # no BOM
    assert [r.donor for r in load(path, mapping)] == ["US"]


# --- fuzz: any document of any shape is a mapping or a LoadError --------------------------

_KEYS = st.sampled_from(
    ["source", "fields", "blank", "delimiter", "encoding", "thousands", "skip", "column",
     "value", "values", "template", "format", "default", *COLUMNS, "ID", "x"]
)  # fmt: skip
_SCALARS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["{row}", "{row.__class__}", "{ID:>40}", "{ID}", ";", "utf-8", "%Y", "{"]),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
TOML_VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.one_of(_KEYS, st.text(max_size=5)), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mapping_documents(draw: st.DrawFn) -> dict[str, object]:
    """Documents near a real mapping: the right tables, with values of any type in them."""
    fields = {
        field: draw(
            st.one_of(
                st.text(max_size=4), TOML_VALUES, st.dictionaries(_KEYS, TOML_VALUES, max_size=3)
            )
        )
        for field in draw(st.lists(st.sampled_from([*COLUMNS, "colour"]), max_size=6, unique=True))
    }
    fields.update(
        draw(
            st.sampled_from(
                [
                    {},
                    {"id": "ID", "date": "Date", "donor": "Donor", "status": {"value": "pledged"}},
                ]
            )
        )
    )
    document: dict[str, object] = {"fields": draw(st.one_of(st.just(fields), TOML_VALUES))}
    if draw(st.booleans()):
        document["source"] = draw(
            st.one_of(st.dictionaries(_KEYS, TOML_VALUES, max_size=4), TOML_VALUES)
        )
    if draw(st.booleans()):
        document[draw(_KEYS)] = draw(TOML_VALUES)
    return document


def fuzz_mapping(folder: Path, document: dict[str, object]) -> None:
    """A document is a mapping or a LoadError; a mapping reads a table or raises LoadError."""
    try:
        rules = mapping_from(document, "fuzz.toml")
    except LoadError:
        return
    path = folder / "list.csv"
    path.write_text("ID,Date,Donor,x\na,2023-01-01,US,1\n")
    with contextlib.suppress(LoadError):
        read(path, rules)


@given(document=mapping_documents())
def test_fuzzed_mappings_raise_only_load_errors(
    tmp_path_factory: pytest.TempPathFactory, document: dict[str, object]
) -> None:
    fuzz_mapping(tmp_path_factory.mktemp("fuzz"), document)


@given(data=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_fuzzed_mapping_bytes_raise_only_load_errors(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "map.toml"
    path.write_bytes(data)
    with contextlib.suppress(LoadError):
        read_mapping(path)
