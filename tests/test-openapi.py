#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The contract test: data/openapi.yaml against the real server.

Starts service-hall-server ($SERVICE_HALL_SERVER_BIN) on a free port and
makes requests that reach each path, method and status the test knows how
to provoke. Each answer must be one the contract declares for that
operation: its status, its required headers, its Content-Type, and a body
that the declared schema takes. Schemas are closed: a member the contract
does not name fails, unless the schema says additionalProperties.

Fails too when a path+method of openapi.yaml is never exercised, and when
the contract itself leaves out what every path answers alike (405, 414,
431, a 404 for a malformed id, a 401 where a token is needed), or gives an
error that is not problem+json.

What the server still answers differently from the contract, and is known,
is in EXPECTED_GAPS: printed, not failed. An entry that is no longer seen
fails, so the list cannot go stale: remove it once the server is fixed.
"""

import base64
import datetime
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib

import yaml


def _lp(data):
    """A field of the canonical bytes (hall-signature.h): 4-byte big-endian
    length, then the bytes."""
    if isinstance(data, str):
        data = data.encode()
    return struct.pack(">I", len(data)) + data


def _iso(at):
    return datetime.datetime.fromtimestamp(at, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def case_hash(case):
    """hall_case_content_hash() of a case as the server stores it: what a
    decision signs and the server compares."""
    checklist = sorted((i for i in case.get("checklist", []) if isinstance(i, dict)),
                       key=lambda i: i.get("id", "").encode())
    data = (_lp("service-hall case v1") + _lp(case["uuid"]) + _lp(case.get("number") or "")
            + _lp(case["service"]) + _lp(case["applicant"]) + struct.pack(">I", len(checklist))
            + b"".join(_lp(i.get("id", "")) + _lp("provided" if i.get("provided") else "missing")
                       for i in checklist))
    return hashlib.sha256(data).hexdigest()


def signing_key(official="demo"):
    """A fresh key of @official and its certificate (compact form) by the
    hall key the server was started with (HALL_KEY_FILE)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives import serialization

    raw = serialization.Encoding.Raw
    with open(HALL_KEY_FILE) as f:
        seed = base64.b64decode(json.load(f)["secret_key"])
    hall = Ed25519PrivateKey.from_private_bytes(seed)
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
    now = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
    valid_from, valid_until = now - 86400, now + 86400
    certified = (_lp("service-hall certificate v1") + _lp(official) + _lp(public)
                 + _lp(_iso(valid_from)) + _lp(_iso(valid_until)))
    certificate = (bytes([1, len(official.encode())]) + official.encode() + public
                   + struct.pack(">qq", valid_from, valid_until) + hall.sign(certified))
    return key, certificate


BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def signed_license(number, case, official="demo"):
    """The "SH1:" text of the license @number of @case (hall-license-payload.h),
    signed by a key of @official."""
    key, certificate = signing_key(official)
    now = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
    record = bytes([1])
    for text in (number, case["service"], "Contract Person", "", "", "YC"):
        record += bytes([len(text.encode())]) + text.encode()
    record += struct.pack(">II", now, 0) + uuid.UUID(case["uuid"]).bytes + certificate
    record += key.sign(_lp("service-hall license v1") + record)
    out = []
    for i in range(0, len(record) - 1, 2):
        n = record[i] * 256 + record[i + 1]
        out += [BASE45[n % 45], BASE45[n // 45 % 45], BASE45[n // 2025]]
    if len(record) % 2:
        out += [BASE45[record[-1] % 45], BASE45[record[-1] // 45]]
    return "SH1:" + "".join(out)


def signed_decision(case_uuid, body, official="demo", case=None):
    """@body as a counter sends it: signed by a key of @official certified
    by the hall key the server was started with (HALL_KEY_FILE), over the
    content of @case (as the server holds it)."""
    key, certificate = signing_key(official)
    now = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
    body = dict(body, content_hash=case_hash(case) if case else "0" * 64, at=_iso(now))
    reasons = body.get("reasons", [])
    signed = (_lp("service-hall decision v1") + _lp(case_uuid) + _lp(body["content_hash"])
              + struct.pack(">I", 0) + _lp(body["step"]) + _lp(body["decision"])
              + struct.pack(">I", len(reasons))
              + b"".join(_lp(r["code"]) + _lp(r.get("text", "")) for r in reasons)
              + _lp(body["at"]))
    body["signature"] = base64.b64encode(key.sign(signed)).decode()
    body["certificate"] = base64.b64encode(certificate).decode()
    return body

# (status, check): the part of such answers that is still off, and why.
EXPECTED_GAPS = []


def png_header(width, height):
    """The signature and IHDR of a grey PNG of width x height pixels: what
    the server reads of a page before it keeps it."""
    ihdr = struct.pack(">II5B", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr
            + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)))


class ContractError(Exception):
    """The contract uses what this test cannot check."""


METHODS = ("get", "head", "put", "post", "patch", "delete", "options", "trace")
ID = "11010519491231002X"
CERTIFICATE = None  # made in main() with service-hall-ctl
OTHER_ID = "640104198506120015"
BATCH_ID = "640104198506120023"
CREDIT_CODE = "91110000802100433B"

# The keywords of a Schema Object this test checks; any other in the
# contract fails the test rather than being taken as checked.
SCHEMA_KEYWORDS = {
    "$ref", "type", "properties", "required", "additionalProperties", "items",
    "enum", "pattern", "format", "minLength", "maxLength", "minimum", "maximum",
    "minItems", "maxItems", "uniqueItems", "nullable", "oneOf", "allOf",
    "discriminator",
    # Annotations: nothing to check in an answer.
    "description", "title", "readOnly", "writeOnly", "default", "example",
}

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DATE_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def person(id_number=ID, name="Contract Person"):
    return {"kind": "person", "name": name, "id_type": "resident_id",
            "id_number": id_number, "phone": "13800138000"}


def business(name="Contract Trading Co."):
    return {"kind": "business", "name": name, "credit_code": CREDIT_CODE,
            "legal_representative": "Zhang San"}


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(f"a member twice in {keys}")
    return dict(pairs)


class Contract:
    def __init__(self, spec, port):
        self.spec = spec
        self.port = port
        self.exercised = set()
        self.failures = []
        self.gaps_seen = {}
        self.checked = 0
        # The PostgreSQL database the server runs on (openapi-postgres).
        self.database_uri = None

    # The contract

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            parts = node["$ref"].lstrip("#/").split("/")
            node = self.spec
            for part in parts:
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def operations(self, template):
        item = self.spec["paths"].get(template, {})
        return {m: op for m, op in item.items() if m in METHODS}

    def check_contract(self):
        """What every path answers alike is declared on each operation."""
        for template, item in self.spec["paths"].items():
            for method, op in self.operations(template).items():
                where = f"{method.upper()} {template}"
                needed = {"414", "431"}
                if method != "head":
                    needed.add("405")
                if "{" in template:
                    needed.add("404")
                if op.get("security", self.spec.get("security")):
                    needed.add("401")
                for status in sorted(needed - set(op["responses"])):
                    self.failures.append(f"openapi.yaml: {where} does not declare {status}, "
                                         "which the server answers on every such path")
                for status, response in op["responses"].items():
                    response = self.resolve(response)
                    content = response.get("content", {})
                    if method == "head" and content:
                        self.failures.append(f"openapi.yaml: {where} {status} has a body")
                    if method == "head" or not status.startswith(("4", "5")):
                        continue
                    schema = content.get("application/problem+json", {}).get("schema", {})
                    if (list(content) != ["application/problem+json"]
                            or schema.get("$ref") != "#/components/schemas/Problem"):
                        self.failures.append(f"openapi.yaml: {where} {status} is not "
                                             "application/problem+json with a Problem")

    def call_stream(self, template, path, expect, headers=None):
        """GET of an event stream: its head and the first event (after the
        comment the server opens with), whose data must be a QueueEvent."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", path, headers=dict(headers or {}))
        response = conn.getresponse()
        if response.status != 200:
            data = response.read()
            conn.close()
            self.check(template, "GET", expect, response, data, f"GET {path}")
            return None
        self.check(template, "GET", expect, response, b"", f"GET {path}")
        event = {}
        while "data" not in event or line != "":
            line = response.fp.readline().decode().rstrip("\n")
            if line.startswith("id: "):
                event["id"] = int(line[4:])
            elif line.startswith("data: "):
                event["data"] = json.loads(line[6:], object_pairs_hook=no_duplicates)
        conn.close()
        schema = {"$ref": "#/components/schemas/QueueEvent"}
        for problem in self.validate(schema, event["data"], "event.data"):
            self.failures.append(f"GET {path}: {problem}")
        return event

    # One answer

    def call(self, template, method, path, expect, body=None, headers=None, token=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = "Bearer " + token
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
            headers.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, path, body=body, headers=headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the body was read: the answer is waiting
        response = conn.getresponse()
        data = response.read()
        conn.close()
        shown = path if len(path) < 120 else path[:100] + f"…({len(path)} characters)"
        self.check(template, method, expect, response, data, f"{method} {shown}")
        return response, data

    def off(self, where, status, check, message):
        for gap in EXPECTED_GAPS:
            if gap["status"] == status and gap["check"] == check:
                self.gaps_seen.setdefault((status, check), []).append(f"{where}: {message}")
                return
        self.failures.append(f"{where}: {message}")

    def check(self, template, method, expect, response, data, where):
        status = response.status
        self.exercised.add((template, method.lower()))
        self.checked += 1
        if status not in (expect if isinstance(expect, (set, tuple)) else (expect,)):
            self.failures.append(f"{where}: expected {expect}, got {status} {data[:200]!r}")
            return
        operations = self.operations(template)
        operation = operations.get(method.lower())
        if operation is None and status == 405 and operations:
            # A method the path does not have: its 405 is declared on the
            # path's operations (check_contract makes sure of each).
            operation = next(op for m, op in operations.items() if m != "head")
        if operation is None:
            self.failures.append(f"{where}: openapi.yaml has no {method} {template}")
            return
        declared = operation["responses"].get(str(status))
        if declared is None:
            self.off(where, status, "declared", f"{status} is not declared in openapi.yaml")
            return
        declared = self.resolve(declared)

        for name, header in declared.get("headers", {}).items():
            header = self.resolve(header)
            value = response.getheader(name)
            if value is None:
                if header.get("required"):
                    self.off(where, status, f"header {name}", f"{status} has no {name} header")
                continue
            if name.lower() == "allow":
                allowed = {m.strip().upper() for m in value.split(",") if m.strip()}
                wanted = {m.upper() for m in operations}
                if allowed != wanted:
                    self.off(where, status, "header Allow",
                             f"Allow is {value!r}, the contract has {sorted(wanted)}")
                continue
            schema = header.get("schema", {})
            if self.resolve(schema).get("type") == "integer":
                try:
                    value = int(value)
                except ValueError:
                    pass
            for problem in self.validate(schema, value, name):
                self.off(where, status, f"header {name}", problem)

        content = declared.get("content", {})
        if method == "HEAD" or status == 204 or not content:
            if data:
                self.off(where, status, "no body",
                         f"{status} has a body that openapi.yaml does not declare: {data[:100]!r}")
            return
        content_type = response.getheader("Content-Type")
        media = content_type.split(";")[0].strip().lower() if content_type else None
        if media not in content:
            self.off(where, status, "content type",
                     f"content type {content_type}, openapi.yaml says {list(content)}")
            return
        if not media.endswith("json"):
            return
        try:
            value = json.loads(data, object_pairs_hook=no_duplicates)
        except ValueError as e:
            self.off(where, status, "body", f"the body is not JSON ({e}): {data[:100]!r}")
            return
        problems = self.validate(content[media].get("schema", {}), value, "body")
        if media == "application/problem+json" and isinstance(value, dict) \
                and value.get("status") != status:
            problems.append(f"body.status is {value.get('status')!r}, the answer's is {status}")
        for problem in problems:
            self.off(where, status, "body", problem)

    # Schemas

    def validate(self, schema, value, where):
        """The ways @value breaks @schema, as a list of messages."""
        problems = []
        self._validate(schema, value, where, problems)
        return problems

    def _validate(self, schema, value, where, problems):
        if "$ref" in schema:
            schema = self.resolve(schema)
        unknown = set(schema) - SCHEMA_KEYWORDS
        if unknown:
            raise ContractError(f"test-openapi.py does not check the schema keywords "
                                f"{sorted(unknown)}")
        if value is None:
            if not schema.get("nullable"):
                problems.append(f"{where} is null")
            return
        for part in schema.get("allOf", []):
            self._validate(part, value, where, problems)
        if "oneOf" in schema:
            self._validate_one_of(schema, value, where, problems)

        kind = schema.get("type")
        if kind is not None and not self.has_type(kind, value):
            problems.append(f"{where} is {json.dumps(value)[:60]}, not of type {kind}")
            return
        if "enum" in schema and value not in schema["enum"]:
            problems.append(f"{where} is {value!r}, not one of {schema['enum']}")
        if isinstance(value, str):
            self._validate_string(schema, value, where, problems)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                problems.append(f"{where} is {value}, below {schema['minimum']}")
            if "maximum" in schema and value > schema["maximum"]:
                problems.append(f"{where} is {value}, above {schema['maximum']}")
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                problems.append(f"{where} has {len(value)} items, fewer than {schema['minItems']}")
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                problems.append(f"{where} has {len(value)} items, more than {schema['maxItems']}")
            if schema.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
                problems.append(f"{where} has an item twice")
            for i, item in enumerate(value):
                self._validate(schema.get("items", {}), item, f"{where}[{i}]", problems)
        if isinstance(value, dict):
            self._validate_object(schema, value, where, problems)

    def _validate_one_of(self, schema, value, where, problems):
        discriminator = schema.get("discriminator")
        if discriminator is not None:
            name = discriminator["propertyName"]
            tag = value.get(name) if isinstance(value, dict) else None
            target = discriminator.get("mapping", {}).get(tag)
            if target is None:
                problems.append(f"{where}.{name} is {tag!r}, not one of "
                                f"{sorted(discriminator.get('mapping', {}))}")
                return
            if {"$ref": target} not in schema["oneOf"]:
                raise ContractError(f"the discriminator maps {tag!r} to {target}, "
                                    "which is not one of its oneOf")
            self._validate({"$ref": target}, value, where, problems)
            return
        matching = [part for part in schema["oneOf"] if not self.validate(part, value, where)]
        if len(matching) != 1:
            problems.append(f"{where} matches {len(matching)} of the schemas of its oneOf, "
                            f"not one: {json.dumps(value)[:100]}")

    def _validate_string(self, schema, value, where, problems):
        if "minLength" in schema and len(value) < schema["minLength"]:
            problems.append(f"{where} is shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append(f"{where} is longer than {schema['maxLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append(f"{where} is {value!r}, which does not match {schema['pattern']}")
        form = schema.get("format")
        if form == "uuid" and not UUID_RE.match(value):
            problems.append(f"{where} is {value!r}, not a UUID")
        elif form == "date-time":
            try:
                if not DATE_TIME_RE.match(value):
                    raise ValueError(value)
                datetime.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                problems.append(f"{where} is {value!r}, not an RFC 3339 date-time")
        elif form not in (None, "uuid", "date-time", "binary", "password"):
            raise ContractError(f"test-openapi.py does not check the format {form!r}")

    def _validate_object(self, schema, value, where, problems):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                problems.append(f"{where} has no member {name!r}")
        # Closed unless the contract says otherwise; a schema made of
        # others (oneOf, allOf) leaves it to them.
        composed = "oneOf" in schema or "allOf" in schema
        extra = schema.get("additionalProperties", None if composed else False)
        for name, member in value.items():
            if name in properties:
                self._validate(properties[name], member, f"{where}.{name}", problems)
            elif extra is False:
                problems.append(f"{where} has a member {name!r} that the contract does not name")
            elif isinstance(extra, dict):
                self._validate(extra, member, f"{where}.{name}", problems)

    @staticmethod
    def has_type(kind, value):
        if kind == "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if kind == "number":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        return isinstance(value, {"string": str, "boolean": bool, "array": list,
                                  "object": dict}[kind])


def main():
    spec_path = sys.argv[1]
    binary = os.environ["SERVICE_HALL_SERVER_BIN"]
    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)

    data_dir = tempfile.mkdtemp(prefix="hall-openapi-")
    # A hall key of its own and a certificate it made, with the real
    # command line (service-hall-ctl hall-key create, enroll).
    global CERTIFICATE, HALL_KEY_FILE
    ctl = os.environ["SERVICE_HALL_CTL_BIN"]
    profile = os.path.join(data_dir, "profile")
    key_file = os.path.join(data_dir, "hall.key")
    out = subprocess.run([ctl, "--profile", profile, "hall-key", "create", "--out", key_file],
                         check=True, capture_output=True, text=True).stdout
    hall_key = re.search(r"Public key: (\S+)", out).group(1)
    HALL_KEY_FILE = key_file
    out = subprocess.run([ctl, "--profile", profile, "enroll", "li.na", "--hall-key", key_file,
                          "--public-key", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="],
                         check=True, capture_output=True, text=True).stdout
    CERTIFICATE = json.loads(out)
    # HALL_TEST_STORAGE=postgresql (the openapi-postgres test): the same
    # contract with the records in a throw-away PostgreSQL cluster, from
    # hall-test-postgres.c through its wrapper, which prints the database's
    # URI and removes the cluster when its stdin closes.
    cluster = None
    storage = []
    if os.environ.get("HALL_TEST_STORAGE") == "postgresql":
        cluster = subprocess.Popen([os.environ["HALL_TEST_POSTGRES_RUN"], "hall_openapi"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        uri = cluster.stdout.readline().strip()
        if not uri:
            code = cluster.wait(timeout=60)
            shutil.rmtree(data_dir, ignore_errors=True)
            if code == 77:
                print("1..0 # SKIP PostgreSQL is not installed")
                return 77
            print("1..1")
            print(f"not ok 1 - the PostgreSQL cluster did not start (exit {code})")
            return 1
        # Pages in the database too, one upload written at a time: the
        # blob endpoints' answers from the table store, and its 503.
        storage = ["--database", uri, "--blobs", "postgresql", "--blob-uploads", "1"]
    server = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--data", data_dir, "--demo",
                               "--hall-public-key", hall_key] + storage,
                              stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:"), line
        port = int(line.rsplit(":", 1)[1])
        contract = Contract(spec, port)
        if cluster is not None:
            contract.database_uri = uri
        contract.check_contract()
        run(contract)
    except ContractError as e:
        print("1..1")
        print(f"not ok 1 - {e}")
        return 1
    finally:
        server.terminate()
        server.wait(timeout=30)
        if cluster is not None:
            cluster.stdin.close()
            cluster.wait(timeout=60)
        shutil.rmtree(data_dir, ignore_errors=True)

    declared = {(p, m) for p, ops in spec["paths"].items() for m in ops if m in METHODS}
    for missing in sorted(declared - contract.exercised):
        contract.failures.append(f"{missing[1].upper()} {missing[0]} is in openapi.yaml but never exercised")

    for gap in EXPECTED_GAPS:
        seen = contract.gaps_seen.get((gap["status"], gap["check"]))
        if seen is None:
            contract.failures.append(f"expected gap {gap['status']} {gap['check']} ({gap['why']}) "
                                     "is not seen any more: remove it from EXPECTED_GAPS")
            continue
        print(f"# known gap, {gap['status']} {gap['check']}: {gap['why']}")
        for message in seen:
            print(f"#   {message}")

    print("1..1")
    if contract.failures:
        for failure in contract.failures:
            print("# " + failure)
        print(f"not ok 1 - {len(contract.failures)} failures in {contract.checked} answers")
        return 1
    print(f"ok 1 - {contract.checked} answers match openapi.yaml")
    return 0



# A connection in the middle of a request's transaction, a piece of an
# upload written: the server's one upload slot (--blob-uploads 1) is taken.
PIECE_WRITTEN = ("SELECT count (*) FROM pg_stat_activity WHERE state = 'idle in transaction'"
                 " AND query LIKE 'INSERT INTO blob_upload_parts%'")


def database_number(c, sql):
    out = subprocess.run(["psql", "-XAtq", "-d", c.database_uri, "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return int(out.strip() or 0)


def uploads_limit(c, token):
    """--blobs postgresql --blob-uploads 1: while one upload is being
    written, the next PUT and PATCH are 503 with Retry-After; the first
    then ends as it would have."""
    B = "/v1/blobs/{sha256}"
    big = png_header(2480, 3508) + os.urandom(3 * 1024 * 1024)
    path = "/v1/blobs/" + hashlib.sha256(big).hexdigest()
    sent = 1200 * 1024
    running = socket.create_connection(("127.0.0.1", c.port), timeout=30)
    running.sendall((f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     f"Authorization: Bearer {token}\r\n"
                     "Content-Type: application/offset+octet-stream\r\n"
                     f"Upload-Offset: 0\r\nUpload-Length: {len(big)}\r\n"
                     f"Content-Length: {len(big)}\r\n\r\n").encode() + big[:sent])
    deadline = time.monotonic() + 10
    while database_number(c, PIECE_WRITTEN) != 1:
        if time.monotonic() > deadline:
            raise ContractError("an upload of 3 MiB wrote no piece within 10 s")
        time.sleep(0.02)
    other = png_header(300, 400) + os.urandom(4000)
    o = "/v1/blobs/" + hashlib.sha256(other).hexdigest()
    c.call(B, "PUT", o, 503, other, token=token)
    c.call(B, "PATCH", o, 503, other,
           {"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0",
            "Upload-Length": str(len(other))}, token=token)
    running.sendall(big[sent:])
    answer = running.makefile("rb").readline().decode().strip()
    running.close()
    if answer != "HTTP/1.1 201 Created":
        raise ContractError(f"PATCH {path}: the upload under way ended with {answer!r}")
    c.call(B, "PUT", o, 201, other, token=token)

def run(c):
    H = "/v1/health"
    c.call(H, "GET", H, 200)
    c.call(H, "HEAD", H, 200)
    c.call(H, "DELETE", H, 405)
    c.call(H, "GET", H, 431, headers={"X-Padding": "a" * 40000})

    S = "/v1/sessions"
    r, d = c.call(S, "POST", S, 201, {"username": "demo", "password": "demo"})
    token = json.loads(d)["token"]
    r, d = c.call(S, "POST", S, 201, {"username": "reception1", "password": "demo"})
    reception = json.loads(d)["token"]
    c.call(S, "POST", S, 401, {"username": "demo", "password": "nope"})
    c.call(S, "POST", S, 400, "{not json")
    c.call(S, "POST", S, 422, {"username": "demo"})
    c.call(S, "POST", S, 401, '{"username": "demo", "password": "demo\\u0000x"}')
    c.call(S, "POST", S, 415, json.dumps({"username": "demo", "password": "demo"}),
           {"Content-Type": "text/plain"})
    c.call(S, "POST", S, 413, b" " * (2 * 1024 * 1024))
    c.call(S, "GET", S, 405, token=token)

    A = "/v1/applicants/{uuid}"
    applicant = str(uuid.uuid4())
    a = f"/v1/applicants/{applicant}"
    c.call(A, "GET", a, 401)
    c.call(A, "HEAD", a, 401)
    c.call(A, "GET", a, 404, token=token)
    c.call(A, "HEAD", a, 404, token=token)
    c.call(A, "GET", "/v1/applicants/not-a-uuid", 404, token=token)
    c.call(A, "PUT", "/v1/applicants/not-a-uuid", 404, person(), token=token)
    c.call(A, "GET", "/v1/applicants/" + "a" * 100000, 414, token=token)
    c.call(A, "DELETE", a, 405, token=token)
    c.call(A, "PUT", a, 201, person(), token=token)
    c.call(A, "PUT", a, 200, person(), token=token)
    c.call(A, "GET", a, 200, token=token)
    c.call(A, "HEAD", a, 200, token=token)
    c.call(A, "PUT", a, 428, person(name="Renamed"), token=token)
    c.call(A, "PUT", a, 412, person(name="Renamed"), {"If-Match": '"9"'}, token=token)
    c.call(A, "PUT", a, 412, person(name="Renamed"), {"If-Match": 'W/"1"'}, token=token)
    c.call(A, "PUT", a, 400, person(name="Renamed"), {"If-Match": '1'}, token=token)
    c.call(A, "PUT", a, 400, "[]", token=token)
    c.call(A, "PUT", a, 400, '{"kind": "person", "kind": "business"}', token=token)
    c.call(A, "PUT", a, 415, json.dumps(person()), {"Content-Type": "application/x-www-form-urlencoded"},
           token=token)
    c.call(A, "GET", a + "%00", 400, token=token)
    c.call(A, "GET", a.upper().replace("/V1/APPLICANTS/", "/v1/applicants/"), 404, token=token)
    c.call(A, "PUT", a, 400, person(), {"Idempotency-Key": "k" * 201}, token=token)
    c.call(A, "PUT", a, 422, person(id_number="110105194912310021"), token=token)
    c.call(A, "PUT", a, 413, b" " * (2 * 1024 * 1024), token=token)
    c.call(A, "PUT", a, 401, person())
    # An identity document belongs to one applicant.
    c.call(A, "PUT", f"/v1/applicants/{uuid.uuid4()}", 409, person(), token=token)
    c.call(A, "PUT", f"/v1/applicants/{uuid.uuid4()}", 201, person(OTHER_ID), token=reception)
    company = f"/v1/applicants/{uuid.uuid4()}"
    c.call(A, "PUT", company, 201, dict(business(), contact_person="Li Ming"), token=token)
    # A contact person is a person's name.
    c.call(A, "PUT", company, 422, dict(business(), contact_person="Li Ming 2"), token=token)
    c.call(A, "PUT", f"/v1/applicants/{uuid.uuid4()}", 422,
           dict(person(OTHER_ID), contact_person="Li Ming"), token=token)
    # A business may give a contact phone, but a well-formed one.
    c.call(A, "PUT", company, 422, dict(business(), phone="1380013800"), token=token)
    c.call(A, "GET", company, 200, token=token)
    c.call(A, "PUT", f"/v1/applicants/{uuid.uuid4()}", 409, business(name="Twin Co."), token=token)

    P = "/v1/applicants/{uuid}/phone"
    p = a + "/phone"
    fix = {"uuid": str(uuid.uuid4()), "phone": "139 8765 4321"}
    pkey = {"Idempotency-Key": str(uuid.uuid4())}
    c.call(P, "POST", p, 401, fix)
    c.call(P, "GET", p, 405, token=token)
    c.call(P, "POST", p, 200, fix, pkey, token=token)
    c.call(P, "POST", p, 200, fix, pkey, token=token)  # replayed: the stored answer
    c.call(P, "POST", p, 200, fix, token=reception)  # the same number: unchanged
    c.call(P, "POST", p, 422, dict(fix, phone="1398765432"), token=token)
    c.call(P, "POST", p, 422, {"phone": "13987654321"}, token=token)
    c.call(P, "POST", f"/v1/applicants/{uuid.uuid4()}/phone", 404, fix, token=token)
    c.call(P, "POST", "/v1/applicants/not-a-uuid/phone", 404, fix, token=token)
    c.call(P, "POST", p, 400, "nope", token=token)
    c.call(P, "POST", p, 415, "{}", {"Content-Type": "text/plain"}, token=token)
    c.call(P, "POST", p, 413, b" " * (2 * 1024 * 1024), token=token)

    C = "/v1/cases/{uuid}"
    kase = str(uuid.uuid4())
    k = f"/v1/cases/{kase}"
    now = datetime.datetime.now(datetime.timezone.utc)
    body = {"number": f"YC-{now.year}-C01-000001", "service": "company_business_license",
            "applicant": applicant, "state": "received", "counter": "C01",
            "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "checklist": [{"id": "articles_of_association", "provided": True}]}
    c.call(C, "GET", k, 404, token=token)
    c.call(C, "HEAD", k, 404, token=token)
    c.call(C, "GET", k, 401)
    c.call(C, "PUT", "/v1/cases/x", 404, body, token=token)
    c.call(C, "POST", k, 405, body, token=token)
    c.call(C, "PUT", k, 403, body, token=reception)
    c.call(C, "PUT", k, 401, body)
    c.call(C, "PUT", k, 422, dict(body, service="no_such_service"), token=token)
    c.call(C, "PUT", k, 201, body, token=token)
    c.call(C, "PUT", k, 200, body, token=token)
    c.call(C, "GET", k, 200, token=token)
    c.call(C, "HEAD", k, 200, token=token)
    c.call(C, "PUT", f"/v1/cases/{uuid.uuid4()}", 409, body, token=token)
    c.call(C, "PUT", k, 428, dict(body, official="li.na"), token=token)
    c.call(C, "PUT", k, 412, dict(body, official="li.na"), {"If-Match": '"7"'}, token=token)
    c.call(C, "PUT", k, 400, "{", token=token)
    c.call(C, "PUT", k, 415, json.dumps(body), {"Content-Type": "text/json"}, token=token)
    c.call(C, "PUT", k, 413, b" " * (2 * 1024 * 1024), token=token)

    E = "/v1/cases/{uuid}/events"
    e = f"/v1/cases/{kase}/events"
    event = {"uuid": str(uuid.uuid4()), "kind": "note", "note": "Lease shown"}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    c.call(E, "POST", e, 401, event)
    c.call(E, "POST", e, 403, event, token=reception)
    c.call(E, "GET", e, 405, token=token)
    c.call(E, "POST", e, 201, event, key, token=token)
    c.call(E, "POST", e, 201, event, key, token=token)  # replayed: the stored answer
    c.call(E, "POST", e, 422, dict(event, note="other"), key, token=token)
    c.call(E, "POST", e, 200, event, token=token)
    c.call(E, "POST", f"/v1/cases/{uuid.uuid4()}/events", 404, event, token=token)
    c.call(E, "POST", "/v1/cases/not-a-uuid/events", 404, event, token=token)
    c.call(E, "POST", e, 400, "nope", token=token)
    c.call(E, "POST", e, 415, "{}", {"Content-Type": "text/plain"}, token=token)
    c.call(E, "POST", e, 413, b" " * (2 * 1024 * 1024), token=token)
    # A document entry names the checklist's document it provides: one the
    # checklist lacks is refused; one provided already changes nothing.
    c.call(E, "POST", e, 422, {"uuid": str(uuid.uuid4()), "kind": "document",
                               "slot": "no_such_document"}, token=token)
    c.call(E, "POST", e, 422, {"uuid": str(uuid.uuid4()), "kind": "note",
                               "slot": "articles_of_association"}, token=token)
    c.call(E, "POST", e, 201, {"uuid": str(uuid.uuid4()), "kind": "document",
                               "slot": "articles_of_association",
                               "note": "1 page added to articles_of_association"}, token=token)
    # The steps move by decisions only.
    c.call(E, "POST", e, 422, {"uuid": str(uuid.uuid4()), "kind": "state", "state": "in_review"},
           token=token)
    stored = json.loads(c.call(C, "GET", k, 200, token=token)[1])
    c.call(E, "POST", e, 201, signed_decision(kase, {"uuid": str(uuid.uuid4()), "kind": "decision",
                                                     "step": "accept", "decision": "approve"},
                                              case=stored),
           token=token)
    c.call(E, "POST", e, 201, signed_decision(kase, {"uuid": str(uuid.uuid4()), "kind": "decision",
                                                     "step": "review", "decision": "approve"},
                                              case=stored),
           token=token)
    # Signed by an official the server does not know.
    c.call(E, "POST", e, 422, signed_decision(kase, {"uuid": str(uuid.uuid4()), "kind": "decision",
                                                     "step": "tax_review", "decision": "approve"},
                                              official="li.na"),
           token=token)
    c.call(E, "POST", e, 409, signed_decision(kase, {"uuid": str(uuid.uuid4()), "kind": "decision",
                                                     "step": "tax_review", "decision": "approve"},
                                              case=stored),
           token=token)
    c.call(E, "POST", e, 422, {"uuid": str(uuid.uuid4()), "kind": "decision",
                               "step": "issue", "decision": "reject"}, token=token)
    c.call(E, "POST", e, 422, {"uuid": str(uuid.uuid4()), "kind": "state", "state": "received"},
           token=token)
    second = f"/v1/cases/{uuid.uuid4()}"
    c.call(C, "PUT", second, 201, dict(body, number=f"YC-{now.year}-C01-000002"), token=token)
    c.call(E, "POST", second + "/events", 409, event, token=token)

    # A license, issued on the last approval (a service without a joint
    # review: demo, who holds every role, decides each step).
    L = "/v1/licenses/{number}"
    third = str(uuid.uuid4())
    third_body = dict(body, number=f"YC-{now.year}-C01-000009",
                      service="individual_business_license", checklist=[])
    c.call(C, "PUT", f"/v1/cases/{third}", 201, third_body, token=token)
    third_case = json.loads(c.call(C, "GET", f"/v1/cases/{third}", 200, token=token)[1])
    number = f"YC-{now.year}-C01-L000001"
    license = {"number": number, "case": third,
               "payload": signed_license(number, third_case)}
    ln = f"/v1/licenses/{number}"
    c.call(L, "PUT", ln, 401, license)
    c.call(L, "PUT", ln, 403, license, token=reception)
    c.call(L, "GET", ln, 405, token=token)
    c.call(L, "PUT", "/v1/licenses/not_one", 404, license, token=token)
    c.call(L, "PUT", ln, 422, license, token=token)  # not approved yet
    for step in ("accept", "review", "issue"):
        c.call(E, "POST", f"/v1/cases/{third}/events", 201,
               signed_decision(third, {"uuid": str(uuid.uuid4()), "kind": "decision",
                                       "step": step, "decision": "approve"}, case=third_case),
               token=token)
    c.call(L, "PUT", ln, 422, dict(license, payload="SH1:NOT"), token=token)
    c.call(L, "PUT", ln, 400, "{", token=token)
    c.call(L, "PUT", ln, 415, json.dumps(license), {"Content-Type": "text/plain"}, token=token)
    c.call(L, "PUT", ln, 413, b" " * (2 * 1024 * 1024), token=token)
    c.call(L, "PUT", ln, 201, license, token=token)
    c.call(L, "PUT", ln, 200, license, token=token)
    c.call(L, "PUT", ln, 409, dict(license, payload=signed_license(number, third_case)),
           token=token)

    BA = "/v1/batch"
    ba_applicant = str(uuid.uuid4())
    ba_case = str(uuid.uuid4())
    batch = {"operations": [
        {"key": str(uuid.uuid4()), "method": "PUT", "path": f"/v1/applicants/{ba_applicant}",
         "body": person(BATCH_ID, name="Batch Person")},
        {"key": str(uuid.uuid4()), "method": "PUT", "path": f"/v1/cases/{ba_case}",
         "body": dict(body, number=f"YC-{now.year}-C01-000003", applicant=ba_applicant)},
        {"key": str(uuid.uuid4()), "method": "PUT", "path": f"/v1/cases/{uuid.uuid4()}",
         "body": dict(body, number=f"YC-{now.year}-C01-000004", service="no_such_service")},
        {"method": "POST", "path": f"/v1/cases/{ba_case}/events",
         "body": {"uuid": str(uuid.uuid4()), "kind": "note", "note": "In a batch"}},
        {"key": str(uuid.uuid4()), "method": "PUT", "path": f"/v1/applicants/{uuid.uuid4()}",
         "body": person(BATCH_ID, name="Batch Twin")},
    ]}
    _, data = c.call(BA, "POST", BA, 200, batch, token=token)
    statuses = [r["status"] for r in json.loads(data)["results"]]
    if statuses != [201, 201, 422, 201, 409]:
        c.failures.append(f"POST {BA}: results {statuses}, expected [201, 201, 422, 201, 409]")
    # The same batch again, preferring return=minimal: answered from its
    # keys (the entry, sent without one, is there already: 200), the
    # accepted results with an ETag without their bodies.
    response, data = c.call(BA, "POST", BA, 200, batch, {"Prefer": "return=minimal"},
                            token=token)
    results = json.loads(data)["results"]
    bodies = [r["body"] is None for r in results]
    if ([r["status"] for r in results] != [201, 201, 422, 200, 409]
            or bodies != [True, True, False, False, False]):
        c.failures.append(f"POST {BA} with Prefer: return=minimal: results {results}")
    if response.getheader("Preference-Applied") != "return=minimal":
        c.failures.append(f"POST {BA} with Prefer: return=minimal: no Preference-Applied")
    c.call(BA, "POST", BA, 401, batch)
    c.call(BA, "POST", BA, 400, {"operations": []}, token=token)
    c.call(BA, "POST", BA, 415, '{"operations": []}', {"Content-Type": "text/plain"}, token=token)
    c.call(BA, "POST", BA, 413, b" " * (9 * 1024 * 1024), token=token)
    c.call(BA, "GET", BA, 405, token=token)

    CH = "/v1/changes"
    c.call(CH, "GET", CH, 401)
    c.call(CH, "HEAD", CH, 401)
    c.call(CH, "GET", CH + "?limit=2", 200, token=token)
    c.call(CH, "HEAD", CH + "?limit=2", 200, token=token)
    c.call(CH, "GET", CH + "?since=x", 400, token=token)
    c.call(CH, "GET", CH + "?limit=0", 400, token=token)
    c.call(CH, "GET", CH + "?limit=" + "9" * 20, 200, token=token)
    c.call(CH, "GET", CH + "?limit=x", 400, token=token)
    c.call(CH, "GET", CH + "?since=" + "1" * 100000, 414, token=token)
    c.call(CH, "PUT", CH, 405, {}, token=token)
    c.call(CH, "GET", CH, 200, token=token)  # every change so far, each checked

    CA = "/v1/catalog"
    c.call(CA, "GET", CA, 200, token=token)
    c.call(CA, "HEAD", CA, 200, token=token)
    c.call(CA, "GET", CA, 401)
    c.call(CA, "PATCH", CA, 405, {}, token=token)

    CL = "/v1/calendar"
    c.call(CL, "GET", CL, 401)
    c.call(CL, "HEAD", CL, 401)
    r, d = c.call(CL, "GET", CL, 200, token=reception)
    calendar = json.loads(d)
    c.call(CL, "HEAD", CL, 200, token=reception)
    c.call(CL, "DELETE", CL, 405, token=token)
    c.call(CL, "PUT", CL, 401, calendar, {"If-Match": '"1"'})
    c.call(CL, "PUT", CL, 403, calendar, {"If-Match": '"1"'}, token=reception)
    c.call(CL, "PUT", CL, 428, calendar, token=token)
    c.call(CL, "PUT", CL, 400, "{", {"If-Match": '"1"'}, token=token)
    c.call(CL, "PUT", CL, 415, json.dumps(calendar), {"If-Match": '"1"', "Content-Type": "text/plain"},
           token=token)
    c.call(CL, "PUT", CL, 413, b" " * (2 * 1024 * 1024), {"If-Match": '"1"'}, token=token)
    c.call(CL, "PUT", CL, 422, dict(calendar, holidays=["2026-02-30"]), {"If-Match": '"1"'},
           token=token)
    changed = dict(calendar, holidays=calendar.get("holidays", []) + ["2026-12-28"])
    c.call(CL, "PUT", CL, 200, changed, {"If-Match": '"1"'}, token=token)
    c.call(CL, "PUT", CL, 200, changed, {"If-Match": '"1"'}, token=token)
    c.call(CL, "PUT", CL, 412, calendar, {"If-Match": '"1"'}, token=token)
    c.call(CL, "PUT", CL, 200, calendar, {"If-Match": '"2"'}, token=token)

    B = "/v1/blobs/{sha256}"
    blob = png_header(1000, 1400) + os.urandom(70000)
    sha = hashlib.sha256(blob).hexdigest()
    b = f"/v1/blobs/{sha}"
    length = {"Upload-Length": str(len(blob))}
    upload = {"Content-Type": "application/offset+octet-stream"}
    c.call(B, "HEAD", b, 401)
    c.call(B, "HEAD", b, 404, token=token)
    c.call(B, "HEAD", "/v1/blobs/abc", 404, token=token)
    c.call(B, "GET", b, 404, token=token)
    c.call(B, "GET", "/v1/blobs/" + "g" * 64, 404, token=token)
    c.call(B, "GET", b, 401)
    c.call(B, "POST", b, 405, blob[:10], token=token)
    c.call(B, "PATCH", b, 204, blob[:1000], dict(upload, **length, **{"Upload-Offset": "0"}),
           token=token)
    c.call(B, "HEAD", b, 204, token=token)
    c.call(B, "PATCH", b, 409, blob[:10], dict(upload, **length, **{"Upload-Offset": "7"}),
           token=token)
    c.call(B, "PATCH", b, 400, blob[:10], dict(upload, **{"Upload-Offset": "1000"}), token=token)
    c.call(B, "PATCH", b, 409, blob[:10],
           dict(upload, **{"Upload-Offset": "1000", "Upload-Length": str(len(blob) + 1)}),
           token=token)
    c.call(B, "PATCH", b, 413, blob[:10],
           dict(upload, **{"Upload-Offset": "1000", "Upload-Length": str(60 * 1024 * 1024)}),
           token=token)
    c.call(B, "PATCH", "/v1/blobs/" + "1" * 63, 404, blob[:10],
           dict(upload, **length, **{"Upload-Offset": "0"}), token=token)
    c.call(B, "PATCH", b, 401, blob[1000:], dict(upload, **length, **{"Upload-Offset": "1000"}))
    c.call(B, "PATCH", b, 201, blob[1000:], dict(upload, **length, **{"Upload-Offset": "1000"}),
           token=token)
    c.call(B, "HEAD", b, 200, token=token)
    c.call(B, "GET", b, 200, token=token)
    other_blob = png_header(200, 300) + os.urandom(5000)
    o = "/v1/blobs/" + hashlib.sha256(other_blob).hexdigest()
    c.call(B, "PUT", o, 401, other_blob)
    c.call(B, "PUT", o, 201, other_blob, token=token)
    c.call(B, "PUT", "/v1/blobs/not-a-hash", 404, other_blob, token=token)
    c.call(B, "PUT", "/v1/blobs/" + "0" * 64, 422, other_blob, token=token)
    c.call(B, "PATCH", "/v1/blobs/" + "1" * 64, 422, other_blob,
           dict(upload, **{"Upload-Offset": "0", "Upload-Length": str(len(other_blob))}),
           token=token)
    # Not a page (415), and a page over the pixel limit (422), never stored.
    text = b"not a scanned page at all" * 10
    c.call(B, "PUT", "/v1/blobs/" + hashlib.sha256(text).hexdigest(), 415, text, token=token)
    c.call(B, "PATCH", "/v1/blobs/" + hashlib.sha256(text).hexdigest(), 415, text,
           dict(upload, **{"Upload-Offset": "0", "Upload-Length": str(len(text))}),
           token=token)
    bomb = png_header(50000, 50000) + bytes(100)
    c.call(B, "PUT", "/v1/blobs/" + hashlib.sha256(bomb).hexdigest(), 422, bomb, token=token)
    c.call(B, "PUT", "/v1/blobs/" + "3" * 64, 400, b"", token=token)
    c.call(B, "PUT", "/v1/blobs/" + "2" * 64, 413, None,
           {"Content-Length": str(60 * 1024 * 1024)}, token=token)
    if c.database_uri is not None:
        uploads_limit(c, token)

    # The record of a page: its case, a slot of the case's checklist, a
    # blob that has arrived whole.
    PG = "/v1/pages/{uuid}"
    page = f"/v1/pages/{uuid.uuid4()}"
    record = {"case": kase, "slot": "articles_of_association", "position": 0, "turn": 0,
              "sha256": hashlib.sha256(other_blob).hexdigest(), "kind": "grey",
              "mime": "image/png", "bytes": len(other_blob), "width": 200, "height": 300,
              "dpi": 300}
    c.call(PG, "GET", page, 401)
    c.call(PG, "HEAD", page, 401)
    c.call(PG, "GET", page, 404, token=token)
    c.call(PG, "HEAD", page, 404, token=token)
    c.call(PG, "PUT", "/v1/pages/not-a-uuid", 404, record, token=token)
    c.call(PG, "POST", page, 405, record, token=token)
    c.call(PG, "PUT", page, 401, record)
    c.call(PG, "PUT", page, 403, record, token=reception)
    c.call(PG, "PUT", page, 422, dict(record, case=str(uuid.uuid4())), token=token)
    c.call(PG, "PUT", page, 422, dict(record, slot="lease_of_the_moon"), token=token)
    c.call(PG, "PUT", page, 422, dict(record, sha256="4" * 64), token=token)
    c.call(PG, "PUT", page, 422, dict(record, turn=45), token=token)
    c.call(PG, "PUT", page, 400, "{", token=token)
    c.call(PG, "PUT", page, 415, json.dumps(record), {"Content-Type": "text/plain"}, token=token)
    c.call(PG, "PUT", page, 413, b" " * (2 * 1024 * 1024), token=token)
    c.call(PG, "PUT", page, 201, record, {"Idempotency-Key": str(uuid.uuid4())}, token=token)
    c.call(PG, "PUT", page, 200, record, token=token)
    c.call(PG, "GET", page, 200, token=token)
    c.call(PG, "HEAD", page, 200, token=token)
    c.call(PG, "GET", page, 403, token=reception)
    c.call(PG, "PUT", page, 428, dict(record, turn=90), token=token)
    c.call(PG, "PUT", page, 412, dict(record, turn=90), {"If-Match": '"7"'}, token=token)
    c.call(PG, "PUT", page, 200, dict(record, turn=90), {"If-Match": '"1"'}, token=token)
    c.call(PG, "PUT", page, 422, dict(record, turn=90, deleted="yes"), {"If-Match": '"2"'},
           token=token)
    c.call(PG, "PUT", page, 200, dict(record, turn=90, deleted=True), {"If-Match": '"2"'},
           token=token)
    c.call(CH, "GET", CH, 200, token=token)  # the page's changes too, each checked

    # Reception reads no applicant's personal data, nor cases.
    c.call(A, "GET", a, 403, token=reception)
    c.call(A, "HEAD", a, 403, token=reception)
    c.call(C, "GET", k, 403, token=reception)
    c.call(C, "HEAD", k, 403, token=reception)
    c.call(CH, "GET", CH, 200, token=reception)

    # Guessing a password: five refusals, then the account waits.
    for _ in range(5):
        c.call(S, "POST", S, 401, {"username": "guessed", "password": "nope"})
    c.call(S, "POST", S, 429, {"username": "guessed", "password": "nope"})

    F = "/v1/admin/sign-in-failures"
    c.call(F, "GET", F, 401)
    c.call(F, "HEAD", F, 401)
    c.call(F, "GET", F, 403, token=reception)
    c.call(F, "HEAD", F, 403, token=reception)
    c.call(F, "GET", F + "?limit=0", 400, token=token)
    c.call(F, "HEAD", F + "?limit=x", 400, token=token)
    c.call(F, "GET", F, 200, token=token)
    c.call(F, "HEAD", F, 200, token=token)
    c.call(F, "GET", F + "?limit=" + "1" * 100000, 414, token=token)
    c.call(F, "DELETE", F, 405, token=token)

    ST = "/v1/stats"
    st = ST + "?from=2001-03-01&to=2001-03-31"
    c.call(ST, "GET", st, 401)
    c.call(ST, "HEAD", st, 401)
    c.call(ST, "GET", st, 403, token=reception)
    c.call(ST, "HEAD", st, 403, token=reception)
    c.call(ST, "GET", ST + "?from=2001-03-01", 400, token=token)
    c.call(ST, "HEAD", st + "&by=nobody", 400, token=token)
    c.call(ST, "GET", st + "&by=day", 200, token=token)
    c.call(ST, "HEAD", st, 200, token=token)
    c.call(ST, "GET", st + "&x=" + "1" * 100000, 414, token=token)
    c.call(ST, "DELETE", st, 405, token=token)

    run_queue(c, token, reception)
    TR = "/v1/trust"
    c.call(TR, "GET", TR, 401)
    c.call(TR, "HEAD", TR, 401)
    c.call(TR, "PUT", TR, 405, {}, token=token)

    CE = "/v1/certificates/{official}"
    ce = "/v1/certificates/li.na"
    c.call(CE, "PUT", ce, 401, CERTIFICATE)
    c.call(CE, "PUT", ce, 403, CERTIFICATE, token=reception)
    c.call(CE, "GET", ce, 405, token=token)
    c.call(CE, "PUT", "/v1/certificates/Li.Na", 404, CERTIFICATE, token=token)
    c.call(CE, "PUT", ce, 200, CERTIFICATE, token=token)
    c.call(CE, "PUT", ce, 200, CERTIFICATE, token=token)
    c.call(CE, "PUT", "/v1/certificates/wang.fang", 422, CERTIFICATE, token=token)
    forged = dict(CERTIFICATE, valid_until="2099-01-01T00:00:00Z")
    c.call(CE, "PUT", ce, 422, forged, token=token)
    c.call(CE, "PUT", ce, 400, "{", token=token)
    c.call(CE, "PUT", ce, 415, json.dumps(CERTIFICATE), {"Content-Type": "text/plain"}, token=token)
    c.call(CE, "PUT", ce, 413, b" " * (2 * 1024 * 1024), token=token)

    RV = "/v1/revocations/{uuid}"
    revocation = {"kind": "license", "license_number": f"YC-{now.year}-C01-L000001",
                  "from": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "reason": "issued in error"}
    rv = f"/v1/revocations/{uuid.uuid4()}"
    c.call(RV, "PUT", rv, 401, revocation)
    c.call(RV, "PUT", rv, 403, revocation, token=reception)
    c.call(RV, "GET", rv, 405, token=token)
    c.call(RV, "PUT", "/v1/revocations/nope", 404, revocation, token=token)
    c.call(RV, "PUT", rv, 200, revocation, token=token)
    c.call(RV, "PUT", rv, 200, revocation, token=token)
    c.call(RV, "PUT", rv, 422, dict(revocation, reason="another"), token=token)
    c.call(RV, "PUT", rv, 422, dict(revocation, kind="stamp"), token=token)
    c.call(RV, "PUT", rv, 400, "[]", token=token)
    c.call(RV, "PUT", rv, 415, json.dumps(revocation), {"Content-Type": "text/plain"},
           token=token)
    c.call(RV, "PUT", rv, 413, b" " * (2 * 1024 * 1024), token=token)
    _, data = c.call(TR, "GET", TR, 200, token=token)
    trust = json.loads(data)
    if len(trust["certificates"]) != 1 or len(trust["revocations"]["revocations"]) != 1:
        c.failures.append(f"GET {TR}: {trust}")
    c.call(TR, "HEAD", TR, 200, token=token)

    V = "/v1/verify"
    c.call(V, "GET", V, 405)
    c.call(V, "POST", V, 200, {"code": "SH1:QED8WEX0"})
    c.call(V, "POST", V, 200, {"code": "not a code"})
    c.call(V, "POST", V, 422, {"text": "SH1:"})
    c.call(V, "POST", V, 400, "{")
    c.call(V, "POST", V, 415, '{"code": "x"}', {"Content-Type": "text/plain"})
    c.call(V, "POST", V, 413, b" " * (2 * 1024 * 1024))
    # 20 at once per address, then one every 3 seconds.
    for _ in range(30):
        r, _ = c.call(V, "POST", V, (200, 429), {"code": "SH1:"})
        if r.status == 429:
            break
    else:
        c.failures.append(f"POST {V}: never 429 after 30 checks")

    # Signing out ends the session: its token is refused from then on.
    c.call(S, "DELETE", S, 401)
    c.call(S, "DELETE", S, 204, token=reception)
    c.call(S, "DELETE", S, 401, token=reception)
    c.call(A, "GET", a, 401, token=reception)


def run_queue(c, token, reception):
    T = "/v1/tickets"
    c.call(T, "POST", T, 401, {"service": "company_business_license"})
    c.call(T, "POST", T, 422, {"service": "no_such_service"}, token=reception)
    c.call(T, "POST", T, 422, {"service": "company_business_license", "name": "x"}, token=reception)
    c.call(T, "POST", T, 400, "{", token=reception)
    c.call(T, "POST", T, 415, "{}", {"Content-Type": "text/plain"}, token=reception)
    c.call(T, "POST", T, 413, b" " * (2 * 1024 * 1024), token=reception)
    c.call(T, "POST", T, 404, {"appointment": "NOSUCHCODE"}, token=reception)
    c.call(T, "GET", T, 405, token=token)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    _, d = c.call(T, "POST", T, 201, {"service": "company_business_license"}, key, token=reception)
    first = json.loads(d)
    _, d = c.call(T, "POST", T, 201, {"service": "company_business_license"}, key, token=reception)
    if json.loads(d)["uuid"] != first["uuid"]:
        c.failures.append(f"POST {T}: the same Idempotency-Key gave a second ticket")
    c.call(T, "POST", T, 422, {"service": "individual_business_license"}, key, token=reception)

    Q = "/v1/queue"
    _, d = c.call(Q, "GET", Q, 200)
    last = json.loads(d)["last_event_id"]
    c.call(Q, "HEAD", Q, 200)
    c.call(Q, "POST", Q, 405, {}, token=token)

    N = "/v1/counters/{counter}/call-next"
    c.call(N, "POST", "/v1/counters/C01/call-next", 401)
    c.call(N, "POST", "/v1/counters/C01/call-next", 403, token=reception)
    c.call(N, "POST", "/v1/counters/C%2001/call-next", 404, token=token)
    c.call(N, "POST", "/v1/counters/C01/call-next", 422, {"groups": ["Z"]}, token=token)
    c.call(N, "GET", "/v1/counters/C01/call-next", 405, token=token)
    _, d = c.call(N, "POST", "/v1/counters/C01/call-next", 200, {"groups": ["A"]}, token=token)
    called = json.loads(d)
    c.call(N, "POST", "/v1/counters/C01/call-next", 404, {}, token=token)

    V = "/v1/queue/events"
    event = c.call_stream(V, V + f"?last_event_id={last}", 200)
    if event is not None and (event["id"] != last + 1 or event["data"]["change"] != "called"):
        c.failures.append(f"GET {V}: after {last} came {event['id']} {event['data']['change']}")
    c.call_stream(V, V, 400, {"Last-Event-ID": "x"})
    c.call(V, "POST", V, 405, {}, token=token)

    A = "/v1/tickets/{uuid}/{action}"
    t = f"/v1/tickets/{called['uuid']}"
    c.call(A, "POST", t + "/finish", 409, token=token)
    c.call(A, "POST", t + "/recall", 200, token=token)
    c.call(A, "POST", t + "/recall", 403, token=reception)
    c.call(A, "POST", t + "/recall", 401)
    c.call(A, "POST", t + "/start", 200, {}, token=token)
    c.call(A, "POST", t + "/transfer", 422, {}, token=token)
    c.call(A, "POST", t + "/transfer", 422, {"group": "Z"}, token=token)
    c.call(A, "POST", t + "/transfer", 200, {"group": "B"}, token=token)
    c.call(A, "POST", t + "/start", 422, {"group": "B"}, token=token)
    c.call(A, "POST", t + "/fly", 404, token=token)
    c.call(A, "POST", f"/v1/tickets/{uuid.uuid4()}/park", 404, token=token)
    c.call(A, "GET", t + "/park", 405, token=token)
    c.call(A, "POST", t + "/park", 400, "[", token=token)

    AP = "/v1/appointments"
    now = datetime.datetime.now(datetime.timezone.utc)
    slot = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    later = (now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    booking = {"service": "company_business_license", "slot": slot, "minutes": 30}
    c.call(AP, "POST", AP, 401, booking)
    c.call(AP, "POST", AP, 422, dict(booking, slot="tomorrow"), token=reception)
    c.call(AP, "POST", AP, 201, dict(booking, code="CONTRACT1"), token=reception)
    c.call(AP, "POST", AP, 409, dict(booking, code="CONTRACT1"), token=reception)
    c.call(AP, "POST", AP, 201, dict(booking, code="LATER1", slot=later), token=token)
    c.call(AP, "GET", AP, 405, token=token)

    CI = "/v1/appointments/{code}/check-in"
    c.call(CI, "POST", "/v1/appointments/contract1/check-in", 401)
    c.call(CI, "POST", "/v1/appointments/LATER1/check-in", 409, token=reception)
    c.call(CI, "POST", "/v1/appointments/NOSUCH/check-in", 404, token=reception)
    c.call(CI, "POST", "/v1/appointments/a-b/check-in", 404, token=reception)
    c.call(CI, "POST", "/v1/appointments/contract1/check-in", 201, token=reception)
    c.call(CI, "POST", "/v1/appointments/contract1/check-in", 409, {}, token=reception)
    c.call(CI, "GET", "/v1/appointments/contract1/check-in", 405, token=token)


if __name__ == "__main__":
    sys.exit(main())
