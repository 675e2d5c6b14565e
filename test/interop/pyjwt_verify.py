#!/usr/bin/python3
"""Verify a keymint access token the way a Python resource server would, with PyJWT.

Usage: pyjwt_verify.py <jwks_url> <token> <issuer> <audience>

Prints the verified claims as JSON on stdout and exits 0; on any failure prints one
line on stderr and exits non-zero (2: PyJWT missing, 1: token refused).
"""

import json
import sys

try:
    import jwt
except ImportError as error:  # pragma: no cover - the environment check
    print(
        f"PyJWT is not importable by {sys.executable} ({error}); "
        "install it with: apt-get install -y python3-jwt python3-cryptography",
        file=sys.stderr,
    )
    sys.exit(2)

ALGORITHMS = ["RS256", "ES256", "EdDSA"]


def main() -> int:
    if len(sys.argv) != 5:
        print("usage: pyjwt_verify.py <jwks_url> <token> <issuer> <audience>", file=sys.stderr)
        return 64
    jwks_url, token, issuer, audience = sys.argv[1:]
    try:
        # RFC 9068 §4: the resource server checks typ is at+jwt (PyJWT does not do it for us).
        header = jwt.get_unverified_header(token)
        if header.get("typ") != "at+jwt":
            raise jwt.InvalidTokenError(f"typ is {header.get('typ')!r}, expected 'at+jwt'")
        signing_key = jwt.PyJWKClient(jwks_url, cache_keys=False).get_signing_key_from_jwt(token)
        claims = jwt.decode(
            token,
            signing_key.key,
            algorithms=ALGORITHMS,
            issuer=issuer,
            audience=audience,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]},
        )
    except jwt.PyJWTError as error:
        print(f"refused: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(json.dumps({"header": header, "claims": claims}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
