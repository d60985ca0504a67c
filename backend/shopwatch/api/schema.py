"""The schema: each domain's queries and mutations merged, with the limits every request runs under."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import cache, partial
from typing import Any

import strawberry
from graphql import GraphQLError
from starlette.websockets import WebSocket
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.file_uploads import Upload
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from shopwatch.api.accounts import AccountsMutation, AccountsQuery
from shopwatch.api.alerts.mutations import AlertsMutation
from shopwatch.api.alerts.queries import AlertsQuery
from shopwatch.api.audit import AuditQuery
from shopwatch.api.cost import QueryCostLimit
from shopwatch.api.evidence.mutations import EvidenceMutation
from shopwatch.api.execution import PlainFieldsExecutionContext
from shopwatch.api.incidents.mutations import IncidentsMutation
from shopwatch.api.incidents.queries import IncidentsQuery
from shopwatch.api.incidents.triage import TriageMutation
from shopwatch.api.library_internals import max_aliases_rule, max_depth_rule
from shopwatch.api.live.operations import LiveMutation, LiveQuery, LiveSubscription
from shopwatch.api.live.push import PushMutation, PushQuery
from shopwatch.api.offenders.decisions import DecisionsMutation
from shopwatch.api.offenders.mutations import OffendersMutation
from shopwatch.api.offenders.queries import OffendersQuery
from shopwatch.api.outage import DatabaseOutage
from shopwatch.api.people import PeopleMutation, PeopleQuery
from shopwatch.api.place_changes import PlaceChangesMutation
from shopwatch.api.places import PlacesMutation, PlacesQuery
from shopwatch.api.suggestions import HideSuggestions
from shopwatch.api.summaries.queries import SummariesQuery
from shopwatch.api.text_input import RefuseUnusableText
from shopwatch.api.uploads import UPLOAD_SCALAR

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000
# The depth and alias limits as validation rules made once. strawberry's QueryDepthLimiter and
# MaxAliasesLimiter make a new rule class per instance, so per request, and ValidationCache keys on
# the rule classes: with them no request ever hit the cache (bench/me_vs_bare_route.py shows it).
LIMIT_RULES = (max_depth_rule(MAX_DEPTH, None), max_aliases_rule(MAX_ALIASES))

Query = merge_types(
    "Query",
    (
        AccountsQuery,
        PeopleQuery,
        PlacesQuery,
        IncidentsQuery,
        OffendersQuery,
        AlertsQuery,
        SummariesQuery,
        AuditQuery,
        LiveQuery,
        PushQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccountsMutation,
        PeopleMutation,
        PlacesMutation,
        PlaceChangesMutation,
        IncidentsMutation,
        TriageMutation,
        EvidenceMutation,
        OffendersMutation,
        DecisionsMutation,
        AlertsMutation,
        LiveMutation,
        PushMutation,
    ),
)

refusals = logging.getLogger("shopwatch.api.refusals")


def _is_internal(error: GraphQLError) -> bool:
    """Errors we raise on purpose (permissions, limits, validation) are meant for the user;
    anything else is a bug whose message may expose internals."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


class Schema(strawberry.Schema):
    """Logs as errors only what went wrong on our side. A refusal of what the client sent (syntax,
    validation, cost, time limit, "log in") is the answer to that request: at ERROR, anyone could
    fill the error log with them and hide the real ones."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        internal = []
        for error in errors:
            if _is_internal(error):
                internal.append(error)
            else:
                refusals.info("refused: %s", error.message)
        super().process_errors(internal, execution_context)

    async def execute(  # type: ignore[override]
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """Subscriptions run only over the live socket (`stream`), with its limits and session
        checks; over HTTP they are refused before they run."""
        allowed = set(allowed_operation_types or (OperationType.QUERY, OperationType.MUTATION))
        return await super().execute(
            query,
            variable_values=variable_values,
            context_value=context_value,
            root_value=root_value,
            operation_name=operation_name,
            allowed_operation_types=allowed - {OperationType.SUBSCRIPTION},
            operation_extensions=operation_extensions,
        )

    async def answer_event(
        self,
        query: str,
        event: object,
        variables: dict[str, Any] | None,
        context: object,
        operation_name: str | None,
    ) -> ExecutionResult:
        """A subscription's answer to one of its events, as its stream would give it, extensions
        and masking included: for the live socket, to answer every subscriber shown the same event
        at once (`api/live/delivery.py`), once it has started that subscription."""
        return await super().execute(
            query,
            variable_values=variables,
            context_value=context,
            root_value=event,
            operation_name=operation_name,
            allowed_operation_types=(OperationType.SUBSCRIPTION,),
        )

    async def stream(  # type: ignore[override]
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
    ) -> Any:
        """The live socket runs subscriptions only: queries and mutations go over HTTP, through the
        CSRF guard and the rest (strawberry's socket handler would run them too). Nothing streams
        over HTTP (multipart subscriptions, SSE): it would escape the socket's limits."""
        over_socket = isinstance(getattr(context_value, "request", None), WebSocket)
        return await super().stream(
            query,
            variable_values=variable_values,
            context_value=context_value,
            root_value=root_value,
            operation_name=operation_name,
            operation_extensions=operation_extensions,
            allowed_operation_types=(OperationType.SUBSCRIPTION,) if over_socket else (),
        )


# One per process and kind: every app a process makes (the tests make hundreds) shares it, since
# building it walks every type and takes longer than most requests.
@cache
def build_schema(*, production: bool) -> Schema:
    # Factories, not instances: strawberry builds fresh extensions per request from them.
    extensions: list[Callable[[], SchemaExtension]] = [
        ParserCache,
        ValidationCache,
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(AddValidationRules, list(LIMIT_RULES)),
        # Before the cost limit: a request it refuses is not costed.
        RefuseUnusableText,
        QueryCostLimit,
    ]
    if production:
        extensions += [
            DisableIntrospection,
            HideSuggestions,
            partial(
                MaskErrors,
                should_mask_error=_is_internal,
                error_message="Something went wrong on our side.",
            ),
        ]
    # Last, so it runs first once the operation is done and sees the errors before MaskErrors
    # replaces them.
    extensions.append(DatabaseOutage)
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=LiveSubscription,
        extensions=extensions,  # type: ignore[arg-type]
        scalar_overrides={Upload: UPLOAD_SCALAR},
        execution_context_class=PlainFieldsExecutionContext,
    )


def build_sdl() -> str:
    return build_schema(production=False).as_str() + "\n"
