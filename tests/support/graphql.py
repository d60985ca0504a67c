"""Posting GraphQL documents the way the app does: JSON, with a bearer token or the session cookie."""

from __future__ import annotations

from typing import Any

import httpx


class GraphQLError(AssertionError):
    pass


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def execute(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The `data` of a response that must have no errors."""
        response = await self.post(query, variables, token)
        assert response.status_code == 200, response.text
        body = response.json()
        if body.get("errors"):
            raise GraphQLError(body["errors"])
        data: dict[str, Any] = body["data"]
        return data

    async def errors(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> list[str]:
        """The error messages of a response that must have some."""
        response = await self.post(query, variables, token)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body.get("errors"), body
        return [error["message"] for error in body["errors"]]


async def post_multipart(
    http: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any],
    files: dict[str, tuple[str, bytes, str]],
    token: str,
) -> dict[str, Any]:
    """A GraphQL multipart request (github.com/jaydenseric/graphql-multipart-request-spec).

    `files` maps a variable path such as `variables.input.photos.0` to (filename, bytes, type).
    """
    import json

    names = {str(index): path for index, path in enumerate(files)}
    response = await http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": query, "variables": variables}),
            "map": json.dumps({name: [path] for name, path in names.items()}),
        },
        files={name: files[path] for name, path in names.items()},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]
