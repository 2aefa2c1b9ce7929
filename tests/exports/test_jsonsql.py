"""`jsonsql`: the JSON text PostgreSQL concatenates is the document the description says."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from annotator.exports.jsonsql import Json, Number, Omit, Text, json_sql, literal

pytestmark = pytest.mark.django_db


def evaluate(sql: str, params: list | None = None) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params or [])
        return cursor.fetchone()[0]


def test_values_constants_nested_objects_and_lists_keep_their_order_and_escapes():
    spec = {
        "n": Number("41 + 1"),
        "text": Text("%s::text"),
        "none": Text("NULL::text"),
        "date": Text("DATE '2022-02-01'"),
        "ready": Json("'[1, {\"a\": null}]'::json"),
        "constant": {"k'ey %s": "l'été à 100 % {0}", "list": [1, True, None, "x"]},
        "empty": {},
        "items": [Text("'a\"b'::text"), {"deep": Number("NULL::int")}],
    }
    tricky = 'quote " backslash \\ newline \n tab \t control \u0001 emoji 🇫🇷 %s {0}'
    text = evaluate(json_sql(spec), [tricky])
    document = json.loads(text)
    assert list(document) == list(spec)
    assert document == {
        "n": 42,
        "text": tricky,
        "none": None,
        "date": "2022-02-01",
        "ready": [1, {"a": None}],
        "constant": {"k'ey %s": "l'été à 100 % {0}", "list": [1, True, None, "x"]},
        "empty": {},
        "items": ['a"b', {"deep": None}],
    }


def test_an_omitted_key_is_left_out_when_its_value_is_null():
    spec = {"id": 1, "body": Omit("CASE WHEN %s THEN '\"yes\"' END")}
    assert json.loads(evaluate(json_sql(spec), [True])) == {"id": 1, "body": "yes"}
    assert json.loads(evaluate(json_sql(spec), [False])) == {"id": 1}


def test_the_first_key_cannot_be_omitted_and_omit_is_only_for_keys():
    with pytest.raises(ValueError, match="first key"):
        json_sql({"body": Omit("NULL")})
    with pytest.raises(TypeError):
        json_sql([Omit("NULL")])


def test_literals_survive_client_side_parameters():
    assert evaluate(f"{literal(chr(39) + '100 % sûr' + chr(39))} || %s", ["!"]) == "'100 % sûr'!"
