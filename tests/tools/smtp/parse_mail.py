#!/usr/bin/python3
"""Parses a captured message (an .eml file) with Python's email package and
prints what a test checks, as JSON: the decoded headers, the MIME tree, each
leaf's content type, parameters, disposition and decoded content, and the
parser's defects (a well-formed message has none).

    parse_mail.py 1.eml
"""

import email
import email.policy
import hashlib
import json
import sys


def leaf(part):
    out = {
        "content_type": part.get_content_type(),
        "params": {k: v for k, v in part.get_params() or [] if v != ""},
        "disposition": part.get_content_disposition(),
        "filename": part.get_filename(),
        "content_id": part.get("Content-ID"),
        "transfer_encoding": part.get("Content-Transfer-Encoding"),
    }
    payload = part.get_payload(decode=True) or b""
    if part.get_content_maintype() == "text":
        out["text"] = payload.decode(part.get_content_charset() or "ascii")
    out["bytes"] = len(payload)
    out["sha256"] = hashlib.sha256(payload).hexdigest()
    return out


def tree(part, leaves):
    if part.is_multipart():
        return part.get_content_type() + "(" + ",".join(tree(p, leaves) for p in part.iter_parts()) + ")"
    leaves.append(leaf(part))
    return part.get_content_type()


def main(path):
    with open(path, "rb") as f:
        raw = f.read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    headers = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), []).append(str(value))
    leaves = []
    structure = tree(message, leaves)
    defects = [type(d).__name__ for d in message.defects]
    for part in message.walk():
        defects += [type(d).__name__ for d in part.defects]
    raw_header_block = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
    print(json.dumps({"headers": headers, "structure": structure, "parts": leaves,
                      "defects": defects, "raw_headers": raw_header_block,
                      "max_line": max(len(l) for l in raw.split(b"\r\n"))}))


if __name__ == "__main__":
    main(sys.argv[1])
