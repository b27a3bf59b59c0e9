"""Secrets and keys of a request: the applicant's query code and the keyed hash of an identity number.

The query code is shown once and stored only as a password hash (Django's hashers); the identity number is kept
for the handlers, and an HMAC of it (keyed with SECRET_KEY) lets intake find the same applicant again without a
plain-text index of identity numbers.
"""

from __future__ import annotations

import secrets

from django.utils.crypto import salted_hmac

from gongkai.foi.applicant import normalize_id_number

# No 0/O, 1/I/L: codes are read from paper and typed again.
QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
QUERY_CODE_LENGTH = 10


def query_code_make() -> str:
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def normalize_query_code(raw: str) -> str:
    return "".join((raw or "").split()).upper()


def id_number_hash(number: str) -> str:
    """HMAC-SHA256 of the normalized identity number ("" for none). Changing SECRET_KEY breaks the matching of
    earlier requests (intake help and 按件 fee counting), nothing else."""
    number = normalize_id_number(number)
    return salted_hmac("gongkai.foi.id_number", number, algorithm="sha256").hexdigest() if number else ""
