#!/usr/bin/env python3
"""Data for tests/bench/serve_load.sh: many organisations served by one mentoring-host.

Writes into OUT (a temp folder the script owns):
  host.json                       the host config (every organisation; "today" pinned)
  orgs/<org>.json                 one organisation config each: the file adapter, all modules on,
                                  the return-to-work programme (programmes/return-to-work.json)
  data/<org>/people.csv           its HR export (CSV, DD/MM/YYYY), with managers
  data/<org>/leave.csv            its leave records
  data/<org>/training.csv         its LMS completions (the mentors' MENTOR-101)
  plan.json                       what the load generator needs per organisation: people to read
                                  (history), the mentees the first cycle invites (accept), the
                                  mentors who may volunteer (nominate, then pair), people on leave
                                  today with their leave (kit_day_record)

Who is who, per organisation of N people (fixed seed per organisation, standard library only):
  * a management tree: one head, about N/10 managers; everyone else reports to a manager;
  * about 1.5% expecting maternity, paternity, adoption or carer's leave starting 3 to 6 months
    from today (the programme invites them: the mentees), all without reports, so no mentee
    manages or is managed by a mentor;
  * about 3% back from such leave within the last five years, mentor-trained (MENTOR-101 valid),
    without reports (the mentors);
  * about 1% on maternity or adoption leave today (keeping-in-touch days are recorded against it);
  * noise, one record each for a fifth of the others: annual leave (not mapped), long-term
    sickness, secondments, a few requested or cancelled.

Usage: generate.py --out DIR [--orgs 200] [--people 2000] [--today YYYY-MM-DD]
                   [--listen 127.0.0.1:PORT --threads N]   (adds the host's "serve" section)
                   [--every-minutes M]                     (adds each organisation's "schedule")
"""

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMME = os.path.join(HERE, "..", "..", "..", "examples", "programmes", "return-to-work.json")

FIRST = ["Emily", "Oliver", "Sophie", "Hoa", "Amara", "Lukas", "Priya", "Tomasz", "Aisha", "Jonas",
         "Mei", "Daniel", "Fatima", "Kwame", "Ingrid", "Mateo", "Yuki", "Noor", "Ewan", "Zofia"]
LAST = ["Brown", "Cooper", "Walker", "Pham", "Okafor", "Schmidt", "Patel", "Nowak", "Khan",
        "Jensen", "Chen", "Murphy", "Haddad", "Mensah", "Larsen", "Garcia", "Sato", "Rahman",
        "Campbell", "Kowalska"]
DEPARTMENTS = ["Nursing", "Midwifery", "Finance", "Estates", "Pharmacy", "Radiology", "IT",
               "People", "Research", "Outpatients"]
LOCATIONS = ["Main Site", "Harbour Road", "St Aidan's", "Riverside", "North Clinic"]
ELIGIBLE = ["Maternity Leave", "Paternity Leave", "Adoption Leave", "Carer's Leave"]
ELIGIBLE_WEIGHTS = [70, 12, 6, 12]


def dmy(d):
    return d.strftime("%d/%m/%Y") if d else ""


def add_days(d, n):
    return d + dt.timedelta(days=n)


def org_config(org, every_minutes):
    fields_people = {"id": "Employee ID", "name": "Full Name", "email": "Work Email",
                     "manager_id": "Supervisor ID", "department": "Department",
                     "location": "Location", "start_date": "Hire Date", "languages": "Languages"}
    fields_leave = {"id": "Request ID", "person_id": "Employee ID", "type": "Leave Type",
                    "start": "Start Date", "expected_end": "End Date",
                    "actual_end": "Actual Return", "status": "Status",
                    "last_changed": "Last Changed"}
    config = {
        "id": org,
        "name": "Bench organisation " + org,
        "modules": {"enrolment": True, "training": True, "pairing": True, "supervision": True,
                    "return_to_work": True, "evaluation": True},
        "adapters": [{
            "name": "hr-export",
            "module": "file",
            "settings": {
                "people": {"path": "../data/%s/people.csv" % org, "format": "csv",
                           "date_format": "DD/MM/YYYY", "fields": fields_people,
                           "list_separator": ";"},
                "leave": {"path": "../data/%s/leave.csv" % org, "format": "csv",
                          "date_format": "DD/MM/YYYY", "fields": fields_leave,
                          "leave_types": {"Maternity Leave": "maternity",
                                          "Paternity Leave": "paternity",
                                          "Adoption Leave": "adoption",
                                          "Carer's Leave": "carers",
                                          "Long-term Sickness": "long_term_sickness",
                                          "Secondment": "secondment",
                                          "Annual Leave": None},
                          "statuses": {"Approved": "approved", "Requested": "requested",
                                       "Cancelled": "cancelled"}},
                "course_completions": {"path": "../data/%s/training.csv" % org, "format": "csv",
                                       "date_format": "YYYY-MM-DD",
                                       "fields": {"person_id": "Employee ID",
                                                  "course_id": "Course Code",
                                                  "completed_at": "Completed",
                                                  "expires_at": "Expires"}},
                "outbox": {"path": "../state/%s/outbox.jsonl" % org},
            },
        }],
        "programmes": ["../programmes/return-to-work.json"],
        "policy": {"evaluation_min_group_size": 5, "timezone": "Europe/London",
                   "programme_manager_email": "mentoring@%s.example" % org},
    }
    if every_minutes:
        config["schedule"] = {"every_minutes": every_minutes}
    return config


