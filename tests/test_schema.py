"""Every record cleanpipe writes, article or error, matches the published JSON Schema."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from conftest import FIXTURES, jsonl, run_cli


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(
        (resources.files("cleanpipe") / "schema" / "article.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_outputs_of_all_fixtures_match_the_schema(validator) -> None:
    proc = run_cli("run", str(FIXTURES / "pages"), str(FIXTURES / "bad"))
    records = jsonl(proc.stdout)
    assert len(records) == len(list((FIXTURES / "pages").iterdir())) + len(
        list((FIXTURES / "bad").iterdir()))
    for record in records:
        validator.validate(record)
    assert any("error" in r for r in records) and any("text" in r for r in records)


def test_schema_rejects_a_record_without_text(validator) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"source": "x", "title": None, "language": None, "removed": [],
                            "stages": ["emit"]})
