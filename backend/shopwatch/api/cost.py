"""What a query may cost, worked out from its document before it runs, and the budget it must fit.

A query's cost is the most it can make the server do, counted in two kinds of work:
- every object in the answer, once for each time it can appear: a node inside `edges` of a
  connection asked with `first: 50` counts 50 times, and inside two such connections 50 times 50.
  Scalar fields are read from an object already fetched, so they add nothing of their own;
- every database statement a field runs on its own each time it appears (an area summary four),
  counted as `STATEMENT_COST` fields: statements sent at once queue on the database (SQLite has one
  connection) ahead of every other request's, so they are what holds others up. Everything else is
  batched by the request's DataLoaders, so it does not grow with the number of parents: a
  connection's page is one statement wherever it appears (`BATCHED_PAGES` answers every parent's
  page in one); `areaSummaries` works through its BIDs one after another, so its statements never
  queue more than one summary's at a time.

A connection's list is as long as its `first` (a variable counts by its value; no `first`, the
default page). Every other list has a known maximum or, where nothing bounds it, an assumed size
(`LIST_SIZES`). Fragments and inline fragments count where they are spread; all branches of a
union or of `@skip`/`@include` count, as any of them may be taken.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    ValueNode,
    get_named_type,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from shopwatch.api.library_internals import graphql_schema
from shopwatch.api.pagination import DEFAULT_PAGE, MAX_PAGE
from shopwatch.core.concurrency import LoopSemaphore
from shopwatch.core.sqlite import costly_reads

QUERY_BUDGET = 10_000
# Queries costing this much or more take turns, one at a time per process: several at once keep
# the event loop busy in slices that every other request must wait between (bench/README.md).
COSTLY = 2_500
costly_query_slots = LoopSemaphore(1)
STATEMENT_COST = 1_000
# A list nothing bounds and no one has sized: the size assumed for it.
ASSUMED_LIST_SIZE = 20

# Every list field of the schema that is not a connection's page: its known maximum, or the size
# assumed where nothing bounds it (tests/api/test_query_cost.py checks each list is named here).
LIST_SIZES: Mapping[str, int] = {
    # Known maxima.
    "AreaSummary.byKind": 8,  # one per kind
    "AreaSummary.byWeek": 158,  # every week touched by the longest period (1,098 days)
    "AreaSummary.byHourOfWeek": 168,
    "AreaSummary.topOffenders": 10,
    "PublicSummary.byKind": 8,
    "PublicSummary.byMonth": 37,  # every month touched by the longest period
    "PublicMonthCount.byKind": 8,
    "Incident.photos": 6,
    "ReportIncidentSuccess.photoErrors": 6,
    "CreateOffenderSuccess.photoErrors": 6,
    "Query.alertRules": 6,  # one per rule
    "UpdateAlertRulesSuccess.rules": 6,
    "Query.areaSummaries": 20,  # MAX_BIDS_COMPARED
    "Query.liveAlerts": 100,  # MAX_CATCH_UP
    "Incident.property": 50,  # evidence.property_lines.MAX_LINES
    "WitnessStatement.exhibits": 6,  # an incident's photos
    # Assumed: nothing bounds these, but they stay small in practice.
    "AreaSummary.byShop": 100,  # a BID's shops
    "AreaSummary.hotspots": 100,
    "Bid.shops": 100,
    "Bid.teams": 5,
    "NeighbourhoodTeam.bids": 20,
    "Query.neighbourhoodTeams": 50,
    "Query.bids": 50,
    "User.memberships": 5,
    "Incident.offenders": 10,
    "Incident.possibleOffenders": 10,
    "Incident.history": 10,
    "Incident.statements": 5,  # a witness or two, each corrected now and then
    "PoliceCase.updates": 10,
    "Alert.incidents": 20,
    "Alert.emailedTo": 10,
    "Alert.deliveries": 10,
    "Offender.exclusions": 10,
    "Offender.photos": 10,
    "Offender.possibleDuplicates": 10,  # MAX_SUGGESTIONS
    "OffenderDataExport.mergedRecords": 10,
    "OffenderDataExport.photos": 20,
    "OffenderDataExport.exclusions": 10,
    "OffenderDataExport.incidents": 100,
    "OffenderDataExport.alerts": 50,
    "OffenderDataExport.accessLog": 100,
}

# Fields that run database statements of their own each time they appear, beyond a connection's one.
OWN_STATEMENTS: Mapping[str, int] = {
    "Query.areaSummary": 4,  # the figures, the offenders, the BID's shops, its hotspot rule
    "Query.areaSummaries": 4,  # per BID compared
    "Query.publicSummary": 2,
    "Query.exportOffenderData": 8,
    "Query.auditChain": 1,  # a batch of entries at a time, one after another
}

# Lists whose items' statements run one after another: they count once, whatever the length.
ONE_AFTER_ANOTHER = frozenset({"Query.areaSummaries"})

# Connections below a list that one statement answers for every parent (api/loaders.py).
BATCHED_PAGES = frozenset({"Offender.incidents"})

# A page of a connection: the argument that sets its length.
PAGE_ARGUMENT = "first"


def budget_message(cost: int) -> str:
    return (
        f"This query would cost {cost:,} against the budget of {QUERY_BUDGET:,} per request; "
        "ask for smaller pages (`first`) or fewer nested lists."
    )


@dataclass
class _CostCounter:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    # (fragment, page size its lists take) -> its cost, so a fragment spread many times counts once.
    fragment_costs: dict[tuple[str, int | None], int] = field(default_factory=dict)
    # Statements sent once for all parents, however many there are.
    batched_statements: int = 0

    def selection_set(self, selections: SelectionSetNode, parent: GraphQLNamedType, page: int | None) -> int:
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(selection.selection_set, inner or parent, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, page)
        return total

    def fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key not in self.fragment_costs:
            self.fragment_costs[key] = 0  # a cycle (refused by validation anyway) adds nothing
            definition = self.fragments.get(name)
            inner = self.schema.get_type(definition.type_condition.name.value) if definition else None
            if definition is not None and inner is not None:
                self.fragment_costs[key] = self.selection_set(definition.selection_set, inner, page)
        return self.fragment_costs[key]

    def field(self, node: FieldNode, parent: GraphQLNamedType, page: int | None) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0  # __typename and introspection: answered from the schema held in memory
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        key = f"{parent.name}.{name}"
        own_page = self.page_size(node) if PAGE_ARGUMENT in definition.args else None
        statements = OWN_STATEMENTS.get(key, 0) + (1 if own_page is not None else 0)
        if key in BATCHED_PAGES:
            self.batched_statements += statements * STATEMENT_COST
            statements = 0
        count = self.list_size(key, definition.type, page)
        inner = node.selection_set
        queued = 1 if key in ONE_AFTER_ANOTHER else count
        statement_cost = queued * statements * STATEMENT_COST
        if inner is None:
            return statement_cost
        children = self.selection_set(inner, get_named_type(definition.type), own_page)
        return count * (1 + children) + statement_cost

    def list_size(self, key: str, output: GraphQLOutputType, page: int | None) -> int:
        """1 for a single value; a list's length as a connection's page, known or assumed."""
        unwrapped = output.of_type if isinstance(output, GraphQLNonNull) else output
        if not isinstance(unwrapped, GraphQLList):
            return 1
        if page is not None:  # a list of the object a paged field returned: its edges
            return page
        return LIST_SIZES.get(key, ASSUMED_LIST_SIZE)

    def page_size(self, node: FieldNode) -> int:
        """`first` as the resolver will take it; anything it would refuse counts as the largest."""
        argument = next((arg for arg in node.arguments or () if arg.name.value == PAGE_ARGUMENT), None)
        value = self.argument_value(argument.value) if argument else None
        if value is None:
            return DEFAULT_PAGE
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_PAGE:
            return value
        return MAX_PAGE

    def argument_value(self, node: ValueNode) -> Any:
        try:
            value = value_from_ast_untyped(node, dict(self.variables))
        except (TypeError, ValueError):
            return None
        return None if value is Undefined else value


def _operations(document: DocumentNode, operation_name: str | None) -> Iterator[OperationDefinitionNode]:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            operation_name is None or (definition.name and definition.name.value == operation_name)
        ):
            yield definition


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> int:
    """The cost of the operation that would run (all of them when none is named: the dearest)."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    costs = [0]
    for operation in _operations(document, operation_name):
        root = schema.get_root_type(operation.operation)
        if root is None:
            continue
        defaults = {
            definition.variable.name.value: value_from_ast_untyped(definition.default_value)
            for definition in operation.variable_definitions or ()
            if definition.default_value is not None
        }
        counter = _CostCounter(schema, fragments, {**defaults, **(variables or {})})
        objects = counter.selection_set(operation.selection_set, root, None)
        costs.append(objects + counter.batched_statements)
    return max(costs)


