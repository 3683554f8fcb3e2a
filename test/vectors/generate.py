#!/usr/bin/env python3
"""Generate test/vectors/cloudfront.json: CloudFront signed-URL vectors made by
implementations that are not cfsign.

    python3 test/vectors/generate.py              # reuse the stored keys
    python3 test/vectors/generate.py --new-keys   # make new throwaway keys

Who makes what:
  * keys: the `openssl` CLI (genpkey, pkey, pkcs8, req) and Python `cryptography`,
    each cross-checked against the other where both can produce the same encoding;
  * policy bytes and SHA-1 signed URLs: botocore's CloudFrontSigner, with an RSA
    signer from `cryptography` (PKCS#1 v1.5 + SHA-1);
  * SHA-256 signatures: `cryptography` and `openssl dgst -sha256 -sign`, asserted equal;
  * ECDSA P-256 signatures: `cryptography` (RFC 6979 deterministic) and
    `openssl dgst -sha256 -sign`, each verified by the other implementation.

Needs python3 >= 3.9, cryptography >= 43 (deterministic ECDSA), botocore and the
`openssl` CLI (1.1.1 or 3.x). The tests never run this script: they read the JSON.

Reproducibility: with the stored keys, every field is byte-identical on a re-run
except `ecdsa.signatures[].derOpenssl` (the openssl CLI signs ECDSA with a random nonce)
and `generatedWith` (tool versions).
"""
from __future__ import annotations

import argparse
import atexit
import base64
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections import OrderedDict

import botocore
from botocore.signers import CloudFrontSigner
import cryptography
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.backends.openssl import backend as crypto_backend
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "cloudfront.json")

KEY_PAIR_ID = "K2JCJMDEHXQW5F"  # the example id used throughout the CloudFront Developer Guide
EXPIRES = 4102444800  # 2100-01-01T00:00:00Z: far enough that the vectors never expire
STARTS = 1767225600  # 2026-01-01T00:00:00Z
CLOCK_MS = 1795824000000  # 2026-11-28T00:00:00Z: the "now" tests give the signer
PASSPHRASE = "correct horse battery staple"
WRONG_PASSPHRASE = "correct horse battery stapler"
HOST = "https://d111111abcdef8.cloudfront.net"

SHA256_URL_CONSTRUCTION = (
    "botocore has no SHA-256 option. The sha256.url of every case is what botocore's "
    "CloudFrontSigner.generate_presigned_url returns when its rsa_signer signs with "
    "PKCS#1 v1.5 + SHA-256 instead of SHA-1, followed by '&Hash-Algorithm=SHA256'. "
    "Parameter order: Expires (canned) or Policy (custom), Signature, Key-Pair-Id, "
    "Hash-Algorithm; joined to the URL with '&' if it contains '?', else '?'."
)


# --------------------------------------------------------------------------- helpers

