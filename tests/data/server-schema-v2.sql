-- SPDX-License-Identifier: GPL-3.0-or-later
-- A server database as service-hall-server wrote it at schema version 2
-- (before an identity document belonged to one applicant): two applicants
-- share a resident ID number, each with a case of its own.
CREATE TABLE applicants (uuid TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE cases (uuid TEXT PRIMARY KEY, version INTEGER NOT NULL, number TEXT UNIQUE,
                    data TEXT NOT NULL);
CREATE TABLE events (uuid TEXT PRIMARY KEY, case_uuid TEXT NOT NULL,
                     case_version INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX events_case ON events (case_uuid);
CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL,
                      uuid TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE idempotency (key TEXT PRIMARY KEY, request_hash TEXT NOT NULL,
                          status INTEGER NOT NULL, etag INTEGER, body TEXT NOT NULL,
                          created_at INTEGER NOT NULL);
CREATE TABLE officials (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL,
                        roles TEXT NOT NULL);
ALTER TABLE officials ADD COLUMN signed_out_at INTEGER NOT NULL DEFAULT 0;
INSERT INTO applicants VALUES ('6f1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f', 1,
  '{"uuid":"6f1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f","kind":"person","name":"张伟明","id_type":"resident_id","id_number":"11010519491231002X","phone":"13800000007","version":1}');
INSERT INTO applicants VALUES ('7a2d1c8f-9d66-4e9b-8e8f-2e3c4d5e6f70', 1,
  '{"uuid":"7a2d1c8f-9d66-4e9b-8e8f-2e3c4d5e6f70","kind":"person","name":"张伟明","id_type":"resident_id","id_number":"11010519491231002X","phone":"13900000008","version":1}');
INSERT INTO cases VALUES ('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 1, 'YC-2026-C01-000041',
  '{"uuid":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","number":"YC-2026-C01-000041","service":"company_business_license","applicant":"6f1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f","state":"received","checklist":[],"version":1}');
INSERT INTO cases VALUES ('1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e', 1, 'YC-2026-C02-000007',
  '{"uuid":"1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e","number":"YC-2026-C02-000007","service":"company_business_license","applicant":"7a2d1c8f-9d66-4e9b-8e8f-2e3c4d5e6f70","state":"received","checklist":[],"version":1}');
INSERT INTO changes (entity, uuid, version, data)
  SELECT 'applicant', uuid, version, data FROM applicants;
INSERT INTO changes (entity, uuid, version, data)
  SELECT 'case', uuid, version, data FROM cases;
PRAGMA user_version = 2;
