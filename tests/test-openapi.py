#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The contract test: data/openapi.yaml against the real server.

Starts service-hall-server ($SERVICE_HALL_SERVER_BIN) on a free port, makes
requests that reach each path, method and status the test knows how to
provoke, and checks that openapi.yaml declares that status for that path and
method with the content type the server sent. Fails too when a path+method of
openapi.yaml is never exercised, so the document cannot drift from the code.
"""

import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

import yaml

ID = "11010519491231002X"


def person(id_number=ID, name="Contract Person"):
    return {"kind": "person", "name": name, "id_type": "resident_id",
            "id_number": id_number, "phone": "13800138000"}


class Contract:
    def __init__(self, spec, port):
        self.spec = spec
        self.port = port
        self.exercised = set()
        self.failures = []
        self.checked = 0

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
        content_type = response.getheader("Content-Type")
        conn.close()
        self.check(template, method, expect, response.status, content_type, data, path)
        return response, data

    def check(self, template, method, expect, status, content_type, data, path):
        where = f"{method} {path}"
        self.exercised.add((template, method.lower()))
        self.checked += 1
        if status != expect:
            self.failures.append(f"{where}: expected {expect}, got {status} {data[:200]!r}")
            return
        operation = self.spec["paths"].get(template, {}).get(method.lower())
        if operation is None:
            self.failures.append(f"{where}: openapi.yaml has no {method} {template}")
            return
        declared = operation["responses"].get(str(status))
        if declared is None:
            self.failures.append(f"{where}: {status} is not declared in openapi.yaml")
            return
        declared = self.resolve(declared)
        types = list(declared.get("content", {}).keys())
        if method == "HEAD" or status == 204:
            if data:
                self.failures.append(f"{where}: {status} must not have a body")
            return
        if not types:
            if data:
                self.failures.append(f"{where}: {status} has a body that openapi.yaml does not declare")
            return
        if content_type not in types:
            self.failures.append(f"{where}: content type {content_type}, openapi.yaml says {types}")

    def resolve(self, node):
        while "$ref" in node:
            parts = node["$ref"].lstrip("#/").split("/")
            node = self.spec
            for part in parts:
                node = node[part]
        return node


def main():
    spec_path = sys.argv[1]
    binary = os.environ["SERVICE_HALL_SERVER_BIN"]
    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)

    data_dir = tempfile.mkdtemp(prefix="hall-openapi-")
    server = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--data", data_dir, "--demo"],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:"), line
        port = int(line.rsplit(":", 1)[1])
        contract = Contract(spec, port)
        run(contract)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)

    declared = {(p, m) for p, ops in spec["paths"].items() for m in ops
                if m in ("get", "put", "post", "patch", "head", "delete")}
    for missing in sorted(declared - contract.exercised):
        contract.failures.append(f"{missing[1].upper()} {missing[0]} is in openapi.yaml but never exercised")

    print(f"1..1")
    if contract.failures:
        for failure in contract.failures:
            print("# " + failure)
        print(f"not ok 1 - {len(contract.failures)} of {contract.checked} answers break the contract")
        return 1
    print(f"ok 1 - {contract.checked} answers match openapi.yaml")
    return 0


def run(c):
    c.call("/v1/health", "GET", "/v1/health", 200)

    S = "/v1/sessions"
    r, d = c.call(S, "POST", S, 201, {"username": "demo", "password": "demo"})
    token = json.loads(d)["token"]
    r, d = c.call(S, "POST", S, 201, {"username": "reception1", "password": "demo"})
    reception = json.loads(d)["token"]
    c.call(S, "POST", S, 401, {"username": "demo", "password": "nope"})
    c.call(S, "POST", S, 400, "{not json")
    c.call(S, "POST", S, 422, {"username": "demo"})
    c.call(S, "POST", S, 413, b" " * (2 * 1024 * 1024))

    A = "/v1/applicants/{uuid}"
    applicant = str(uuid.uuid4())
    a = f"/v1/applicants/{applicant}"
    c.call(A, "GET", a, 401)
    c.call(A, "GET", a, 404, token=token)
    c.call(A, "PUT", a, 201, person(), token=token)
    c.call(A, "PUT", a, 200, person(), token=token)
    c.call(A, "GET", a, 200, token=token)
    c.call(A, "PUT", a, 428, person(name="Renamed"), token=token)
    c.call(A, "PUT", a, 412, person(name="Renamed"), {"If-Match": '"9"'}, token=token)
    c.call(A, "PUT", a, 400, "[]", token=token)
    c.call(A, "PUT", a, 422, person(id_number="110105194912310021"), token=token)
    c.call(A, "PUT", a, 413, b" " * (2 * 1024 * 1024), token=token)
    c.call(A, "PUT", a, 401, person())
    other = f"/v1/applicants/{uuid.uuid4()}"
    c.call(A, "PUT", other, 201, person(), token=reception)

    C = "/v1/cases/{uuid}"
    kase = str(uuid.uuid4())
    k = f"/v1/cases/{kase}"
    body = {"number": "YC-OPENAPI-1", "service": "company_business_license",
            "applicant": applicant, "state": "received", "checklist": []}
    c.call(C, "GET", k, 404, token=token)
    c.call(C, "GET", k, 401)
    c.call(C, "PUT", k, 403, body, token=reception)
    c.call(C, "PUT", k, 401, body)
    c.call(C, "PUT", k, 422, dict(body, service="no_such_service"), token=token)
    c.call(C, "PUT", k, 201, body, token=token)
    c.call(C, "PUT", k, 200, body, token=token)
    c.call(C, "GET", k, 200, token=token)
    c.call(C, "PUT", f"/v1/cases/{uuid.uuid4()}", 409, body, token=token)
    c.call(C, "PUT", k, 428, dict(body, counter="C09"), token=token)
    c.call(C, "PUT", k, 412, dict(body, counter="C09"), {"If-Match": '"7"'}, token=token)
    c.call(C, "PUT", k, 400, "{", token=token)
    c.call(C, "PUT", k, 413, b" " * (2 * 1024 * 1024), token=token)

    E = "/v1/cases/{uuid}/events"
    e = f"/v1/cases/{kase}/events"
    event = {"uuid": str(uuid.uuid4()), "kind": "note", "note": "Lease shown"}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    c.call(E, "POST", e, 401, event)
    c.call(E, "POST", e, 403, event, token=reception)
    c.call(E, "POST", e, 201, event, key, token=token)
    c.call(E, "POST", e, 201, event, key, token=token)  # replayed: the stored answer
    c.call(E, "POST", e, 422, dict(event, note="other"), key, token=token)
    c.call(E, "POST", e, 200, event, token=token)
    c.call(E, "POST", f"/v1/cases/{uuid.uuid4()}/events", 404, event, token=token)
    c.call(E, "POST", e, 400, "nope", token=token)
    c.call(E, "POST", e, 413, b" " * (2 * 1024 * 1024), token=token)
    second = f"/v1/cases/{uuid.uuid4()}"
    c.call(C, "PUT", second, 201, dict(body, number="YC-OPENAPI-2"), token=token)
    c.call(E, "POST", second + "/events", 409, event, token=token)

    BA = "/v1/batch"
    ba_applicant = str(uuid.uuid4())
    ba_case = str(uuid.uuid4())
    batch = {"operations": [
        {"key": str(uuid.uuid4()), "method": "PUT", "path": f"/v1/applicants/{ba_applicant}",
         "body": person(name="Batch Person")},
        {"key": str(uuid.uuid4()), "method": "PUT", "path": f"/v1/cases/{ba_case}",
         "body": dict(body, number="YC-OPENAPI-B1", applicant=ba_applicant)},
        {"key": str(uuid.uuid4()), "method": "PUT", "path": f"/v1/cases/{uuid.uuid4()}",
         "body": dict(body, number="YC-OPENAPI-B2", service="no_such_service")},
    ]}
    _, data = c.call(BA, "POST", BA, 200, batch, token=token)
    statuses = [r["status"] for r in json.loads(data)["results"]]
    if statuses != [201, 201, 422]:
        c.failures.append(f"POST {BA}: results {statuses}, expected [201, 201, 422]")
    c.call(BA, "POST", BA, 401, batch)
    c.call(BA, "POST", BA, 400, {"operations": []}, token=token)
    c.call(BA, "POST", BA, 413, b" " * (9 * 1024 * 1024), token=token)

    CH = "/v1/changes"
    c.call(CH, "GET", CH, 401)
    c.call(CH, "GET", CH + "?limit=2", 200, token=token)
    c.call(CH, "GET", CH + "?since=x", 400, token=token)

    c.call("/v1/catalog", "GET", "/v1/catalog", 200, token=token)
    c.call("/v1/catalog", "GET", "/v1/catalog", 401)

    B = "/v1/blobs/{sha256}"
    blob = os.urandom(70000)
    sha = hashlib.sha256(blob).hexdigest()
    b = f"/v1/blobs/{sha}"
    length = {"Upload-Length": str(len(blob))}
    c.call(B, "HEAD", b, 401)
    c.call(B, "HEAD", b, 404, token=token)
    c.call(B, "GET", b, 404, token=token)
    c.call(B, "GET", b, 401)
    c.call(B, "PATCH", b, 204, blob[:1000], dict(length, **{"Upload-Offset": "0"}), token=token)
    c.call(B, "HEAD", b, 204, token=token)
    c.call(B, "PATCH", b, 409, blob[:10], dict(length, **{"Upload-Offset": "7"}), token=token)
    c.call(B, "PATCH", b, 400, blob[:10], {"Upload-Offset": "1000"}, token=token)
    c.call(B, "PATCH", b, 413, blob[:10],
           {"Upload-Offset": "1000", "Upload-Length": str(60 * 1024 * 1024)}, token=token)
    c.call(B, "PATCH", b, 401, blob[1000:], dict(length, **{"Upload-Offset": "1000"}))
    c.call(B, "PATCH", b, 201, blob[1000:], dict(length, **{"Upload-Offset": "1000"}), token=token)
    c.call(B, "HEAD", b, 200, token=token)
    c.call(B, "GET", b, 200, token=token)
    other_blob = os.urandom(5000)
    o = "/v1/blobs/" + hashlib.sha256(other_blob).hexdigest()
    c.call(B, "PUT", o, 401, other_blob)
    c.call(B, "PUT", o, 201, other_blob, token=token)
    c.call(B, "PUT", "/v1/blobs/" + "0" * 64, 422, other_blob, token=token)
    c.call(B, "PATCH", "/v1/blobs/" + "1" * 64, 422, other_blob,
           {"Upload-Offset": "0", "Upload-Length": str(len(other_blob))}, token=token)
    c.call(B, "PUT", "/v1/blobs/" + "2" * 64, 413, None,
           {"Content-Length": str(60 * 1024 * 1024)}, token=token)

    # Signing out ends the session: its token is refused from then on.
    c.call(S, "DELETE", S, 401)
    c.call(S, "DELETE", S, 204, token=reception)
    c.call(S, "DELETE", S, 401, token=reception)
    c.call(A, "GET", a, 401, token=reception)


if __name__ == "__main__":
    sys.exit(main())
