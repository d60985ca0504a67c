"""Photo uploads as the GraphQL layer receives them: read within the size limit, named, closed."""

from __future__ import annotations

from typing import cast

from graphql import GraphQLError
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload
from strawberry.types.scalar import scalar

from shopwatch.actions.photos import PhotoFile
from shopwatch.incidents.photos import MAX_PHOTO_BYTES, PhotoRejected


def _uploaded_file(value: object) -> UploadFile:
    # strawberry's own Upload takes any value, so a string in a JSON body reached the resolvers
    # as if it were a file.
    if not isinstance(value, UploadFile):
        raise GraphQLError("Send the file as a part of a multipart request, with a filename.")
    return value


# In place of strawberry's Upload (the same name and description, so the SDL is unchanged).
UPLOAD_SCALAR = scalar(
    name="Upload", description="Represents a file upload.", serialize=str, parse_value=_uploaded_file
)


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
