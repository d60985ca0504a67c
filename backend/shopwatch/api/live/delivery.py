"""Sending a live alert to a subscriber over its socket, answered once for all who share it.

One alert goes to hundreds of subscriptions in a process. Through strawberry's stream, each of
them would run the schema's per-result handling and encode its own `next` message, which was most
of a delivery's cost (bench/README.md). Here the answer for an alert shown alike, with the same
query and variables, is executed once through the schema (its extensions, limits and error masking
included) and encoded once; each subscriber's message is that text with its operation id, written
straight to its socket. An answer with errors is left to strawberry's own path.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from contextvars import ContextVar
from typing import Any, Protocol

from starlette.websockets import WebSocket, WebSocketDisconnect

log = logging.getLogger(__name__)

# Recent answers by (query, operation name, variables, the shown alert's identity); the alert is held
# in the value, so its id is never another's while the entry lives.
MAX_ANSWERS = 256
_AnswerKey = tuple[str, str | None, str, int]
_answers: OrderedDict[_AnswerKey, tuple[object, asyncio.Future[str | None]]] = OrderedDict()


class EventSchema(Protocol):
    async def answer_event(
        self,
        query: str,
        event: object,
        variables: dict[str, Any] | None,
        context: object,
        operation_name: str | None,
    ) -> Any: ...


class DirectDelivery:
    """Where one subscription's alerts go: its operation on its socket."""

    def __init__(
        self,
        websocket: WebSocket,
        schema: EventSchema,
        context: object,
        operation_id: str,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> None:
        self.websocket = websocket
        self.schema = schema
        self.context = context
        self.query = query
        self.variables = variables
        self.operation_name = operation_name
        self._variables_key = json.dumps(variables or {}, sort_keys=True, default=str)
        self._prefix = '{"id":' + json.dumps(operation_id) + ',"type":"next","payload":'
        self.gone = False

    async def send(self, alert: object) -> bool:
        """Send the alert's `next` message; False (nothing sent) when its answer has errors, for
        strawberry to send. A socket found gone is left to its handler, which ends its operations."""
        if self.gone:
            return True
        payload = await self._payload(alert)
        if payload is None:
            return False
        try:
            await self.websocket.send_text(self._prefix + payload + "}")
        except (WebSocketDisconnect, RuntimeError, OSError):
            self.gone = True
        return True

    async def _payload(self, alert: object) -> str | None:
        key = (self.query, self.operation_name, self._variables_key, id(alert))
        cached = _answers.get(key)
        if cached is None or cached[0] is not alert:
            # One task for every subscriber woken by the same alert, shielded: one going away
            # does not cancel it for the others.
            cached = (alert, asyncio.ensure_future(self._encoded_answer(alert)))
            _answers[key] = cached
            if len(_answers) > MAX_ANSWERS:
                _answers.popitem(last=False)
        return await asyncio.shield(cached[1])

    async def _encoded_answer(self, alert: object) -> str | None:
        try:
            result = await self.schema.answer_event(
                self.query, alert, self.variables, self.context, self.operation_name
            )
        except Exception:  # strawberry's path then answers it, as it would have
            log.exception("a live alert's answer could not be worked out once for all")
            return None
        if result.errors or result.extensions:
            return None
        return json.dumps({"data": result.data})


# Set by the socket handler while it starts a subscription's task, which copies it: the subscription
# resolver finds its own delivery there (None over any other transport).
starting_delivery: ContextVar[DirectDelivery | None] = ContextVar("starting_delivery", default=None)
