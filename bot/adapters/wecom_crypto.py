"""WeCom (企业微信) callback crypto: msg_signature and the AES envelope around every callback body.

Scheme (WXBizMsgCrypt): AES-256-CBC with key = base64decode(EncodingAESKey + "="), IV = key[:16],
PKCS#7 padding to a multiple of **32** bytes, plaintext = 16 random bytes ‖ uint32 big-endian length ‖
message ‖ receive id (the CorpID); msg_signature = sha1 of the sorted [token, timestamp, nonce,
encrypted] joined. Nothing here logs: every input is either a secret or user content.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# Tencent pads to 32 bytes, not to the AES block size; a 16-byte unpadder rejects its own sample.
PAD_BLOCK = 32
RANDOM_PREFIX = 16


class WeComCallbackError(Exception):
    """A callback request that must be refused; ``http_status`` is what the web layer should answer."""

    http_status = 400


class SignatureError(WeComCallbackError):
    """The msg_signature does not match the token, timestamp, nonce and payload."""

    http_status = 403


class StaleTimestampError(WeComCallbackError):
    """The request's timestamp is missing, malformed or too far from now (a replay)."""

    http_status = 403


class DecryptError(WeComCallbackError):
    """The ciphertext is not valid base64, has a bad length or padding, or a bad inner length."""


class ReceiverMismatchError(WeComCallbackError):
    """The decrypted payload is addressed to another CorpID."""

    http_status = 403


class XmlError(WeComCallbackError):
    """The XML is malformed, too large, or uses DTDs or entities (refused, never expanded)."""


def compute_signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """Return WeCom's msg_signature: sha1 over the sorted, concatenated parts."""
    joined = "".join(sorted([token, timestamp, nonce, encrypted]))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


def _pkcs7_pad(data: bytes) -> bytes:
    """Pad to a multiple of 32 bytes the way Tencent does (always 1..32 bytes of padding)."""
    n = PAD_BLOCK - len(data) % PAD_BLOCK
    return data + bytes([n]) * n


def _pkcs7_unpad(data: bytes) -> bytes:
    """Strip 32-byte PKCS#7 padding, refusing anything inconsistent."""
    if not data:
        raise DecryptError("empty plaintext")
    n = data[-1]
    if not 1 <= n <= PAD_BLOCK or n > len(data) or data[-n:] != bytes([n]) * n:
        raise DecryptError("bad padding")
    return data[:-n]


class WeComCrypto:
    """Sign, encrypt and decrypt WeCom callback payloads for one app."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        if len(encoding_aes_key) != 43:
            # Never echo the key itself: it is a secret.
            raise ValueError("EncodingAESKey must be 43 characters")
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error as exc:
            raise ValueError("EncodingAESKey is not valid base64") from exc
        if len(key) != 32:
            raise ValueError("EncodingAESKey must decode to 32 bytes")
        self._token = token
        self._key = key
        self._receive_id = receive_id.encode("utf-8")

    def __repr__(self) -> str:
        return "WeComCrypto(<redacted>)"

    def signature(self, timestamp: str, nonce: str, encrypted: str) -> str:
        """Return the msg_signature for a payload."""
        return compute_signature(self._token, timestamp, nonce, encrypted)

    def verify_signature(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        """Raise SignatureError unless ``msg_signature`` signs the payload."""
        expected = self.signature(timestamp, nonce, encrypted)
        # Constant-time comparison: the signature is an authenticator.
        if not hmac.compare_digest(expected.encode("ascii"), (msg_signature or "").lower().encode("utf-8")):
            raise SignatureError("msg_signature mismatch")

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, message: bytes, random_prefix: bytes | None = None) -> str:
        """Encrypt ``message`` for this receiver and return base64 text."""
        prefix = os.urandom(RANDOM_PREFIX) if random_prefix is None else random_prefix
        if len(prefix) != RANDOM_PREFIX:
            raise ValueError("random prefix must be 16 bytes")
        plain = prefix + struct.pack(">I", len(message)) + message + self._receive_id
        enc = self._cipher().encryptor()
        return base64.b64encode(enc.update(_pkcs7_pad(plain)) + enc.finalize()).decode("ascii")

    def decrypt(self, encrypted: str) -> bytes:
        """Decrypt base64 ``encrypted``, check the receiver and return the message bytes."""
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise DecryptError("ciphertext is not base64") from exc
        if not raw or len(raw) % 16:
            raise DecryptError("ciphertext length is not a multiple of the AES block")
        dec = self._cipher().decryptor()
        plain = _pkcs7_unpad(dec.update(raw) + dec.finalize())
        if len(plain) < RANDOM_PREFIX + 4:
            raise DecryptError("plaintext too short")
        (length,) = struct.unpack(">I", plain[RANDOM_PREFIX : RANDOM_PREFIX + 4])
        start = RANDOM_PREFIX + 4
        if start + length > len(plain):
            raise DecryptError("inner length exceeds plaintext")
        message, receiver = plain[start : start + length], plain[start + length :]
        if not hmac.compare_digest(receiver, self._receive_id):
            raise ReceiverMismatchError("payload is for another CorpID")
        return message
