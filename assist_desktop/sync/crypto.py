"""The envelope a sync package travels in: encrypted for the receiving unit, in segments.

Layout: ``ASSTSYNC`` · header length (4 bytes, big-endian) · header (UTF-8 JSON, readable without a key:
format version, source and target unit, the key ids) · segments. The content key comes from X25519
between a fresh ephemeral key and the receiver's key, through HKDF-SHA256; each segment of
``segment_size`` bytes is sealed with AES-256-GCM under the nonce prefix, its number and a last-segment
flag, with the SHA-256 of magic and header as associated data. So a flipped bit anywhere fails a tag,
a file cut at any point fails the last flag, and memory stays at one segment whatever the size
(the STREAM construction of age and Tink).

The signature is inside: ``signature.json`` in the zip signs ``manifest.json``, which holds the SHA-256 of
every other member (``package.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from assist_desktop.sync.errors import SyncError

MAGIC = b"ASSTSYNC"
SEGMENT_SIZE = 1 << 20
MIN_SEGMENT, MAX_SEGMENT = 1 << 12, 1 << 24
MAX_HEADER = 16 * 1024
TAG = 16
_INFO = b"assist-desktop sync package v1"


@dataclass(frozen=True)
class Envelope:
    """The readable header of a package file."""

    header: dict[str, Any]
    header_bytes: bytes
    body_offset: int

    def get(self, key: str) -> Any:
        return self.header.get(key)


def _content_key(shared: bytes, salt: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO + ephemeral + recipient).derive(shared)


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


def _aad(header_bytes: bytes) -> bytes:
    return hashlib.sha256(MAGIC + header_bytes).digest()


def seal(source: IO[bytes], out: IO[bytes], header: dict[str, Any], recipient_public: bytes,
         *, segment_size: int = SEGMENT_SIZE, cancelled: Callable[[], bool] | None = None) -> None:
    """Encrypt everything ``source`` holds (from its current position) to ``out`` for the holder of the
    X25519 key ``recipient_public``; ``header`` goes out readable and authenticated."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    salt, prefix = os.urandom(16), os.urandom(7)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    aead = AESGCM(_content_key(shared, salt, ephemeral_public, recipient_public))
    full = {**header, "ephemeral_key": ephemeral_public.hex(), "salt": salt.hex(), "nonce_prefix": prefix.hex(),
            "segment_size": segment_size}
    header_bytes = json.dumps(full, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    out.write(MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes)
    aad = _aad(header_bytes)
    counter = 0
    chunk = source.read(segment_size)
    while True:
        following = source.read(segment_size)
        last = not following
        out.write(aead.encrypt(_nonce(prefix, counter, last), chunk, aad))
        if last:
            break
        if cancelled is not None and cancelled():
            from assist_desktop.sync.errors import SyncCancelled

            raise SyncCancelled("已取消，未导出同步文件。")
        counter += 1
        chunk = following


def read_envelope(stream: IO[bytes]) -> Envelope:
    """The header of a package file; refuses anything that is not one, naming what is wrong."""
    start = stream.read(len(MAGIC) + 4)
    if len(start) < len(MAGIC) + 4 or start[:len(MAGIC)] != MAGIC:
        raise SyncError("这不是同步文件（文件开头的标识不符），或文件已损坏。")
    (length,) = struct.unpack(">I", start[len(MAGIC):])
    if not 2 <= length <= MAX_HEADER:
        raise SyncError("同步文件的文件头已损坏（长度不对）。")
    header_bytes = stream.read(length)
    if len(header_bytes) != length:
        raise SyncError("同步文件不完整（在文件头处就结束了，可能复制时中断）。")
    try:
        header = json.loads(header_bytes.decode("utf-8"))
        json.dumps(header, ensure_ascii=False).encode("utf-8")  # a lone surrogate ("\ud800") would fail a query
    except (UnicodeError, ValueError, RecursionError):  # RecursionError: [[[[… nested past the stack
        raise SyncError("同步文件的文件头已损坏（无法读取）。") from None
    if not isinstance(header, dict):
        raise SyncError("同步文件的文件头已损坏（内容不对）。")
    return Envelope(header, header_bytes, len(MAGIC) + 4 + length)


def _hex(envelope: Envelope, key: str, size: int) -> bytes:
    value = envelope.get(key)
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != size:
        raise SyncError("同步文件的文件头已损坏（密钥参数不对）。")
    return raw


def open_sealed(stream: IO[bytes], envelope: Envelope, private: X25519PrivateKey, out: IO[bytes],
                *, limit: int, cancelled: Callable[[], bool] | None = None) -> int:
    """Decrypt the segments after the header into ``out``; any change or cut of the file is refused.
    ``limit`` bounds the plaintext (the file's own size, so a header cannot ask for more)."""
    ephemeral, salt, prefix = _hex(envelope, "ephemeral_key", 32), _hex(envelope, "salt", 16), _hex(envelope, "nonce_prefix", 7)
    segment = envelope.get("segment_size")
    if not isinstance(segment, int) or not MIN_SEGMENT <= segment <= MAX_SEGMENT:
        raise SyncError("同步文件的文件头已损坏（分段大小不对）。")
    recipient = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    aead = AESGCM(_content_key(private.exchange(X25519PublicKey.from_public_bytes(ephemeral)), salt, ephemeral,
                               recipient))
    aad = _aad(envelope.header_bytes)
    counter, written = 0, 0
    chunk = stream.read(segment + TAG)
    while True:
        if len(chunk) < TAG:
            raise SyncError("同步文件不完整（文件被截断，可能复制时中断），请重新复制。")
        following = stream.read(segment + TAG)
        last = not following
        try:
            plain = aead.decrypt(_nonce(prefix, counter, last), chunk, aad)
        except InvalidTag:
            if last:
                raise SyncError(f"同步文件已损坏、被改动或不完整（第 {counter + 1} 段校验失败），不能导入。"
                                "请重新复制该文件。") from None
            raise SyncError(f"同步文件已损坏或被改动（第 {counter + 1} 段校验失败），不能导入。") from None
        written += len(plain)
        if written > limit:
            raise SyncError("同步文件已损坏（解密后的内容超出文件大小）。")
        out.write(plain)
        if last:
            return written
        if cancelled is not None and cancelled():
            from assist_desktop.sync.errors import SyncCancelled

            raise SyncCancelled("已取消，未导入。")
        counter += 1
        chunk = following
