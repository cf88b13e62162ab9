"""Notion's limits on file uploads: sizes per plan, parts, filenames, and the allowed types.

The extension lists are Notion's (working-with-files-and-media guide); each maps to the MIME types
a client may declare for it, the first being the one inferred when only the filename is given."""

from __future__ import annotations

MIB = 1024 * 1024
PLAN_LIMITS = {"free": 5 * MIB, "paid": 5 * 1024 * MIB}
SINGLE_PART_MAX = 20 * MIB
PART_MIN = 5 * MIB
PART_MAX = 20 * MIB
MAX_PARTS = 10_000
MAX_FILENAME_BYTES = 900
EXPIRY_MS = 60 * 60 * 1000  # unattached uploads expire an hour after creation
URL_LIFETIME_MS = 60 * 60 * 1000  # signed download URLs last an hour

_TYPES: dict[str, dict[str, tuple[str, ...]]] = {
    "audio": {
        ".aac": ("audio/aac",), ".adts": ("audio/aac",), ".mid": ("audio/midi", "audio/x-midi"),
        ".midi": ("audio/midi", "audio/x-midi"), ".mp3": ("audio/mpeg",), ".mpga": ("audio/mpeg",),
        ".m4a": ("audio/mp4", "audio/x-m4a"), ".m4b": ("audio/mp4",), ".oga": ("audio/ogg",), ".ogg": ("audio/ogg",),
        ".opus": ("audio/opus", "audio/ogg"), ".wav": ("audio/wav", "audio/x-wav", "audio/wave"),
        ".wma": ("audio/x-ms-wma",), ".weba": ("audio/webm",), ".flac": ("audio/flac", "audio/x-flac"),
    },
    "document": {
        ".pdf": ("application/pdf",), ".txt": ("text/plain",), ".csv": ("text/csv",), ".json": ("application/json",),
        ".doc": ("application/msword",), ".dot": ("application/msword",),
        ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
        ".dotx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.template",),
        ".xls": ("application/vnd.ms-excel",), ".xlt": ("application/vnd.ms-excel",), ".xla": ("application/vnd.ms-excel",),
        ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
        ".xltx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.template",),
        ".ppt": ("application/vnd.ms-powerpoint",), ".pot": ("application/vnd.ms-powerpoint",),
        ".pps": ("application/vnd.ms-powerpoint",), ".ppa": ("application/vnd.ms-powerpoint",),
        ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",),
        ".potx": ("application/vnd.openxmlformats-officedocument.presentationml.template",),
        ".rtf": ("application/rtf", "text/rtf"), ".md": ("text/markdown",), ".markdown": ("text/markdown",),
        ".html": ("text/html",), ".htm": ("text/html",), ".epub": ("application/epub+zip",),
        ".xml": ("application/xml", "text/xml"), ".css": ("text/css",),
        ".odt": ("application/vnd.oasis.opendocument.text",),
        ".ods": ("application/vnd.oasis.opendocument.spreadsheet",),
        ".odp": ("application/vnd.oasis.opendocument.presentation",), ".ics": ("text/calendar",),
        ".yaml": ("application/yaml", "text/yaml", "application/x-yaml"),
        ".yml": ("application/yaml", "text/yaml", "application/x-yaml"), ".tsv": ("text/tab-separated-values",),
        ".zip": ("application/zip", "application/x-zip-compressed"), ".gz": ("application/gzip", "application/x-gzip"),
        ".gzip": ("application/gzip", "application/x-gzip"), ".tar": ("application/x-tar",),
        ".7z": ("application/x-7z-compressed",), ".bz2": ("application/x-bzip2",),
        ".rar": ("application/vnd.rar", "application/x-rar-compressed"),
    },
    "image": {
        ".gif": ("image/gif",), ".heic": ("image/heic",), ".jpeg": ("image/jpeg",), ".jpg": ("image/jpeg",),
        ".png": ("image/png",), ".svg": ("image/svg+xml",), ".tif": ("image/tiff",), ".tiff": ("image/tiff",),
        ".webp": ("image/webp",), ".ico": ("image/vnd.microsoft.icon", "image/x-icon"), ".bmp": ("image/bmp",),
        ".avif": ("image/avif",), ".apng": ("image/apng", "image/png"),
    },
    "video": {
        ".amv": ("video/x-amv",), ".asf": ("video/x-ms-asf",), ".wmv": ("video/x-ms-wmv",),
        ".avi": ("video/x-msvideo",), ".f4v": ("video/x-f4v",), ".flv": ("video/x-flv",), ".gifv": ("video/mp4",),
        ".m4v": ("video/x-m4v", "video/mp4"), ".mp4": ("video/mp4", "audio/mp4"), ".mkv": ("video/x-matroska",),
        ".webm": ("video/webm", "audio/webm"), ".mov": ("video/quicktime",), ".qt": ("video/quicktime",),
        ".mpeg": ("video/mpeg",), ".ogv": ("video/ogg",), ".3gp": ("video/3gpp", "audio/3gpp"),
        ".3g2": ("video/3gpp2", "audio/3gpp2"),
    },
}

# extension -> MIME types, and MIME type -> (first extension, category)
EXTENSIONS: dict[str, tuple[str, ...]] = {}
MIME_TYPES: dict[str, tuple[str, str]] = {}
for _category, _exts in _TYPES.items():
    for _ext, _mimes in _exts.items():
        EXTENSIONS[_ext] = EXTENSIONS.get(_ext, ()) + _mimes
        for _mime in _mimes:
            MIME_TYPES.setdefault(_mime, (_ext, _category))


def extension(filename: str) -> str | None:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot > 0 else None


def category(content_type: str | None) -> str | None:
    """audio | document | image | video for an allowed MIME type."""
    found = MIME_TYPES.get(base_type(content_type)) if content_type else None
    return found[1] if found else None


def base_type(content_type: str) -> str:
    """`text/plain; charset=utf-8` -> `text/plain`."""
    return content_type.split(";", 1)[0].strip().lower()


# Which categories each attachment target accepts (Notion refuses video in an image block, PDF icons, ...).
TARGETS: dict[str, tuple[str, ...]] = {
    "image": ("image",),
    "video": ("video",),
    "audio": ("audio",),
    "pdf": ("document",),
    "file": ("audio", "document", "image", "video"),
    "files": ("audio", "document", "image", "video"),
    "icon": ("image",),
    "cover": ("image",),
    "attachment": ("audio", "document", "image", "video"),
    "recording": ("audio", "video"),  # a meeting note's source
}