def run(args: list[str], stdin: bytes | None = None) -> bytes:
    proc = subprocess.run(args, input=stdin, capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{args[0]} {args[1]} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def openssl(*args: str, stdin: bytes | None = None) -> bytes:
    return run(["openssl", *args], stdin)


class Tmp:
    """A private temporary directory for the openssl CLI's files."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="cfsign-vectors-")
        self.n = 0
        atexit.register(shutil.rmtree, self.dir, ignore_errors=True)

    def write(self, data: bytes | str, suffix: str = ".bin") -> str:
        self.n += 1
        path = os.path.join(self.dir, f"f{self.n}{suffix}")
        with open(path, "wb") as fh:
            fh.write(data.encode() if isinstance(data, str) else data)
        return path


TMP = Tmp()


def cf_b64(data: bytes) -> str:
    """CloudFront-safe base64, written here from the guide, not taken from botocore."""
    return base64.b64encode(data).decode().replace("+", "-").replace("=", "_").replace("/", "~")


def b64url_uint(value: int, length: int | None = None) -> str:
    """JWK Base64urlUInt (RFC 7518 section 2); `length` forces a fixed size (EC d/x/y)."""
    size = length if length is not None else max(1, (value.bit_length() + 7) // 8)
    return base64.urlsafe_b64encode(value.to_bytes(size, "big")).rstrip(b"=").decode()


def utc(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)


def iso(epoch: int) -> str:
    return utc(epoch).strftime("%Y-%m-%dT%H:%M:%SZ")


def pem_text(data: bytes) -> str:
    text = data.decode("ascii")
    assert text.startswith("-----BEGIN ") and text.rstrip().endswith("-----"), text[:40]
    return text


def load_private(pem: str, password: str | None = None):
    return serialization.load_pem_private_key(
        pem.encode(), password=None if password is None else password.encode()
    )


def pkcs8_of(key) -> str:
    return pem_text(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ))


def traditional_of(key) -> str:
    return pem_text(key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ))


def spki_of(key) -> str:
    return pem_text(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ))


def same_key(a, b) -> bool:
    return pkcs8_of(a) == pkcs8_of(b)


def rsa_jwk(key: rsa.RSAPrivateKey, private: bool = True) -> dict:
    priv = key.private_numbers()
    pub = priv.public_numbers
    jwk = OrderedDict(kty="RSA", n=b64url_uint(pub.n), e=b64url_uint(pub.e))
    if private:
        jwk.update(
            d=b64url_uint(priv.d), p=b64url_uint(priv.p), q=b64url_uint(priv.q),
            dp=b64url_uint(priv.dmp1), dq=b64url_uint(priv.dmq1), qi=b64url_uint(priv.iqmp),
        )
    return jwk


def ec_jwk(key: ec.EllipticCurvePrivateKey, private: bool = True) -> dict:
    assert isinstance(key.curve, ec.SECP256R1)
    priv = key.private_numbers()
    pub = priv.public_numbers
    jwk = OrderedDict(kty="EC", crv="P-256", x=b64url_uint(pub.x, 32), y=b64url_uint(pub.y, 32))
    if private:
        jwk["d"] = b64url_uint(priv.private_value, 32)
    return jwk


# --------------------------------------------------------------------------- keys

def make_keys() -> tuple[dict, list[dict]]:
    """New throwaway keys: some from the openssl CLI, some from `cryptography`."""
    # RSA-2048: openssl genpkey (PKCS#8), the other encodings by openssl and cross-checked.
    rsa_pkcs8 = pem_text(openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"))
    rsa_path = TMP.write(rsa_pkcs8, ".pem")
    rsa_enc = pem_text(openssl(
        "pkcs8", "-topk8", "-in", rsa_path, "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256",
        "-passout", "pass:" + PASSPHRASE,
    ))
    # P-256: cryptography; the encrypted form by the openssl CLI.
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_pkcs8 = pkcs8_of(ec_key)
    ec_enc = pem_text(openssl(
        "pkcs8", "-topk8", "-in", TMP.write(ec_pkcs8, ".pem"), "-v2", "aes-256-cbc",
        "-v2prf", "hmacWithSHA256", "-passout", "pass:" + PASSPHRASE,
    ))
    keys = {
        "rsa2048": {"pkcs8Pem": rsa_pkcs8, "encryptedPkcs8Pem": rsa_enc},
        "p256": {"pkcs8Pem": ec_pkcs8, "encryptedPkcs8Pem": ec_enc},
    }

    def ossl_gen(*opts: str) -> str:
        return pem_text(openssl("genpkey", *opts))

    rsa1024 = ossl_gen("-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024")
    rsa1024_key = load_private(rsa1024)
    rsa3072 = pkcs8_of(rsa.generate_private_key(public_exponent=65537, key_size=3072))
    rsa4096 = ossl_gen("-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096")
    rsapss = ossl_gen("-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048")
    p384 = ossl_gen("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384")
    p384_sec1 = pem_text(openssl("pkey", "-in", TMP.write(p384, ".pem"), "-traditional"))
    p521 = pkcs8_of(ec.generate_private_key(ec.SECP521R1()))
    k256 = pkcs8_of(ec.generate_private_key(ec.SECP256K1()))
    ed = ossl_gen("-algorithm", "ED25519")
    rsa_key = load_private(rsa_pkcs8)
    rsa_pub_pkcs1 = pem_text(rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.PKCS1
    ))
    cert = pem_text(openssl(
        "req", "-x509", "-new", "-key", rsa_path, "-subj", "/CN=cfsign test vectors",
        "-days", "36500", "-sha256",
    ))
    body = [l for l in rsa_pkcs8.strip().splitlines() if not l.startswith("-----")]
    truncated = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(body[: len(body) // 2]) + "\n-----END PRIVATE KEY-----\n"

    U, I = "UNSUPPORTED_KEY", "INVALID_KEY"
    refused = [
        dict(id="rsa1024-pkcs8", expectedCode=U, producedBy="openssl genpkey", pem=rsa1024,
             description="RSA-1024: CloudFront accepts only RSA-2048"),
        dict(id="rsa1024-pkcs1", expectedCode=U, producedBy="openssl pkey -traditional",
             pem=None, description="RSA-1024 as PKCS#1 (BEGIN RSA PRIVATE KEY)"),
        dict(id="rsa1024-jwk", expectedCode=U, producedBy="generate.py from cryptography numbers",
             jwk=rsa_jwk(rsa1024_key), description="RSA-1024 as a private JWK"),
        dict(id="rsa3072-pkcs8", expectedCode=U, producedBy="cryptography", pem=rsa3072,
             description="RSA-3072: CloudFront accepts only RSA-2048"),
        dict(id="rsa4096-pkcs8", expectedCode=U, producedBy="openssl genpkey", pem=rsa4096,
             description="RSA-4096: CloudFront accepts only RSA-2048"),
        dict(id="rsapss2048-pkcs8", expectedCode=U, producedBy="openssl genpkey -algorithm RSA-PSS",
             pem=rsapss, description="2048-bit RSASSA-PSS key (id-RSASSA-PSS): CloudFront signs with PKCS#1 v1.5"),
        dict(id="p384-pkcs8", expectedCode=U, producedBy="openssl genpkey", pem=p384,
             description="ECDSA P-384: CloudFront accepts only P-256"),
        dict(id="p384-sec1", expectedCode=U, producedBy="openssl pkey -traditional", pem=p384_sec1,
             description="ECDSA P-384 as SEC1 (BEGIN EC PRIVATE KEY)"),
        dict(id="p521-pkcs8", expectedCode=U, producedBy="cryptography", pem=p521,
             description="ECDSA P-521: CloudFront accepts only P-256"),
        dict(id="secp256k1-pkcs8", expectedCode=U, producedBy="cryptography", pem=k256,
             description="ECDSA secp256k1: a 256-bit curve that is not P-256"),
        dict(id="ed25519-pkcs8", expectedCode=U, producedBy="openssl genpkey", pem=ed,
             description="Ed25519: not RSA or ECDSA"),
        dict(id="rsa2048-spki-public", expectedCode=I, producedBy="openssl pkey -pubout", pem=None,
             description="the RSA-2048 test key's public key (SPKI) given as the private key"),
        dict(id="rsa2048-pkcs1-public", expectedCode=I, producedBy="cryptography", pem=rsa_pub_pkcs1,
             description="the RSA-2048 test key's public key as PKCS#1 (BEGIN RSA PUBLIC KEY)"),
        dict(id="p256-spki-public", expectedCode=I, producedBy="openssl pkey -pubout", pem=None,
             description="the P-256 test key's public key (SPKI) given as the private key"),
        dict(id="rsa2048-jwk-public", expectedCode=I, producedBy="generate.py from cryptography numbers",
             jwk=rsa_jwk(rsa_key, private=False), description="the RSA-2048 test key as a public JWK (no d)"),
        dict(id="p256-jwk-public", expectedCode=I, producedBy="generate.py from cryptography numbers",
             jwk=ec_jwk(ec_key, private=False), description="the P-256 test key as a public JWK (no d)"),
        dict(id="x509-certificate", expectedCode=I, producedBy="openssl req -x509", pem=cert,
             description="a self-signed certificate for the RSA-2048 test key, given as the private key"),
        dict(id="truncated-pkcs8", expectedCode=I, producedBy="generate.py (first half of the RSA-2048 PKCS#8 body)",
             pem=truncated, description="PKCS#8 PEM whose base64 body is cut in half"),
        dict(id="garbage-pem", expectedCode=I, producedBy="generate.py",
             pem="-----BEGIN PRIVATE KEY-----\nTm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n",
             description="well-formed PEM armour around bytes that are not DER"),
        dict(id="not-pem", expectedCode=I, producedBy="generate.py", pem="this is not a key",
             description="a string that is not PEM"),
    ]
    return keys, refused


def complete_keys(keys: dict, refused: list[dict]) -> None:
    """Derive and cross-check every encoding from the stored PKCS#8 PEMs (idempotent)."""
    r = keys["rsa2048"]
    rsa_key = load_private(r["pkcs8Pem"])
    assert isinstance(rsa_key, rsa.RSAPrivateKey) and rsa_key.key_size == 2048
    rsa_path = TMP.write(r["pkcs8Pem"], ".pem")
    pkcs1 = pem_text(openssl("pkey", "-in", rsa_path, "-traditional"))
    assert pkcs1.startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert pkcs1 == traditional_of(rsa_key), "openssl and cryptography disagree on PKCS#1"
    spki = pem_text(openssl("pkey", "-in", rsa_path, "-pubout"))
    assert spki == spki_of(rsa_key), "openssl and cryptography disagree on the RSA SPKI"
    assert same_key(load_private(r["encryptedPkcs8Pem"], PASSPHRASE), rsa_key)
    assert "ENCRYPTED PRIVATE KEY" in r["encryptedPkcs8Pem"]
    r.update(
        description="RSA-2048, e=65537: the key every RSA case is signed with",
        producedBy={
            "pkcs8Pem": "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048",
            "pkcs1Pem": "openssl pkey -traditional (checked equal to cryptography TraditionalOpenSSL)",
            "encryptedPkcs8Pem": "openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 (PBES2)",
            "jwk": "generate.py from cryptography's private numbers (RFC 7518 section 6.3)",
            "spkiPem": "openssl pkey -pubout (checked equal to cryptography)",
        },
        pkcs1Pem=pkcs1, jwk=rsa_jwk(rsa_key), spkiPem=spki, passphrase=PASSPHRASE,
    )

    e = keys["p256"]
    ec_key = load_private(e["pkcs8Pem"])
    assert isinstance(ec_key, ec.EllipticCurvePrivateKey) and isinstance(ec_key.curve, ec.SECP256R1)
    ec_path = TMP.write(e["pkcs8Pem"], ".pem")
    sec1 = pem_text(openssl("ec", "-in", ec_path))
    assert sec1.startswith("-----BEGIN EC PRIVATE KEY-----")
    assert sec1 == traditional_of(ec_key), "openssl and cryptography disagree on SEC1"
    spki = pem_text(openssl("pkey", "-in", ec_path, "-pubout"))
    assert spki == spki_of(ec_key), "openssl and cryptography disagree on the EC SPKI"
    assert same_key(load_private(e["encryptedPkcs8Pem"], PASSPHRASE), ec_key)
    e.update(
        description="ECDSA P-256: the key every ECDSA check uses",
        producedBy={
            "pkcs8Pem": "cryptography ec.generate_private_key(SECP256R1)",
            "sec1Pem": "openssl ec (checked equal to cryptography TraditionalOpenSSL)",
            "encryptedPkcs8Pem": "openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 (PBES2)",
            "jwk": "generate.py from cryptography's private numbers (RFC 7518 section 6.2)",
            "spkiPem": "openssl pkey -pubout (checked equal to cryptography)",
        },
        sec1Pem=sec1, jwk=ec_jwk(ec_key), spkiPem=spki, passphrase=PASSPHRASE,
    )

    by_id = {x["id"]: x for x in refused}
    if by_id["rsa1024-pkcs1"].get("pem") is None:
        by_id["rsa1024-pkcs1"]["pem"] = pem_text(openssl(
            "pkey", "-in", TMP.write(by_id["rsa1024-pkcs8"]["pem"], ".pem"), "-traditional"))
    by_id["rsa2048-spki-public"]["pem"] = keys["rsa2048"]["spkiPem"]
    by_id["p256-spki-public"]["pem"] = keys["p256"]["spkiPem"]

    # What each refused key really is, checked by cryptography (and openssl for the rest).
    expect = {
        "rsa1024-pkcs8": ("rsa", 1024), "rsa1024-pkcs1": ("rsa", 1024),
        "rsa3072-pkcs8": ("rsa", 3072), "rsa4096-pkcs8": ("rsa", 4096),
        "p384-pkcs8": ("ec", "secp384r1"), "p384-sec1": ("ec", "secp384r1"),
        "p521-pkcs8": ("ec", "secp521r1"), "secp256k1-pkcs8": ("ec", "secp256k1"),
        "ed25519-pkcs8": ("ed25519", None),
    }
    for kid, (kind, param) in expect.items():
        k = load_private(by_id[kid]["pem"])
        if kind == "rsa":
            assert isinstance(k, rsa.RSAPrivateKey) and k.key_size == param, kid
        elif kind == "ec":
            assert isinstance(k, ec.EllipticCurvePrivateKey) and k.curve.name == param, kid
        else:
            assert isinstance(k, ed25519.Ed25519PrivateKey), kid
    assert by_id["rsa1024-pkcs1"]["pem"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert by_id["p384-sec1"]["pem"].startswith("-----BEGIN EC PRIVATE KEY-----")
    pss_path = TMP.write(by_id["rsapss2048-pkcs8"]["pem"], ".pem")
    assert ":rsassaPss" in openssl("asn1parse", "-in", pss_path).decode()
    assert "(2048 bit" in openssl("pkey", "-in", pss_path, "-noout", "-text").decode()
    assert rsa_jwk(load_private(by_id["rsa1024-pkcs8"]["pem"])) == by_id["rsa1024-jwk"]["jwk"]
    for kid in ("truncated-pkcs8", "garbage-pem", "not-pem", "x509-certificate",
                "rsa2048-spki-public", "p256-spki-public", "rsa2048-pkcs1-public"):
        try:
            load_private(by_id[kid]["pem"])
        except (ValueError, TypeError):
            continue
        raise AssertionError(f"{kid} unexpectedly loads as a private key")
    for x in refused:
        x.setdefault("pem", None)
        x.setdefault("jwk", None)
        assert (x["pem"] is None) != (x["jwk"] is None), x["id"]


# --------------------------------------------------------------------------- signing

def rsa_sign(key, data: bytes, algo) -> bytes:
    return key.sign(data, padding.PKCS1v15(), algo)


def openssl_sign(key_path: str, digest: str, data: bytes) -> bytes:
    return openssl("dgst", "-" + digest, "-sign", key_path, "-binary", stdin=data)


def openssl_verify(pub_path: str, digest: str, data: bytes, sig: bytes) -> None:
    out = openssl("dgst", "-" + digest, "-verify", pub_path, "-signature", TMP.write(sig), stdin=data)
    assert out.strip() == b"Verified OK", out


def canned_policy_from_spec(url: str, expires: int) -> str:
    """The canned policy template of the guide, written out independently of botocore."""
    return '{"Statement":[{"Resource":"%s","Condition":{"DateLessThan":{"AWS:EpochTime":%d}}}]}' % (url, expires)


class Signers:
    def __init__(self, keys: dict) -> None:
        self.rsa = load_private(keys["rsa2048"]["pkcs8Pem"])
        self.rsa_path = TMP.write(keys["rsa2048"]["pkcs1Pem"], ".pem")  # openssl reads the PKCS#1 form
        self.rsa_pub_path = TMP.write(keys["rsa2048"]["spkiPem"], ".pem")
        self.ec = load_private(keys["p256"]["sec1Pem"])  # cryptography reads the SEC1 form
        self.ec_path = TMP.write(keys["p256"]["pkcs8Pem"], ".pem")
        self.ec_pub_path = TMP.write(keys["p256"]["spkiPem"], ".pem")
        self.ec_pub = serialization.load_pem_public_key(keys["p256"]["spkiPem"].encode())
        self.sha1 = CloudFrontSigner(KEY_PAIR_ID, lambda m: rsa_sign(self.rsa, m, hashes.SHA1()))
        self.sha256 = CloudFrontSigner(KEY_PAIR_ID, lambda m: rsa_sign(self.rsa, m, hashes.SHA256()))

    def rsa_pair(self, policy: bytes, make_url) -> dict:
        """SHA-1 and SHA-256 signatures and URLs for one policy, cross-checked."""
        sig1 = rsa_sign(self.rsa, policy, hashes.SHA1())
        assert sig1 == openssl_sign(self.rsa_path, "sha1", policy), "SHA-1: openssl != cryptography"
        sig256 = rsa_sign(self.rsa, policy, hashes.SHA256())
        assert sig256 == openssl_sign(self.rsa_path, "sha256", policy), "SHA-256: openssl != cryptography"
        openssl_verify(self.rsa_pub_path, "sha1", policy, sig1)
        openssl_verify(self.rsa_pub_path, "sha256", policy, sig256)
        url1 = make_url(self.sha1)
        url256 = make_url(self.sha256) + "&Hash-Algorithm=SHA256"
        assert "Signature=" + cf_b64(sig1) + "&Key-Pair-Id=" + KEY_PAIR_ID in url1
        assert url1.endswith("&Key-Pair-Id=" + KEY_PAIR_ID)
        assert "Signature=" + cf_b64(sig256) + "&Key-Pair-Id=" + KEY_PAIR_ID + "&Hash-Algorithm=SHA256" in url256
        assert len(sig1) == len(sig256) == 256
        return {
            "sha1": {"signature": cf_b64(sig1), "url": url1},
            "sha256": {"signature": cf_b64(sig256), "url": url256},
        }


# --------------------------------------------------------------------------- cases

CANNED_URLS = [
    ("plain", HOST + "/image.jpg"),
    ("root", HOST + "/"),
    ("http", "http://d111111abcdef8.cloudfront.net/image.jpg"),
    ("custom-domain", "https://cdn.example.com/videos/intro.mp4"),
    ("query", HOST + "/image.jpg?size=large&color=red"),
    ("query-encoded", HOST + "/download/report.pdf?response-content-disposition=attachment%3B%20filename%3D%22r.pdf%22"),
    ("query-question-mark", HOST + "/search?q=what?&page=2"),
    ("percent-space", HOST + "/my%20photo.jpg"),
    ("percent-utf8-upper", HOST + "/caf%C3%A9/men%C3%BC.jpg"),
    ("percent-utf8-lower", HOST + "/caf%c3%a9/men%c3%bc.jpg"),
    ("percent-percent", HOST + "/100%25/off.jpg"),
    ("percent-star", HOST + "/a%2Ab.jpg"),
    ("tilde-apostrophe", HOST + "/~user/it's.jpg"),
    ("literal-star", HOST + "/literal*star.jpg"),
    ("literal-star-query", HOST + "/images/*/thumb.jpg?v=*"),
    ("sub-delims", HOST + "/a+b,c;d=e@f!$(1).txt"),
    # ' is written %27 in a query: browsers percent-encode it there (WHATWG URL special-query set),
    # so cfsign refuses a raw ' in a query (URL_UNSAFE_CHARACTER); a raw ' in the path is fine.
    ("query-tilde-apostrophe", HOST + "/it's/image.jpg?name=o%27brien&dir=~home"),
    ("deep-path", HOST + "/" + "/".join(f"level{i:02d}" for i in range(40)) + "/file.bin"),
    ("long-path", HOST + "/long/" + "".join(f"segment-{i:04d}-abcdefghijklmnopqrstuvwxyz/" for i in range(170)) + "end.jpg"),
]

WILDCARD_DIR = HOST + "/gallery/*"


def custom_case_list() -> list[dict]:
    cases: list[dict] = []
    urls = [
        ("path", HOST + "/gallery/photo.jpg"),
        ("query", HOST + "/gallery/sub/photo%20one.jpg?w=100&h=50"),
    ]
    resources = [("implicit", None), ("explicit", "same"), ("wildcard-dir", WILDCARD_DIR)]
    ips = [("", None), ("ip24", "192.0.2.0/24"), ("ip32", "203.0.113.7/32")]
    starts = [("", None), ("starts", STARTS)]
    for uname, url in urls:
        for rname, res in resources:
            for iname, ip in ips:
                for sname, st in starts:
                    if res is None and ip is None and st is None:
                        continue  # that is a canned policy
                    options: dict = {}
                    if res is not None:
                        options["resource"] = url if res == "same" else res
                    if ip is not None:
                        options["ipAddress"] = ip
                    if st is not None:
                        options["starts"] = st
                    cid = "-".join(p for p in (uname, rname, iname, sname) if p)
                    cases.append({"id": cid, "url": url, "options": options})
    cases += [
        {"id": "any-resource", "url": HOST + "/private/doc.pdf",
         "options": {"resource": "*", "allowAnyResource": True}},
        {"id": "any-resource-ip-starts", "url": HOST + "/private/doc.pdf?v=2",
         "options": {"resource": "*", "allowAnyResource": True, "ipAddress": "198.51.100.0/22", "starts": STARTS}},
        {"id": "wildcard-one-char", "url": HOST + "/gallery/photo-7.jpg",
         "options": {"resource": HOST + "/gallery/photo-?.jpg"}},
        {"id": "wildcard-extension", "url": HOST + "/media/2026/clip.mp4",
         "options": {"resource": HOST + "/media/*.mp4", "ipAddress": "192.0.2.0/24"}},
        {"id": "wildcard-query", "url": HOST + "/api/data.json?token=abc",
         "options": {"resource": HOST + "/api/data.json?token=*"}},
        {"id": "percent-utf8-starts", "url": HOST + "/caf%C3%A9/men%C3%BC.jpg",
         "options": {"starts": STARTS}},
        {"id": "tilde-apostrophe-ip", "url": HOST + "/~user/it's.jpg",
         "options": {"ipAddress": "192.0.2.0/24"}},
        {"id": "ip-zero-prefix", "url": HOST + "/gallery/photo.jpg",
         "options": {"ipAddress": "0.0.0.0/0"}},
        {"id": "bare-ip-becomes-32", "url": HOST + "/gallery/photo.jpg",
         "options": {"ipAddress": "203.0.113.7"},
         "note": "bare address: botocore 1.43 and cfsign both write it as 203.0.113.7/32"},
        {"id": "long-path-starts", "url": HOST + "/long/" + "".join(f"segment-{i:04d}/" for i in range(200)) + "end.jpg",
         "options": {"starts": STARTS, "ipAddress": "192.0.2.0/24"}},
    ]
    return cases


def build_canned(s: Signers) -> list[dict]:
    out = []
    when = utc(EXPIRES)
    for cid, url in CANNED_URLS:
        assert url.isascii() and '"' not in url and "\\" not in url and "#" not in url and " " not in url
        policy = s.sha1.build_policy(url, when)
        assert policy == canned_policy_from_spec(url, EXPIRES), cid
        pair = s.rsa_pair(policy.encode(), lambda signer: signer.generate_presigned_url(url, date_less_than=when))
        sep = "&" if "?" in url else "?"
        assert pair["sha1"]["url"] == f"{url}{sep}Expires={EXPIRES}&Signature={pair['sha1']['signature']}&Key-Pair-Id={KEY_PAIR_ID}"
        out.append({"id": cid, "url": url, "policy": policy, **pair})
    return out


def build_custom(s: Signers) -> list[dict]:
    out = []
    for case in custom_case_list():
        url, o = case["url"], case["options"]
        resource = o.get("resource", url)
        policy = s.sha1.build_policy(
            resource, utc(EXPIRES),
            date_greater_than=utc(o["starts"]) if "starts" in o else None,
            ip_address=o.get("ipAddress"),
        )
        # Cross-check botocore's bytes against the documented structure, built here.
        cond = OrderedDict(DateLessThan={"AWS:EpochTime": EXPIRES})
        if "ipAddress" in o:
            ip = o["ipAddress"] if "/" in o["ipAddress"] else o["ipAddress"] + "/32"
            cond["IpAddress"] = {"AWS:SourceIp": ip}
        if "starts" in o:
            cond["DateGreaterThan"] = {"AWS:EpochTime": o["starts"]}
        mine = json.dumps({"Statement": [OrderedDict(Resource=resource, Condition=cond)]}, separators=(",", ":"))
        assert policy == mine, case["id"]
        assert policy.isascii()
        if case["id"] == "bare-ip-becomes-32":
            assert '"AWS:SourceIp":"203.0.113.7/32"' in policy, policy
        pair = s.rsa_pair(policy.encode(), lambda signer: signer.generate_presigned_url(url, policy=policy))
        assert f"Policy={cf_b64(policy.encode())}&Signature=" in pair["sha1"]["url"]
        entry = {"id": case["id"], "url": url, "options": o}
        if "note" in case:
            entry["note"] = case["note"]
        entry.update(policy=policy, policyBase64=cf_b64(policy.encode()), **pair)
        out.append(entry)
    return out


def build_ecdsa(s: Signers, canned: list[dict], custom: list[dict]) -> dict:
    chosen = [c for c in canned if c["id"] in ("plain", "query", "percent-utf8-upper")]
    chosen += [c for c in custom if c["id"] in ("path-wildcard-dir-ip24-starts", "query-implicit-ip32", "any-resource")]
    assert len(chosen) == 6
    sigs = []
    for c in chosen:
        policy = c["policy"].encode()
        der_c = s.ec.sign(policy, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        der_o = openssl_sign(s.ec_path, "sha256", policy)
        s.ec_pub.verify(der_o, policy, ec.ECDSA(hashes.SHA256()))  # openssl's, checked by cryptography
        openssl_verify(s.ec_pub_path, "sha256", policy, der_c)  # cryptography's, checked by openssl
        openssl_verify(s.ec_pub_path, "sha256", policy, der_o)
        try:
            s.ec_pub.verify(der_c, policy + b" ", ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            pass
        else:
            raise AssertionError("verification accepts a modified policy")
        sigs.append({
            "caseRef": ("canned/" if "policyBase64" not in c else "custom/") + c["id"],
            "policy": c["policy"],
            "derCryptography": der_c.hex(),
            "derOpenssl": der_o.hex(),
        })

    def p1363_and_der(r: int, sv: int) -> tuple[str, str]:
        raw = r.to_bytes(32, "big") + sv.to_bytes(32, "big")
        der = encode_dss_signature(r, sv)
        # second opinion on the DER: openssl asn1parse must read it as SEQUENCE { INTEGER r, INTEGER s }
        parsed = openssl("asn1parse", "-inform", "DER", "-in", TMP.write(der)).decode()
        ints = [int(l.split(":")[-1], 16) for l in parsed.splitlines() if "INTEGER" in l]
        assert ints == [r, sv], parsed
        return raw.hex(), der.hex()

    # Deterministic search for the shapes that break naive converters.
    wanted = {
        "r-and-s-high-bit": lambda r, sv: r >> 255 == 1 and sv >> 255 == 1,
        "no-high-bit": lambda r, sv: r >> 255 == 0 and sv >> 255 == 0 and r >> 248 and sv >> 248,
        "r-short": lambda r, sv: r >> 248 == 0 and sv >> 248 != 0,
        "s-short": lambda r, sv: sv >> 248 == 0 and r >> 248 != 0,
    }
    found: dict = {}
    i = 0
    while len(found) < len(wanted):
        msg = b"cfsign p1363 vector %d" % i
        der = s.ec.sign(msg, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        r, sv = decode_dss_signature(der)
        for name, test in wanted.items():
            if name not in found and test(r, sv):
                raw_hex, der_hex = p1363_and_der(r, sv)
                assert der_hex == der.hex()
                s.ec_pub.verify(der, msg, ec.ECDSA(hashes.SHA256()))
                openssl_verify(s.ec_pub_path, "sha256", msg, der)
                found[name] = {"shape": name, "message": msg.decode(), "p1363": raw_hex, "der": der_hex}
        i += 1
        assert i < 100000
    conversions = [found[n] for n in wanted]
    return {
        "note": (
            "ECDSA is randomized: tests verify cfsign's signatures with keys.p256.spkiPem, "
            "they never compare bytes. derCryptography is RFC 6979 deterministic (cryptography), "
            "derOpenssl is randomized (openssl dgst -sha256 -sign); each was verified by the other "
            "implementation. p1363Conversions: the same signature as raw r||s (IEEE P1363, 64 bytes, "
            "what WebCrypto returns) and as DER (what CloudFront expects); the shapes cover a 0x00 "
            "prefix on both integers, on neither, and an integer shorter than 32 bytes."
        ),
        "signatures": sigs,
        "p1363Conversions": conversions,
    }


# --------------------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--new-keys", action="store_true", help="generate new throwaway keys")
    args = ap.parse_args()

    old = None
    if os.path.exists(OUT) and not args.new_keys:
        with open(OUT, encoding="utf-8") as fh:
            old = json.load(fh)
    if old is None:
        keys, refused = make_keys()
    else:
        keys = {
            "rsa2048": {k: old["keys"]["rsa2048"][k] for k in ("pkcs8Pem", "encryptedPkcs8Pem")},
            "p256": {k: old["keys"]["p256"][k] for k in ("pkcs8Pem", "encryptedPkcs8Pem")},
        }
        refused = old["refusedKeys"]
    complete_keys(keys, refused)

    s = Signers(keys)
    canned = build_canned(s)
    custom = build_custom(s)
    ecdsa = build_ecdsa(s, canned, custom)

    doc = OrderedDict()
    doc["description"] = (
        "CloudFront signed-URL vectors produced by implementations other than cfsign "
        "(botocore, Python cryptography, the openssl CLI). Regenerate with "
        "`python3 test/vectors/generate.py`; see test/vectors/README.md."
    )
    doc["generatedWith"] = OrderedDict(
        python=platform.python_version(),
        cryptography=cryptography.__version__,
        cryptographyOpenssl=crypto_backend.openssl_version_text(),
        botocore=botocore.__version__,
        opensslCli=openssl("version").decode().strip(),
    )
    doc["keyPairId"] = KEY_PAIR_ID
    doc["expires"] = EXPIRES
    doc["expiresIso"] = iso(EXPIRES)
    doc["starts"] = STARTS
    doc["startsIso"] = iso(STARTS)
    doc["clockMs"] = CLOCK_MS
    doc["clockIso"] = iso(CLOCK_MS // 1000)
    doc["sha256UrlConstruction"] = SHA256_URL_CONSTRUCTION
    doc["keysNote"] = (
        "THROWAWAY TEST KEYS generated for these vectors only. They protect nothing, are public, "
        "and must never be registered with CloudFront or used for anything else."
    )
    doc["keys"] = keys
    doc["wrongPassphrase"] = WRONG_PASSPHRASE
    doc["refusedKeysNote"] = (
        "Keys cfsign must refuse: UNSUPPORTED_KEY = readable but not RSA-2048 (PKCS#1 v1.5) or "
        "ECDSA P-256; INVALID_KEY = unreadable or not a private key."
    )
    doc["refusedKeys"] = refused
    doc["cannedNote"] = (
        "Canned policy, expires only. policy: botocore CloudFrontSigner.build_policy (checked "
        "equal to the guide's template). sha1.url: botocore generate_presigned_url(url, "
        "date_less_than) with a cryptography PKCS#1 v1.5 SHA-1 signer. sha256: see "
        "sha256UrlConstruction. Every signature was made by cryptography and by the openssl "
        "CLI, asserted identical."
    )
    doc["canned"] = canned
    doc["customNote"] = (
        "Custom policy. options uses cfsign's option names (resource, ipAddress, starts in epoch "
        "seconds, allowAnyResource); expires is the top-level value. policy: botocore "
        "build_policy(resource or url, date_less_than, date_greater_than, ip_address), JSON with "
        "separators (',', ':') and Condition order DateLessThan, IpAddress, DateGreaterThan. "
        "sha1.url: botocore generate_presigned_url(url, policy=policy). sha256: see "
        "sha256UrlConstruction."
    )
    doc["custom"] = custom
    doc["ecdsa"] = ecdsa

    text = json.dumps(doc, indent=2, ensure_ascii=True) + "\n"
    with open(OUT, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    print(f"wrote {os.path.relpath(OUT)}: {len(canned)} canned, {len(custom)} custom, "
          f"{len(ecdsa['signatures'])} ECDSA signature pairs, {len(ecdsa['p1363Conversions'])} P1363/DER pairs, "
          f"{len(refused)} refused keys", file=sys.stderr)


if __name__ == "__main__":
    main()
