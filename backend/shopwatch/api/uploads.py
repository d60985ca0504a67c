"""Photo uploads as the GraphQL layer receives them: placed where the request's `map` says, read
within the size limit, named, closed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, cast

from graphql import GraphQLError
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload
from strawberry.types.scalar import scalar

from shopwatch.actions.photos import PhotoFile
from shopwatch.incidents.photos import MAX_PHOTO_BYTES, PhotoRejected

NOT_A_FILE = "Send the file as a part of a multipart request, with a filename."


def _uploaded_file(value: object) -> UploadFile:
    # strawberry's own Upload takes any value, so a string in a JSON body reached the resolvers
    # as if it were a file.
    if not isinstance(value, UploadFile):
        raise GraphQLError(NOT_A_FILE)
    return value


# In place of strawberry's Upload (the same name and description, so the SDL is unchanged).
UPLOAD_SCALAR = scalar(
    name="Upload", description="Represents a file upload.", serialize=str, parse_value=_uploaded_file
)


class MalformedUpload(ValueError):
    """A multipart request that does not follow the GraphQL multipart request spec; says how."""


MAP_SHAPE = "`map` must be a JSON object from each file part's name to a list of paths in `operations`."


def operations_with_files(parts: Iterable[tuple[str, str | UploadFile]]) -> dict[str, Any]:
    """`operations` with each file of a multipart request at the paths `map` gives it
    (github.com/jaydenseric/graphql-multipart-request-spec). Everything is checked, as strawberry's
    own placement did not: a path must lead to a null placeholder, and every file part must be
    mapped, so that no photo is silently left out."""
    fields: dict[str, str] = {}
    files: dict[str, UploadFile] = {}
    for name, value in parts:
        if name in fields or name in files:
            raise MalformedUpload(f"The part `{name}` appears more than once.")
        if isinstance(value, UploadFile):
            files[name] = value
        else:
            fields[name] = value
    for name in ("operations", "map"):
        if name in files:
            raise MalformedUpload(f"`{name}` must be a form field, not a file.")
    operations = _json_field(fields, "operations", "{}")
    if not isinstance(operations, dict):
        raise MalformedUpload("`operations` must be a JSON object with a `query` (batching is off).")
    files_map = _json_field(fields, "map", "{}")
    if not isinstance(files_map, dict):
        raise MalformedUpload(MAP_SHAPE)
    filled: set[str] = set()
    for name, paths in files_map.items():
        if not (isinstance(paths, list) and paths and all(isinstance(path, str) for path in paths)):
            raise MalformedUpload(
                f'`map` entry `{name}` must be a list of paths in `operations`, such as ["variables.photo"].'
            )
        if name in fields:
            raise MalformedUpload(f"`map` names the part `{name}`, which is not a file. {NOT_A_FILE}")
        if name not in files:
            raise MalformedUpload(f"`map` names the file `{name}`, which the request does not carry.")
        for path in paths:
            if path in filled:
                raise MalformedUpload(f"`map` puts two files at `{path}`.")
            _place(operations, path, files[name])
            filled.add(path)
    for name in files.keys() - files_map.keys():
        raise MalformedUpload(f"The file `{name}` is not named in `map`.")
    return operations


def _json_field(fields: dict[str, str], name: str, default: str) -> object:
    try:
        return json.loads(fields.get(name, default))
    except (ValueError, RecursionError):
        raise MalformedUpload(f"`{name}` is not valid JSON.") from None


_NOWHERE = object()


def _place(operations: dict[str, Any], path: str, file: UploadFile) -> None:
    """Puts `file` in place of the null at `path` (keys and list indices, dot-separated)."""
    steps = path.split(".")
    parent: object = None
    node: object = operations
    for step in steps:
        parent, node = node, _child(node, step)
    if node is not None:
        raise MalformedUpload(f"`map` path `{path}` does not lead to a null in `operations`.")
    if isinstance(parent, list):
        parent[int(steps[-1])] = file
    else:
        cast(dict[str, object], parent)[steps[-1]] = file


def _child(node: object, step: str) -> object:
    if isinstance(node, dict):
        return node.get(step, _NOWHERE)
    if isinstance(node, list) and step.isascii() and step.isdigit() and int(step) < len(node):
        return node[int(step)]
    return _NOWHERE


def as_file(upload: Upload) -> UploadFile:
    """Strawberry's `Upload` is, on starlette, starlette's own UploadFile."""
    return cast(UploadFile, upload)


async def read_photo(upload: Upload) -> bytes:
    """At most one byte past the limit is read, so an oversized file is refused without holding it."""
    data: bytes = await as_file(upload).read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRejected(f"The file is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB.")
    return data


def upload_name(upload: Upload, index: int) -> str:
    name = getattr(upload, "filename", None) or ""
    return f"Photo {index + 1}" + (f" ({name[:80]})" if name else "")


def photo_file(upload: Upload, index: int) -> PhotoFile:
    """The upload as an action reads it: named for its messages, read within the size limit."""

    async def read() -> bytes:
        return await read_photo(upload)

    return PhotoFile(name=upload_name(upload, index), read=read)
