"""Password and token hashing.

Passwords: argon2id (OWASP's first choice), with argon2-cffi's defaults; `needs_rehash` lets a login upgrade
old hashes when the parameters change. Tokens are 256 random bits, far beyond guessing, so a fast SHA-256 is
enough to store them (as GitHub does) and lets every API request look its token up by hash in one query.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_PREFIX = "exo_"
MIN_PASSWORD_LENGTH = 12  # NIST SP 800-63B allows 8; clinical accounts guard health records, so ask for more

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
