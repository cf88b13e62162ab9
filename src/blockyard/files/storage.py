"""Where file bytes live: a directory beside the SQLite store (default), or an S3-compatible bucket.

Both take bytes in chunks through a `Writer` that lands as a temporary object and is committed under
its final key only when the whole body arrived, so a failed or refused send leaves nothing behind.
Reads are ranges streamed in chunks: memory stays flat whatever the size."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator, Protocol

CHUNK = 1024 * 1024
READ_CHUNK = 4 * 1024 * 1024  # downloads: fewer, larger writes to the socket


class Writer(Protocol):
    size: int

    def write(self, data: bytes) -> None: ...
    def commit(self, key: str) -> None: ...
    def abort(self) -> None: ...


class Storage(Protocol):
    def writer(self) -> Writer: ...
    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]: ...
    def size(self, key: str) -> int | None: ...
    def concat(self, keys: list[str], key: str) -> int: ...
    def delete(self, *keys: str) -> None: ...


class _FileWriter:
    """Bytes to a temporary file in the storage's own directory, renamed into place on commit."""

    def __init__(self, directory: Path, on_commit) -> None:  # type: ignore[no-untyped-def]
        fd, name = tempfile.mkstemp(dir=directory, prefix="part-")
        self.file = os.fdopen(fd, "wb", buffering=0)
        self.path = Path(name)
        self.size = 0
        self._on_commit = on_commit

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.size += len(data)

    def commit(self, key: str) -> None:
        self.file.close()
        self._on_commit(self.path, key)

    def abort(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


class LocalStorage:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        if ".." in key.split("/") or key.startswith("/"):
            raise ValueError(key)
        return self.root / key

    def writer(self) -> _FileWriter:
        def land(path: Path, key: str) -> None:
            target = self._path(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)

        return _FileWriter(self.tmp, land)

    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        with open(self._path(key), "rb", buffering=0) as f:
            f.seek(start)
            left = None if end is None else end - start
            while left is None or left > 0:
                chunk = f.read(READ_CHUNK if left is None else min(READ_CHUNK, left))
                if not chunk:
                    return
                if left is not None:
                    left -= len(chunk)
                yield chunk

    def size(self, key: str) -> int | None:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            return None

    def concat(self, keys: list[str], key: str) -> int:
        w = self.writer()
        try:
            for k in keys:
                with open(self._path(k), "rb") as src:
                    shutil.copyfileobj(src, w.file, CHUNK)
                    w.size += src.tell()
        except BaseException:
            w.abort()
            raise
        w.commit(key)
        return w.size

    def delete(self, *keys: str) -> None:
        for key in keys:
            path = self._path(key)
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


class S3Storage:
    """An S3-compatible bucket (AWS, MinIO, moto, Ceph...) through boto3. Sends are spooled to a local
    temporary file and uploaded on commit (boto3 splits big ones); multi-part uploads are assembled in
    the bucket with S3's own multipart copy, whose 5 MiB part minimum matches Notion's."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, prefix: str = "",
                 region: str | None = None, spool_dir: str | None = None) -> None:
        import boto3

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region or "us-east-1")
        self.spool = Path(spool_dir or tempfile.gettempdir())

    def _key(self, key: str) -> str:
        return self.prefix + key

    def writer(self) -> _FileWriter:
        def land(path: Path, key: str) -> None:
            try:
                self.client.upload_file(str(path), self.bucket, self._key(key))
            finally:
                path.unlink(missing_ok=True)

        return _FileWriter(self.spool, land)

    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        args = {"Bucket": self.bucket, "Key": self._key(key)}
        if start or end is not None:
            args["Range"] = f"bytes={start}-{'' if end is None else end - 1}"
        body = self.client.get_object(**args)["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def size(self, key: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))["ContentLength"]
        except ClientError:
            return None

    def concat(self, keys: list[str], key: str) -> int:
        if len(keys) == 1:
            self.client.copy({"Bucket": self.bucket, "Key": self._key(keys[0])}, self.bucket, self._key(key))
            return self.size(key) or 0
        upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=self._key(key))
        done = []
        try:
            for n, k in enumerate(keys, 1):
                part = self.client.upload_part_copy(Bucket=self.bucket, Key=self._key(key), UploadId=upload["UploadId"],
                                                    PartNumber=n, CopySource={"Bucket": self.bucket, "Key": self._key(k)})
                done.append({"PartNumber": n, "ETag": part["CopyPartResult"]["ETag"]})
            self.client.complete_multipart_upload(Bucket=self.bucket, Key=self._key(key), UploadId=upload["UploadId"],
                                                  MultipartUpload={"Parts": done})
        except BaseException:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=self._key(key), UploadId=upload["UploadId"])
            raise
        return self.size(key) or 0

    def delete(self, *keys: str) -> None:
        objects = []
        for key in keys:
            if key.endswith("/"):
                pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._key(key))
                objects += [{"Key": o["Key"]} for p in pages for o in p.get("Contents", ())]
            else:
                objects.append({"Key": self._key(key)})
        for i in range(0, len(objects), 1000):
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects[i:i + 1000], "Quiet": True})


def from_settings(settings, database_path: str | None) -> Storage:  # type: ignore[no-untyped-def]
    """`file_storage`: empty (a directory beside an SQLite store), a directory path, or s3://bucket/prefix
    (with `file_s3_endpoint` for S3-compatible hosts; credentials come from boto3's usual environment)."""
    target = settings.file_storage
    if target and target.startswith("s3://"):
        bucket, _, prefix = target[5:].partition("/")
        return S3Storage(bucket, endpoint_url=settings.file_s3_endpoint or None, prefix=prefix,
                         region=settings.file_s3_region or None)
    if target:
        return LocalStorage(target)
    if database_path:
        return LocalStorage(database_path + "-files")
    return LocalStorage(tempfile.mkdtemp(prefix="blockyard-files-"))
