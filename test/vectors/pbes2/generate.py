#!/usr/bin/env python3
"""Generate test/vectors/pbes2/pbes2.json: the test keys of ../cloudfront.json encrypted
by the `openssl` CLI in every PBES2 variant the WebCrypto backend decrypts, and in the
schemes it must refuse (scrypt, PBES1, 3DES, legacy `Proc-Type` PEM).

    python3 test/vectors/pbes2/generate.py

Each encrypted key is cross-checked: Python `cryptography` decrypts it (where it can)
to the same key, and `openssl asn1parse` names the scheme the case claims.
Needs python3 >= 3.9, cryptography and the `openssl` CLI (3.x). The tests only read the JSON.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

from cryptography.hazmat.primitives import serialization

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "cloudfront.json")
OUT = os.path.join(HERE, "pbes2.json")
PASSPHRASE = "correct horse battery staple"
UTF8_PASSPHRASE = "pässwörd 🔑 ключ"

# id, key, openssl pkcs8 arguments, passphrase, what asn1parse must show, whether WebCrypto decrypts it
CASES = [
    ("aes128-sha1", "rsa2048", ["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"], PASSPHRASE, ["PBES2", "aes-128-cbc"], True),
    ("aes192-sha256", "p256", ["-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA256"], PASSPHRASE, ["PBES2", "aes-192-cbc", "hmacWithSHA256"], True),
    ("aes256-sha256", "rsa2048", ["-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256"], PASSPHRASE, ["PBES2", "aes-256-cbc", "hmacWithSHA256"], True),
    ("aes256-sha384", "p256", ["-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA384"], PASSPHRASE, ["PBES2", "aes-256-cbc", "hmacWithSHA384"], True),
    ("aes256-sha512", "rsa2048", ["-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA512"], PASSPHRASE, ["PBES2", "aes-256-cbc", "hmacWithSHA512"], True),
    ("aes256-one-iteration", "p256", ["-v2", "aes-256-cbc", "-iter", "1"], PASSPHRASE, ["PBES2", "aes-256-cbc"], True),
    ("aes256-100000-iterations", "rsa2048", ["-v2", "aes-256-cbc", "-iter", "100000"], PASSPHRASE, ["PBES2", "aes-256-cbc"], True),
    ("aes256-utf8-passphrase", "p256", ["-v2", "aes-256-cbc"], UTF8_PASSPHRASE, ["PBES2", "aes-256-cbc"], True),
    ("scrypt", "rsa2048", ["-scrypt"], PASSPHRASE, ["PBES2", ":scrypt"], False),
    ("pbes2-3des", "p256", ["-v2", "des3"], PASSPHRASE, ["PBES2", "des-ede3-cbc"], False),
    ("pbes1-sha1-3des", "rsa2048", ["-v1", "PBE-SHA1-3DES"], PASSPHRASE, ["pbeWithSHA1And3-KeyTripleDES-CBC"], False),
]


def run(args: list[str], stdin: bytes | None = None) -> bytes:
    proc = subprocess.run(args, input=stdin, capture_output=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def main() -> None:
    with open(VECTORS, encoding="utf-8") as f:
        keys = json.load(f)["keys"]
    cases = []
    for case_id, key_name, args, passphrase, expect, decryptable in CASES:
        plain = keys[key_name]["pkcs8Pem"].encode()
        env = dict(os.environ, CFSIGN_PASS=passphrase)
        proc = subprocess.run(
            ["openssl", "pkcs8", "-topk8", *args, "-passout", "env:CFSIGN_PASS"], input=plain, capture_output=True, env=env
        )
        if proc.returncode != 0:
            sys.exit(f"openssl pkcs8 {args} failed: {proc.stderr.decode(errors='replace')}")
        pem = proc.stdout.decode()
        parsed = run(["openssl", "asn1parse"], pem.encode()).decode()
        for word in expect:
            if word not in parsed:
                sys.exit(f"{case_id}: asn1parse does not show {word}:\n{parsed}")
        # cryptography must read it back to the same key (it reads every scheme here except PBES1 3DES in some builds).
        try:
            key = serialization.load_pem_private_key(pem.encode(), passphrase.encode())
            again = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
            if again != plain:
                sys.exit(f"{case_id}: cryptography decrypts it to a different key")
            checked = "cryptography decrypts it to the same key"
        except Exception as err:  # noqa: BLE001 - recorded, not hidden
            checked = f"cryptography could not decrypt it ({type(err).__name__}); openssl asn1parse checked"
        cases.append(
            {
                "id": case_id,
                "key": key_name,
                "opensslArgs": " ".join(["pkcs8", "-topk8", *args]),
                "passphrase": passphrase,
                "webcrypto": "decrypts" if decryptable else "INVALID_KEY",
                "crossCheck": checked,
                "pem": pem,
            }
        )

    # Legacy OpenSSL encryption: a PKCS#1 PEM with Proc-Type/DEK-Info headers.
    env = dict(os.environ, CFSIGN_PASS=PASSPHRASE)
    proc = subprocess.run(
        ["openssl", "rsa", "-traditional", "-aes256", "-passout", "env:CFSIGN_PASS"],
        input=keys["rsa2048"]["pkcs8Pem"].encode(),
        capture_output=True,
        env=env,
    )
    if proc.returncode != 0 or b"Proc-Type: 4,ENCRYPTED" not in proc.stdout:
        sys.exit(f"openssl rsa -traditional -aes256 failed: {proc.stderr.decode(errors='replace')}")
    cases.append(
        {
            "id": "legacy-proc-type",
            "key": "rsa2048",
            "opensslArgs": "rsa -traditional -aes256",
            "passphrase": PASSPHRASE,
            "webcrypto": "INVALID_KEY",
            "crossCheck": "PEM headers Proc-Type: 4,ENCRYPTED present",
            "pem": proc.stdout.decode(),
        }
    )

    version = run(["openssl", "version"]).decode().strip()
    out = {
        "description": "The throwaway keys of ../cloudfront.json encrypted by the openssl CLI. Regenerate with "
        "`python3 test/vectors/pbes2/generate.py`. webcrypto: what the WebCrypto backend must do with the key "
        "and its passphrase (every case also decrypts with the node backend).",
        "generatedWith": version,
        "wrongPassphrase": PASSPHRASE + "!",
        "cases": cases,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
