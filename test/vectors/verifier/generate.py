#!/usr/bin/env python3
"""Generate test/vectors/verifier/verifier.json: signed URLs and signed cookies made
by implementations that are not cfsign, each with the outcome cfsign's verifier
must report (read by test/verify-independent.test.ts).

    python3 test/vectors/verifier/generate.py              # reuse the stored keys
    python3 test/vectors/verifier/generate.py --new-keys   # make new throwaway keys

Who makes what:
  * keys: Python `cryptography` (RSA-2048, ECDSA P-256), throwaway, protecting nothing;
  * policies: botocore's CloudFrontSigner.build_policy (canned form when only
    date_less_than is given, custom otherwise);
  * signed URLs: botocore's CloudFrontSigner.generate_presigned_url with a signer from
    `cryptography` (RSA PKCS#1 v1.5, or ECDSA P-256 as DER, RFC 6979 deterministic);
    SHA-256 URLs get '&Hash-Algorithm=SHA256' appended (botocore has no such option);
  * signed cookies: built by hand from botocore's policy, a `cryptography` signature and
    botocore's CloudFront-safe base64 (CloudFrontSigner._url_b64encode);
  * every signature is checked with `openssl dgst -verify` before it is written.

The "broken" cases take one of those outputs and apply the mistake named in the case
(a parameter added after signing, standard base64, ...) with plain string edits here,
so the expected reason does not come from cfsign.

Needs python3 >= 3.9, cryptography >= 43, botocore and the openssl CLI.
Re-running with the stored keys gives byte-identical output except `generatedWith`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import tempfile

import botocore
import cryptography
from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "verifier.json")

HOST = "https://d111111abcdef8.cloudfront.net"
KEY_IDS = {"rsa": "K2JCJMDEHXQW5F", "p256": "KECDSAEXAMPLE1"}
EXPIRES = 4102444800  # 2100-01-01T00:00:00Z
STARTS = 1767225600  # 2026-01-01T00:00:00Z
NOW = 1795824000  # 2026-11-28T00:00:00Z: the time every case is verified at unless it says otherwise
HASHES = {"SHA1": hashes.SHA1, "SHA256": hashes.SHA256}


def utc(seconds: int) -> dt.datetime:
    # botocore's datetime2timestamp treats a naive datetime as UTC.
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).replace(tzinfo=None)


def load_or_make_keys(new: bool) -> dict:
    if not new and os.path.exists(OUT):
        with open(OUT) as f:
            stored = json.load(f)["keys"]
        return {
            name: serialization.load_pem_private_key(stored[name]["pkcs8Pem"].encode(), password=None)
            for name in ("rsa", "p256")
        }
    return {
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "p256": ec.generate_private_key(ec.SECP256R1()),
    }


def signer_for(key, hash_name: str):
    def sign(message: bytes) -> bytes:
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(message, padding.PKCS1v15(), HASHES[hash_name]())
        return key.sign(message, ec.ECDSA(HASHES[hash_name](), deterministic_signing=True))

    return sign


def openssl_verify(key, hash_name: str, message: bytes, signature: bytes) -> None:
    pub = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {n: os.path.join(tmp, n) for n in ("pub.pem", "msg", "sig")}
        for name, data in (("pub.pem", pub), ("msg", message), ("sig", signature)):
            with open(paths[name], "wb") as f:
                f.write(data)
        proc = subprocess.run(
            ["openssl", "dgst", "-" + hash_name.lower(), "-verify", paths["pub.pem"], "-signature", paths["sig"], paths["msg"]],
            capture_output=True,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"openssl could not verify a {hash_name} signature: {proc.stderr!r}")


def b64(data: bytes) -> str:
    return CloudFrontSigner("x", None)._url_b64encode(data).decode()


def signed(key_name: str, keys: dict, hash_name: str, policy: str) -> str:
    key = keys[key_name]
    signature = signer_for(key, hash_name)(policy.encode())
    openssl_verify(key, hash_name, policy.encode(), signature)
    return b64(signature)


def url_cases(keys: dict) -> list[dict]:
    cases = []
    for key_name in ("rsa", "p256"):
        for hash_name in ("SHA1", "SHA256"):
            key = keys[key_name]
            kid = KEY_IDS[key_name]
            cf = CloudFrontSigner(kid, signer_for(key, hash_name))
            suffix = "&Hash-Algorithm=SHA256" if hash_name == "SHA256" else ""
            tag = f"{key_name} {hash_name}"

            def add(name: str, url: str, expect: str, **extra) -> None:
                cases.append({"name": f"{tag}: {name}", "url": url, "expect": expect, "now": NOW, **extra})

            def sign_url(url: str, **policy) -> str:
                if "policy" in policy:
                    out = cf.generate_presigned_url(url, policy=policy["policy"])
                else:
                    out = cf.generate_presigned_url(url, date_less_than=utc(policy["expires"]))
                return out + suffix

            for path in ("/images/photo.jpg", "/image.jpg?color=red&size=medium", "/a%20b/%C3%A9t%C3%A9.mp4"):
                add(f"canned {path}", sign_url(HOST + path, expires=EXPIRES), "OK")
            gallery = cf.build_policy(HOST + "/gallery/*", utc(EXPIRES), utc(STARTS), "192.0.2.0/24")
            add("custom wildcard, IP and start, client inside", sign_url(HOST + "/gallery/2026/a.jpg", policy=gallery), "OK", clientIp="192.0.2.77")
            add("custom: client outside the CIDR", sign_url(HOST + "/gallery/a.jpg", policy=gallery), "IP_NOT_ALLOWED", clientIp="198.51.100.1")
            add("custom: at DateGreaterThan", sign_url(HOST + "/gallery/a.jpg", policy=gallery), "NOT_YET_VALID", now=STARTS, clientIp="192.0.2.1")
            add("custom: resource does not cover the URL", sign_url(HOST + "/private/a.jpg", policy=gallery), "RESOURCE_MISMATCH", clientIp="192.0.2.1")
            any_https = cf.build_policy("https://*", utc(EXPIRES))
            # botocore writes the canned shape when only date_less_than is given; "https://*" as a Policy is custom.
            add("custom: resource https://* does not cross the host's /", sign_url(HOST + "/a.jpg", policy=any_https), "RESOURCE_MISMATCH")
            star = cf.build_policy(HOST + "/*game_download.zip*", utc(EXPIRES))
            add("custom: *game_download.zip* covers a query", sign_url(HOST + "/example_game_download.zip?license=yes", policy=star), "OK")
            add("canned: at DateLessThan", sign_url(HOST + "/a.jpg", expires=NOW), "EXPIRED")
            add("canned: a parameter added after signing", sign_url(HOST + "/a.jpg?v=1", expires=EXPIRES) + "&utm_source=mail", "PARAMETER_ADDED_AFTER_SIGNING")
            plain = sign_url(HOST + "/a.jpg", expires=EXPIRES)
            add("canned: Key-Pair-Id unknown", plain.replace(f"Key-Pair-Id={kid}", "Key-Pair-Id=KUNKNOWNKEY123"), "UNKNOWN_KEY")
            sig = plain.split("Signature=")[1].split("&")[0]
            standard = sig.replace("-", "+").replace("_", "=").replace("~", "/")
            if standard != sig:  # a signature with none of - ~ _ reads the same in both alphabets
                add("canned: standard base64 signature", plain.replace(sig, standard), "STANDARD_BASE64")
            if hash_name == "SHA256":
                add("canned: SHA-256 signature without Hash-Algorithm", plain[: -len(suffix)], "HASH_ALGORITHM_MISMATCH")
            else:
                add("canned: SHA-1 signature with Hash-Algorithm=SHA256", plain + "&Hash-Algorithm=SHA256", "HASH_ALGORITHM_MISMATCH")
            # An Expires in milliseconds: the canned policy written out by hand, signed correctly.
            ms = EXPIRES * 1000
            policy = '{"Statement":[{"Resource":"%s","Condition":{"DateLessThan":{"AWS:EpochTime":%d}}}]}' % (HOST + "/a.jpg", ms)
            add("canned: Expires in milliseconds", f"{HOST}/a.jpg?Expires={ms}&Signature={signed(key_name, keys, hash_name, policy)}&Key-Pair-Id={kid}{suffix}", "MILLISECOND_EPOCH")
    return cases


def cookie_cases(keys: dict) -> list[dict]:
    cases = []
    for key_name in ("rsa", "p256"):
        for hash_name in ("SHA1", "SHA256"):
            kid = KEY_IDS[key_name]
            cf = CloudFrontSigner(kid, None)
            tag = f"{key_name} {hash_name}"

            def cookies(policy: str, canned_expires: int | None) -> dict:
                out = {}
                if canned_expires is None:
                    out["CloudFront-Policy"] = b64(policy.encode())
                else:
                    out["CloudFront-Expires"] = str(canned_expires)
                out["CloudFront-Signature"] = signed(key_name, keys, hash_name, policy)
                out["CloudFront-Key-Pair-Id"] = kid
                if hash_name == "SHA256":
                    out["CloudFront-Hash-Algorithm"] = "SHA256"
                return out

            def add(name: str, request_url: str, jar: dict, expect: str, **extra) -> None:
                header = "; ".join(["session=abc123"] + [f"{k}={v}" for k, v in jar.items()])
                cases.append({"name": f"{tag}: {name}", "requestUrl": request_url, "cookies": jar, "cookieHeader": header, "expect": expect, "now": NOW, **extra})

            custom = cf.build_policy(HOST + "/gallery/*", utc(EXPIRES), None, "192.0.2.0/24")
            jar = cookies(custom, None)
            add("custom wildcard", HOST + "/gallery/2026/a.jpg?w=640", jar, "OK", clientIp="192.0.2.9")
            add("custom: outside the resource", HOST + "/private/a.jpg", jar, "RESOURCE_MISMATCH", clientIp="192.0.2.9")
            add("custom: after DateLessThan", HOST + "/gallery/a.jpg", jar, "EXPIRED", now=EXPIRES + 1, clientIp="192.0.2.9")
            canned = cf.build_policy(HOST + "/downloads/game.zip", utc(EXPIRES))
            jar = cookies(canned, EXPIRES)
            add("canned", HOST + "/downloads/game.zip", jar, "OK")
            add("canned: a query added to the request", HOST + "/downloads/game.zip?x=1", jar, "PARAMETER_ADDED_AFTER_SIGNING")
            add("canned: another file", HOST + "/downloads/other.zip", jar, "BAD_SIGNATURE")
            no_kid = {k: v for k, v in jar.items() if k != "CloudFront-Key-Pair-Id"}
            add("canned: no Key-Pair-Id cookie", HOST + "/downloads/game.zip", no_kid, "MISSING_KEY_PAIR_ID")
    return cases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--new-keys", action="store_true")
    args = parser.parse_args()
    keys = load_or_make_keys(args.new_keys)
    key_json = {}
    for name, key in keys.items():
        key_json[name] = {
            "keyPairId": KEY_IDS[name],
            "pkcs8Pem": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode(),
            "spkiPem": key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
        }
    ossl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    doc = {
        "description": "CloudFront signed URLs (botocore) and signed cookies (botocore policy + cryptography signature), with the verifier outcome each must get",
        "generatedWith": {
            "python": platform.python_version(),
            "botocore": botocore.__version__,
            "cryptography": cryptography.__version__,
            "openssl": ossl,
        },
        "keysNote": "Throwaway keys made for these vectors only; they protect nothing and must never be registered with CloudFront.",
        "now": NOW,
        "keys": key_json,
        "urls": url_cases(keys),
        "cookies": cookie_cases(keys),
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print(f"wrote {OUT}: {len(doc['urls'])} URLs, {len(doc['cookies'])} cookie sets")


if __name__ == "__main__":
    main()