def generate_org(out, org, index, people_count, today, every_minutes):
    rng = random.Random(1000 + index)
    prefix = "%s-" % org.upper()
    ids = ["%sE%05d" % (prefix, i + 1) for i in range(people_count)]
    managers_count = max(1, people_count // 10)
    manager_of = [None]
    for i in range(1, people_count):
        # Managers report to earlier managers (a tree), everyone else to a manager.
        manager_of.append(rng.randrange(0, min(i, managers_count)))
    has_reports = set(m for m in manager_of if m is not None)
    workers = [i for i in range(people_count) if i not in has_reports]
    rng.shuffle(workers)
    share = lambda percent: max(1, people_count * percent // 1000)  # per mille
    mentees = workers[:share(15)]
    mentors = workers[share(15):share(15) + share(30)]
    on_leave = workers[share(15) + share(30):share(15) + share(30) + share(10)]

    people_rows = []
    for i, pid in enumerate(ids):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        hired = add_days(today, -rng.randint(400, 9000))
        people_rows.append('%s,%s %s,%s.%s.%d@%s.example,%s,%s,%s,%s,English' % (
            pid, first, last, first.lower(), last.lower(), i, org,
            ids[manager_of[i]] if manager_of[i] is not None else "", rng.choice(DEPARTMENTS),
            rng.choice(LOCATIONS), dmy(hired)))

    leave_rows = []
    leave_count = [0]

    def leave(person, kind, start, end, actual=None, status="Approved"):
        leave_count[0] += 1
        lid = "%sLR%06d" % (prefix, leave_count[0])
        changed = min(add_days(start, -rng.randint(10, 60)), today)
        leave_rows.append('%s,%s,%s,%s,%s,%s,%s,%sT09:%02d:00Z' % (
            lid, ids[person], kind, dmy(start), dmy(end), dmy(actual), status,
            changed.isoformat(), rng.randint(0, 59)))
        return lid

    plan_kit = []
    for p in mentees:  # invited by the first cycle: leave of 3+ months starting in 3 to 6 months
        start = add_days(today, rng.randint(100, 170))
        leave(p, rng.choices(ELIGIBLE, ELIGIBLE_WEIGHTS)[0], start, add_days(start, rng.randint(120, 360)))
    training_rows = []
    for p in mentors:  # back from such leave within five years, trained
        start = add_days(today, -rng.randint(400, 1600))
        end = add_days(start, rng.randint(120, 330))
        leave(p, rng.choices(ELIGIBLE, ELIGIBLE_WEIGHTS)[0], start, end, actual=end)
        done = add_days(today, -rng.randint(10, 700))
        training_rows.append("%s,MENTOR-101,Mentor training,%s,%s" % (
            ids[p], done.isoformat(), (done + dt.timedelta(days=3 * 365)).isoformat()))
    for p in on_leave:  # on leave today
        start = add_days(today, -rng.randint(30, 150))
        end = add_days(start, rng.randint(200, 360))
        # Keeping-in-touch days exist for maternity and adoption leave (the programme allows none
        # for the other types: kit_day_record refuses them).
        lid = leave(p, rng.choices(["Maternity Leave", "Adoption Leave"], [90, 10])[0], start, end)
        plan_kit.append({"person_id": ids[p], "leave_id": lid, "from": start.isoformat(),
                         "until": min(add_days(today, -1), end).isoformat()})
    planned = set(mentees) | set(mentors) | set(on_leave)
    others = [i for i in range(people_count) if i not in planned]
    for p in rng.sample(others, min(len(others), people_count // 5)):  # noise, one each
        start = add_days(today, rng.randint(-700, 300))
        kind = rng.choices(["Annual Leave", "Long-term Sickness", "Secondment"], [85, 10, 5])[0]
        length = rng.randint(1, 14) if kind == "Annual Leave" else rng.randint(30, 200)
        status = rng.choices(["Approved", "Requested", "Cancelled"], [90, 6, 4])[0]
        leave(p, kind, start, add_days(start, length), status=status)

    folder = os.path.join(out, "data", org)
    os.makedirs(folder)
    with open(os.path.join(folder, "people.csv"), "w", encoding="utf-8") as f:
        f.write("Employee ID,Full Name,Work Email,Supervisor ID,Department,Location,Hire Date,Languages\n")
        f.write("\n".join(people_rows) + "\n")
    with open(os.path.join(folder, "leave.csv"), "w", encoding="utf-8") as f:
        f.write("Request ID,Employee ID,Leave Type,Start Date,End Date,Actual Return,Status,Last Changed\n")
        f.write("\n".join(leave_rows) + "\n")
    with open(os.path.join(folder, "training.csv"), "w", encoding="utf-8") as f:
        f.write("Employee ID,Course Code,Course Title,Completed,Expires\n")
        f.write("\n".join(training_rows) + "\n")
    with open(os.path.join(out, "orgs", org + ".json"), "w", encoding="utf-8") as f:
        json.dump(org_config(org, every_minutes), f, indent=1)
    sample = rng.sample(range(people_count), min(people_count, 200))
    return {"id": org,
            "people": [ids[i] for i in sample],
            "mentees": [ids[i] for i in mentees],
            "mentors": [ids[i] for i in mentors],
            "on_leave": plan_kit,
            "leave_records": len(leave_rows)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--orgs", type=int, default=200)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--today", default=dt.datetime.now(dt.timezone.utc).date().isoformat())
    parser.add_argument("--listen", help="host:port for the host config's serve section")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--open-organisations", type=int, default=None,
                        help="serve.open_organisations (organisations kept open); default: serve's")
    parser.add_argument("--every-minutes", type=int, default=0,
                        help="each organisation's scheduled cycle (serve's schedule); 0: none set")
    args = parser.parse_args()
    if args.orgs < 1 or args.people < 20:
        sys.exit("generate.py: --orgs must be >= 1 and --people >= 20")
    today = dt.date.fromisoformat(args.today)
    os.makedirs(os.path.join(args.out, "orgs"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "programmes"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "state"), exist_ok=True)
    shutil.copy(PROGRAMME, os.path.join(args.out, "programmes", "return-to-work.json"))
    names = ["org%03d" % (i + 1) for i in range(args.orgs)]
    plan = {"today": today.isoformat(), "people_per_org": args.people,
            "orgs": [generate_org(args.out, org, i, args.people, today, args.every_minutes) for i, org in enumerate(names)]}
    host = {"organisations": ["orgs/%s.json" % org for org in names], "state_dir": "state",
            "today": today.isoformat(), "log_level": "warn"}
    if args.listen:
        host["serve"] = {"listen": args.listen, "threads": args.threads}
        if args.open_organisations is not None:
            host["serve"]["open_organisations"] = args.open_organisations
    with open(os.path.join(args.out, "host.json"), "w", encoding="utf-8") as f:
        json.dump(host, f, indent=1)
    with open(os.path.join(args.out, "plan.json"), "w", encoding="utf-8") as f:
        json.dump(plan, f)
    totals = [sum(len(o[k]) for o in plan["orgs"]) for k in ("mentees", "mentors", "on_leave")]
    print("generated orgs=%d people=%d leave=%d mentees=%d mentors=%d on_leave=%d today=%s" % (
        args.orgs, args.orgs * args.people, sum(o["leave_records"] for o in plan["orgs"]),
        totals[0], totals[1], totals[2], today.isoformat()))


if __name__ == "__main__":
    main()
