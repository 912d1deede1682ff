"""Reading a document from outside (a catalog, a people file, a pulled page): each wrong field is
refused with its place in the document and what is wrong with it, in words IT can act on."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kiosk.domain.document import DocumentReader
from kiosk.errors import CatalogError

REFUSED = "error.document.refused.catalog"


def reader(value: object) -> DocumentReader:
    return DocumentReader(value, "catalogue", CatalogError, REFUSED)


def refusal(read) -> CatalogError:
    with pytest.raises(CatalogError) as caught:
        read()
    return caught.value


def test_a_document_that_is_not_an_object_is_refused_in_both_languages():
    error = refusal(lambda: reader([1, 2]))
    assert error.en == "Catalog refused: catalogue must be a JSON object."
    assert error.fr.startswith("Catalogue refusé : catalogue ")


@pytest.mark.parametrize(
    ("document", "read", "message"),
    [
        ({}, lambda d: d.text("title"), "catalogue.title is missing"),
        ({"title": 3}, lambda d: d.text("title"), "catalogue.title must be a string"),
        ({"title": ""}, lambda d: d.text("title", 1, 5), "catalogue.title must be 1 to 5 characters long"),
        ({"id": "no spaces"}, lambda d: d.identifier("id"), "catalogue.id is not a valid identifier"),
        ({"kind": "Pressing"}, lambda d: d.slug("kind"), "catalogue.kind is not a valid code"),
        (
            {"mode": "x"},
            lambda d: d.choice("mode", ["direct", "request"]),
            "catalogue.mode must be one of direct, request",
        ),
        ({}, lambda d: d.integer("n", 0, 9), "catalogue.n is missing"),
        ({"n": "3"}, lambda d: d.integer("n", 0, 9), "catalogue.n must be a whole number"),
        ({"n": True}, lambda d: d.integer("n", 0, 9), "catalogue.n must be a whole number"),
        ({"n": 2.0}, lambda d: d.integer("n", 0, 9), "catalogue.n must be a whole number"),
        ({"n": 10}, lambda d: d.integer("n", 0, 9), "catalogue.n must be between 0 and 9"),
        ({}, lambda d: d.optional_integer("n", 0, 9), "catalogue.n is missing"),
        ({"o": []}, lambda d: d.optional_object("o"), "catalogue.o must be a JSON object"),
        ({"o": {"x": 1}}, lambda d: d.optional_object("o").text("x"), "catalogue.o.x must be a string"),
        ({"b": 1}, lambda d: d.boolean("b"), "catalogue.b must be true or false"),
        ({"day": "2026-12-2"}, lambda d: d.day("day"), "catalogue.day must be 10 to 10 characters long"),
        ({"day": "2026-12-02x"}, lambda d: d.day("day"), "catalogue.day must be 10 to 10 characters long"),
        ({"day": "2026-13-02"}, lambda d: d.day("day"), "catalogue.day must be a YYYY-MM-DD date"),
        ({"at": "2026-12-02T10:00:00"}, lambda d: d.moment("at"), "catalogue.at must be 16 to 16 characters long"),
        ({"at": "2026-12-02T10:000"}, lambda d: d.moment("at"), "catalogue.at must be 16 to 16 characters long"),
        ({"at": "2026-12-02 10:0x"}, lambda d: d.moment("at"), "catalogue.at must be a YYYY-MM-DDTHH:MM date and time"),
        ({}, lambda d: d.items("l", 0, 2), "catalogue.l is missing"),
        ({"l": {}}, lambda d: d.items("l", 0, 2), "catalogue.l must be a list"),
        ({"l": [{}, {}, {}]}, lambda d: d.items("l", 0, 2), "catalogue.l must hold 0 to 2 items"),
        ({"l": [{}, 3]}, lambda d: d.items("l", 0, 2), "catalogue.l[1] must be a JSON object"),
        ({"l": [{}, {"x": 1}]}, lambda d: d.items("l", 0, 2)[1].text("x"), "catalogue.l[1].x must be a string"),
    ],
)
def test_each_wrong_field_is_named_with_what_is_wrong(document, read, message):
    assert refusal(lambda: read(reader(document))).en == f"Catalog refused: {message}."


def test_valid_fields_are_read_as_they_are():
    document = reader(
        {
            "title": "x" * 10_000,
            "empty": "",
            "id": "OFFER-1",
            "kind": "pressing",
            "mode": "request",
            "n": 9,
            "none": None,
            "b": False,
            "day": "2026-12-02",
            "at": "2026-12-02T10:30",
            "o": {"x": "y"},
            "l": [{"x": "a"}, {"x": "b"}],
        }
    )
    assert document.text("title") == "x" * 10_000
    assert document.text("empty") == ""
    assert document.text("id", 7, 7) == "OFFER-1"
    assert document.identifier("id") == "OFFER-1"
    assert document.slug("kind") == "pressing"
    assert document.choice("mode", ["direct", "request"]) == "request"
    assert document.integer("n", 9, 9) == 9
    assert document.optional_integer("none", 0, 9) is None
    assert document.optional_integer("n", 0, 9) == 9
    assert document.optional_object("missing") is None
    assert document.optional_object("o") is not None and document.optional_object("o").text("x") == "y"
    assert document.optional_text("missing", 5) == "" and document.optional_text("none", 5) == ""
    assert document.optional_text("id", 7) == "OFFER-1"
    assert document.optional_text("empty", 5) == ""
    assert document.boolean("b") is False
    assert document.day("day") == date(2026, 12, 2)
    assert document.moment("at") == datetime(2026, 12, 2, 10, 30)
    assert [item.text("x") for item in document.items("l", 2, 2)] == ["a", "b"]


def test_a_text_too_long_is_refused():
    assert refusal(lambda: reader({"t": "x" * 10_001}).text("t")).en.endswith("must be 0 to 10000 characters long.")
    assert refusal(lambda: reader({"t": "x" * 6}).optional_text("t", 5)).en.endswith("must be 0 to 5 characters long.")
