"""A `multipart/form-data` body read as it arrives (python-multipart's streaming parser): the `file`
field goes to a storage writer in chunks, small fields are kept as text. Past `limit` bytes of file
the rest is read and counted but not kept, so that the refusal can say how large the file was."""

from __future__ import annotations

from typing import Any

from python_multipart.multipart import MultipartParseError, MultipartParser, parse_options_header

from .. import errors

MAX_FIELD = 1024


class SentForm:
    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.file_seen = False
        self.file_name: str | None = None
        self.file_type: str | None = None
        self.size = 0  # bytes of the file field, kept or not


def boundary_of(content_type: str | None) -> bytes:
    kind, options = parse_options_header(content_type or "")
    if kind != b"multipart/form-data" or not options.get(b"boundary"):
        raise errors.validation(
            "Content-Type header failed validation: a file upload should be sent as `multipart/form-data` with a "
            f"boundary, instead was `{errors.show(content_type) if content_type else 'undefined'}`."
        )
    return options[b"boundary"]


async def read_form(receive: Any, boundary: bytes, writer: Any, limit: int) -> SentForm:
    form = SentForm()
    headers: dict[str, str] = {}
    state: dict[str, Any] = {"field": b"", "value": b"", "name": None, "buf": None}

    def on_part_begin() -> None:
        headers.clear()
        state["name"] = None
        state["buf"] = None

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        headers[state["field"].decode("latin-1").lower()] = state["value"].decode("utf-8", "replace")
        state["field"] = state["value"] = b""

    def on_headers_finished() -> None:
        _disp, options = parse_options_header(headers.get("content-disposition", ""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        state["name"] = name
        if name == "file" and not form.file_seen:
            form.file_seen = True
            filename = options.get(b"filename")
            form.file_name = filename.decode("utf-8", "replace") if filename else None
            form.file_type = headers.get("content-type")
        else:
            state["buf"] = bytearray()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["buf"] is None:
            n = end - start
            if form.size + n <= limit:
                writer.write(data[start:end])
            form.size += n
        elif len(state["buf"]) < MAX_FIELD:
            state["buf"] += data[start:end]

    def on_part_end() -> None:
        if state["buf"] is not None and state["name"] and state["name"] not in form.fields:
            form.fields[state["name"]] = state["buf"].decode("utf-8", "replace")

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    })
    failed = False
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise errors.validation("The request body ended before the file was sent.")
        chunk = message.get("body", b"")
        if chunk and not failed:
            try:
                parser.write(chunk)
            except MultipartParseError:
                failed = True  # read the rest so the client hears the answer
        if not message.get("more_body", False):
            break
    if failed:
        raise errors.validation("body failed validation: the multipart/form-data body could not be parsed.")
    parser.finalize()
    return form


async def drain(receive: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect" or not message.get("more_body", False):
            return
