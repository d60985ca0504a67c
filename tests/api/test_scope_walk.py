"""Nothing of a BID out of reach appears anywhere a viewer can walk to.

The documents are generated from the schema (tests/support/schema_walk.py): from every root query
field, every field of every object type, to a bounded depth, called with every id of the world. They
run as each role of the home town and as a user of two BIDs with different roles, and every answer
is searched for the markers of the BIDs out of that viewer's reach (and, for shop staff, of what
their own BID keeps from them: other shops' incidents, ARCHIVED records). The same walk as the away
town's own people must find every away marker, so a walk that reached nothing would fail too.

The walk runs with the cost budget and the time limit lifted (its documents are large, and a busy
machine answers them slowly): it asks what resolvers answer, not what a query may cost
(tests/api/test_query_cost.py). A path the budget refuses is refused to everyone; walking it anyway
can only find more.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from datetime import date, timedelta
from typing import Any

import pytest
from graphql import (
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    get_named_type,
    parse,
)

from shopwatch.api import cost
from shopwatch.settings import Settings
from tests.api.summaries.test_area_summary import LAST_30_DAYS
from tests.support.graphql import GraphQLClient
from tests.support.marked_world import MarkedWorld, Markers, Viewer, away_viewers, make_marked_world
from tests.support.schema_walk import Walk, our_schema, token_count

PAGE = 2
_MONTH_END = date.today().replace(day=1) - timedelta(days=1)
LAST_MONTH = {"from": _MONTH_END.replace(day=1).isoformat(), "to": _MONTH_END.isoformat()}
LIST_POSITION = re.compile(r"\[\d+\]")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The walk's documents are large by design; the time limit is not what it checks.
    return dataclasses.replace(settings, query_time_limit_seconds=60.0)


@pytest.fixture
def limits_lifted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cost, "QUERY_BUDGET", 10**12)


def _argument_values(
    world: MarkedWorld, viewer: Viewer, schema: GraphQLSchema, root: str
) -> list[dict[str, Any]]:
    """Every combination of values for the root field's required arguments, from the world's ids."""
    assert schema.query_type is not None
    field = schema.query_type.fields[root]
    choices: dict[str, list[Any]] = {}
    for name, argument in field.args.items():
        if name == "first":
            choices[name] = [PAGE]
        elif name == "id":
            choices[name] = world.ids(get_named_type(field.type).name)
        elif name == "bidId":
            choices[name] = world.ids("Bid")
        elif name == "bidIds":
            choices[name] = [[bid] for bid in world.ids("Bid")] + [world.ids("Bid")]
        elif name == "offenderId":
            choices[name] = world.ids("Offender")
        elif name == "bidSlug":
            # Public figures are public: a viewer asks for their own BIDs' (the slug is the key).
            choices[name] = sorted(viewer.in_reach)
        elif name in LAST_30_DAYS:
            # Public figures are published by whole past months only.
            period = LAST_MONTH if root == "publicSummary" else LAST_30_DAYS
            choices[name] = [period[name]]
        elif isinstance(argument.type, GraphQLNonNull):
            raise AssertionError(f"Query.{root} needs `{name}`: say which values the walk should try")
    names = list(choices)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*choices.values())]


async def _walk(
    gql: GraphQLClient, world: MarkedWorld, viewer: Viewer, token: str
) -> list[tuple[str, dict[str, Any]]]:
    """(document, answer) for every document of the walk, as the viewer."""
    schema = our_schema()
    walk = Walk(schema, page=PAGE)
    assert schema.query_type is not None
    answers = []
    for root in schema.query_type.fields:
        combinations = _argument_values(world, viewer, schema, root)
        for document in walk.documents(root, combinations[0]):
            for variables in combinations:
                response = await gql.post(document, variables, token=token)
                assert response.status_code == 200, (document, response.text)
                body = response.json()
                refused = [error for error in body.get("errors", []) if not error.get("path")]
                assert not refused, f"the walk's document was refused: {refused}\n{document}"
                answers.append((document, body))
    return answers


def _leaks(answers: list[tuple[str, dict[str, Any]]], markers: Markers) -> set[str]:
    """Each marker found, with where (list positions left out, so one leak is one line)."""
    leaks = set()
    for _, body in answers:
        for path, marker in markers.found_in(body.get("data")):
            leaks.add(f"{LIST_POSITION.sub('[]', path)}: {marker!r}")
    return leaks


@pytest.mark.usefixtures("limits_lifted")
async def test_no_answer_carries_anything_out_of_the_viewers_reach(gql: GraphQLClient) -> None:
    world, viewers = await make_marked_world()
    failures = []
    for viewer in viewers:
        leaks = _leaks(await _walk(gql, world, viewer, viewer.token), world.out_of_reach(viewer))
        failures += [f"{viewer.name}: {leak}" for leak in sorted(leaks)]
    assert not failures, "\n".join(failures)


@pytest.mark.usefixtures("limits_lifted")
async def test_the_walk_reaches_every_marker_for_the_bids_own_people(gql: GraphQLClient) -> None:
    world, _ = await make_marked_world()
    away = world.towns["away"]
    found: set[str] = set()
    for token in away_viewers(world):
        viewer = Viewer("away", token, frozenset({"away"}), {})
        for _, body in await _walk(gql, world, viewer, token):
            found |= {marker for _, marker in away.markers.found_in(body.get("data"))}
    everything = away.markers.exact | away.markers.text | {str(n) for n in away.markers.numbers}
    assert everything - found == set()


def test_a_document_over_the_limits_is_split_into_pieces_that_select_the_same() -> None:
    schema = our_schema()
    variables = {"offenderId": "T2ZmZW5kZXI6MQ"}
    # Whole when nothing limits its length; in pieces under the limit.
    (whole,) = Walk(schema, max_tokens=10**6).documents("exportOffenderData", variables)
    pieces = Walk(schema, max_tokens=300).documents("exportOffenderData", variables)
    assert len(pieces) > 1
    assert all(token_count(piece) <= 300 for piece in pieces)
    assert set().union(*map(_field_paths, pieces)) == _field_paths(whole)


def _field_paths(document: str) -> set[str]:
    """Every field's path in a document, as `a.b.c` (fragments by their type)."""
    paths: set[str] = set()

    def walk(selections: Any, prefix: str) -> None:
        for selection in selections:
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                walk(
                    selection.selection_set.selections,
                    f"{prefix}{condition.name.value if condition else ''}:",
                )
            else:
                path = prefix + selection.name.value
                paths.add(path)
                if selection.selection_set is not None:
                    walk(selection.selection_set.selections, path + ".")

    operation = parse(document).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    walk(operation.selection_set.selections, "")
    return paths