class RequestsInFlight:
    """The GraphQL requests this process is working on, and how many of them are costly queries: a
    costly one's work gives way to the others (api/slices.py) from their session lookup to their
    answer, as every turn of the loop they wait for is part of their time."""

    def __init__(self) -> None:
        self.requests = 0
        self.costly = 0

    def cheap_running(self) -> bool:
        return self.requests > self.costly

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        self.requests += 1
        try:
            yield
        finally:
            self.requests -= 1

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Part of a request in flight that waits for its client or its turn: not counted."""
        self.requests -= 1
        try:
            yield
        finally:
            self.requests += 1

    @contextlib.contextmanager
    def costly_query(self) -> Iterator[None]:
        self.costly += 1
        try:
            yield
        finally:
            self.costly -= 1


requests_in_flight = RequestsInFlight()


def cheap_requests_running() -> bool:
    return requests_in_flight.cheap_running()


def is_costly(context: object) -> bool:
    return getattr(context, "costly", False) is True


class QueryCostLimit(SchemaExtension):
    """Refuses, before it runs, an operation whose cost is over the budget; has a costly one wait for
    its turn, read on a connection of its own (SQLite) and give way to cheaper requests."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        cost = 0
        if document is not None and context.result is None:
            variables = context.variables if isinstance(context.variables, dict) else None
            cost = query_cost(graphql_schema(context.schema), document, context.operation_name, variables)
            if cost > QUERY_BUDGET:
                error = GraphQLError(budget_message(cost), extensions={"cost": cost, "budget": QUERY_BUDGET})
                context.result = ExecutionResult(data=None, errors=[error])
        if cost < COSTLY or context.result is not None:
            yield
            return
        if hasattr(context.context, "costly"):
            context.context.costly = True
        # Counted as costly while it waits for its turn too: a waiting costly query is no reason
        # for the running one to give way.
        with requests_in_flight.costly_query():
            async with costly_query_slots():
                reads = costly_reads.set(True)
                try:
                    yield
                finally:
                    costly_reads.reset(reads)
