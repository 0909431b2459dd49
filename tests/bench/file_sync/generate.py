#!/usr/bin/python3
"""Scales the demo's Northwind exports to N people for tests/bench/file_sync.sh (issue 16).

The demo organisation (examples/demo/data/northwind: people.csv, leave.csv, training.csv) is
copied as many times as N needs, copy k suffixing every id with "-k" (people, managers, leave
requests) and every e-mail with "+k" before the "@"; the last copy is cut at N people, and its
leave, course completions and manager references to people beyond N are left out. No
randomness: the same N gives the same bytes. Writes, into --out:
  people.csv, leave.csv, training.csv   the exports, in the demo's CSV format
  org.json                              Northwind's config reading them (programmes absolute,
                                        outbox under <out>/state, no keeping-in-touch export:
                                        the floor imports the same three files)
  host.json                             state_dir "state", today fixed

  generate.py --repo ROOT --out DIR --people N [--today YYYY-MM-DD]
"""
import argparse
import csv
import json
import os

parser = argparse.ArgumentParser()
parser.add_argument("--repo", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--people", type=int, required=True)
parser.add_argument("--today", default="2026-12-01")
args = parser.parse_args()
if args.people < 1:
    parser.error("--people must be at least 1")

demo = os.path.join(args.repo, "examples", "demo")
source = os.path.join(demo, "data", "northwind")
os.makedirs(args.out, exist_ok=True)


def read(name):
    with open(os.path.join(source, name), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


people_header, people = read("people.csv")
leave_header, leave = read("leave.csv")
training_header, training = read("training.csv")
# Columns by header name, so a reordered demo export still scales right.
p_id, p_email, p_manager = (
    people_header.index(c) for c in ("Employee ID", "Work Email", "Supervisor ID"))
l_id, l_person = (leave_header.index(c) for c in ("Request ID", "Employee ID"))
t_person = training_header.index("Employee ID")

copies = -(-args.people // len(people))
last_copy_ids = {row[p_id] for row in people[: args.people - (copies - 1) * len(people)]}


def present(person_id, k):
    """Whether person_id of copy k is among the N people written."""
    return k < copies - 1 or person_id in last_copy_ids


def suffixed(value, k):
    return f"{value}-{k}" if value else value


def write(name, header, rows_of_copy):
    with open(os.path.join(args.out, name), "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header)
        for k in range(copies):
            out.writerows(rows_of_copy(k))


def people_of(k):
    for row in people if k < copies - 1 else [r for r in people if r[p_id] in last_copy_ids]:
        row = list(row)
        row[p_email] = row[p_email].replace("@", f"+{k}@", 1)
        row[p_manager] = suffixed(row[p_manager], k) if present(row[p_manager], k) else ""
        row[p_id] = suffixed(row[p_id], k)
        yield row


def leave_of(k):
    for row in leave:
        if present(row[l_person], k):
            row = list(row)
            row[l_id] = suffixed(row[l_id], k)
            row[l_person] = suffixed(row[l_person], k)
            yield row


def training_of(k):
    for row in training:
        if present(row[t_person], k):
            row = list(row)
            row[t_person] = suffixed(row[t_person], k)
            yield row


write("people.csv", people_header, people_of)
write("leave.csv", leave_header, leave_of)
write("training.csv", training_header, training_of)

out = os.path.abspath(args.out)
with open(os.path.join(demo, "orgs", "northwind.json"), encoding="utf-8") as f:
    org = json.load(f)
org_dir = os.path.join(demo, "orgs")
org.pop("$schema", None)
settings = org["adapters"][0]["settings"]
exports = (("people", "people.csv"), ("leave", "leave.csv"), ("course_completions", "training.csv"))
for stream, name in exports:
    settings[stream]["path"] = os.path.join(out, name)
settings.pop("keeping_in_touch_days", None)
settings["outbox"]["path"] = os.path.join(out, "state", org["id"], "outbox.jsonl")
org["programmes"] = [os.path.normpath(os.path.join(org_dir, p)) for p in org["programmes"]]
with open(os.path.join(out, "org.json"), "w", encoding="utf-8") as f:
    json.dump(org, f, indent=2)
with open(os.path.join(out, "host.json"), "w", encoding="utf-8") as f:
    host = {"organisations": ["org.json"], "state_dir": "state", "today": args.today}
    json.dump(host, f, indent=2)
