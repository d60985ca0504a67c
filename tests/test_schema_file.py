from pathlib import Path

from shopwatch.api.schema import build_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.graphql"


def test_schema_graphql_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == build_sdl(), "schema.graphql is stale: run `make schema`"
