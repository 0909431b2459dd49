#!/usr/bin/env python3
"""Deterministic generator of the demo organisations' HR/LMS exports.

Writes, relative to this file:
  data/northwind/people.csv    Northwind Health Trust people (CSV, DD/MM/YYYY)
  data/northwind/leave.csv     its leave records (CSV, DD/MM/YYYY)
  data/northwind/training.csv  its LMS course completions (CSV, YYYY-MM-DD)
  data/northwind/kit_days.csv  keeping-in-touch days HR recorded (CSV, DD/MM/YYYY)
  data/riverside/people.json   Riverside Consulting people ({"employees": [...]})
  data/riverside/leave.json    its leave requests (JSON array)

and prints a summary of what the demo should do: who the leave-linked
programmes should invite as of the pinned date in host.json (2026-12-01).

All names, e-mail addresses and figures are fictional. Standard library only;
the same output, byte for byte, on every run (fixed seeds, no clock, no hash
ordering).  Usage:  python3 examples/demo/generate.py [--check]
  --check  regenerate in memory and fail if the committed files differ.
"""

import csv
import datetime as dt
import io
import json
import os
import random
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
TODAY = dt.date(2026, 12, 1)          # keep in step with "today" in host.json
D = dt.date


# ----------------------------------------------------------------------------
# helpers

def add_months(d, months):
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    last = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28,
            31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return D(y, m, min(d.day, last))


def rand_date(rng, lo, hi):
    """A date in [lo, hi]."""
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def days(n):
    return dt.timedelta(days=n)


def stamp(rng, d):
    """An ISO date-time on day d during office hours, UTC."""
    return "%sT%02d:%02d:00Z" % (d.isoformat(), rng.randint(7, 17), rng.choice(range(0, 60, 1)))


def ascii_slug(s):
    table = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D",
             "ı": "i", "æ": "ae", "œ": "oe"}
    s = "".join(table.get(c, c) for c in s)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return "".join(c for c in s.lower() if c.isalnum())


def dmy(d):
    return d.strftime("%d/%m/%Y") if d else ""


def ymd(d):
    return d.isoformat() if d else None


# ----------------------------------------------------------------------------
# name pools: origin -> (female first names, male first names, surnames, languages)

NW_ORIGINS = [
    # weight, female, male, surnames, extra languages (beside English)
    (30, ["Amelia", "Hannah", "Emily", "Isla", "Grace", "Freya", "Ruth", "Charlotte", "Sophie", "Lucy", "Zoë", "Harriet"],
         ["Oliver", "Jack", "George", "Harry", "Noah", "Leo", "Daniel", "Thomas", "James", "William", "Edward", "Samuel"],
         ["Smith", "Taylor", "Brown", "Wright", "Green", "Hall", "Wood", "Clarke", "Ward", "Bennett", "Walker", "Turner", "Hughes", "Cooper"],
         []),
    (12, ["Carys", "Ffion", "Cerys", "Megan", "Angharad", "Seren"],
         ["Rhys", "Dafydd", "Gareth", "Owain", "Iwan", "Aled"],
         ["Jones", "Williams", "Davies", "Evans", "Griffiths", "Morgan", "Lewis", "Roberts", "Thomas", "Pritchard"],
         [("Welsh", 0.6)]),
    (7, ["Siobhán", "Niamh", "Aoife", "Eilidh", "Morag", "Róisín"],
        ["Ciarán", "Callum", "Ewan", "Seán", "Pádraig", "Fergus"],
        ["O'Brien", "O'Connor", "Murphy", "Kelly", "Walsh", "MacLeod", "Campbell", "Stewart"],
        [("Irish", 0.2), ("Scottish Gaelic", 0.15)]),
    (8, ["Agnieszka", "Katarzyna", "Joanna", "Marta", "Ola", "Zofia"],
        ["Łukasz", "Tomasz", "Paweł", "Piotr", "Krzysztof", "Marek"],
        ["Nowak", "Kowalski", "Wójcik", "Lewandowski", "Zieliński", "Kamiński", "Dąbrowski"],
        [("Polish", 0.9)]),
    (9, ["Priya", "Ananya", "Sunita", "Harpreet", "Gurpreet", "Deepa", "Kavita"],
        ["Rohan", "Sanjay", "Deepak", "Arjun", "Vikram", "Rajesh"],
        ["Patel", "Sharma", "Gupta", "Singh", "Kaur", "Mehta", "Iyer"],
        [("Hindi", 0.5), ("Punjabi", 0.3), ("Gujarati", 0.25)]),
    (9, ["Aisha", "Fatima", "Ayesha", "Zainab", "Nadia", "Layla", "Saima"],
        ["Mohammed", "Imran", "Bilal", "Hamza", "Omar", "Tariq"],
        ["Khan", "Ahmed", "Hussain", "Begum", "Ali", "Shah", "Chowdhury", "Rahman"],
        [("Urdu", 0.5), ("Bengali", 0.25), ("Arabic", 0.15)]),
    (7, ["Ngozi", "Folasade", "Ama", "Abena", "Chiamaka", "Adwoa"],
        ["Chidi", "Tunde", "Kwame", "Kofi", "Emeka", "Yaw"],
        ["Okafor", "Adeyemi", "Mensah", "Boateng", "Owusu", "Okonkwo", "Asante"],
        [("Yoruba", 0.25), ("Igbo", 0.2), ("Twi", 0.2)]),
    (5, ["Lucía", "Sofía", "Inés", "Beatriz", "Carmen"],
        ["Mateo", "Javier", "Rui", "Alejandro", "Diego"],
        ["García", "Martínez", "Fernández", "López", "Silva", "Costa"],
        [("Spanish", 0.8), ("Portuguese", 0.2)]),
    (3, ["Linh", "Thu", "Hoa"], ["Minh", "Tuấn", "Dũng"], ["Nguyễn", "Trần", "Lê", "Phạm"],
        [("Vietnamese", 0.6)]),
    (3, ["Mei", "Xiu", "Ying"], ["Wei", "Jun", "Hao"], ["Chen", "Wang", "Zhang", "Li"],
        [("Mandarin", 0.5), ("Cantonese", 0.3)]),
    (2, ["Elif", "Zeynep"], ["Emre", "Yusuf"], ["Çelik", "Yılmaz", "Demir"], [("Turkish", 0.6)]),
    (1, ["Eleni"], ["Giorgos", "Dimitri"], ["Papadopoulos", "Georgiou"], [("Greek", 0.6)]),
    (1, ["Astrid", "Ingrid"], ["Lars"], ["Sørensen", "Andersen"], [("Danish", 0.4), ("Norwegian", 0.2)]),
]

RC_ORIGINS = [
    (40, ["Sanne", "Anouk", "Lotte", "Femke", "Eva", "Iris", "Marloes", "Esther", "Maaike", "Noor"],
         ["Daan", "Bram", "Thijs", "Joost", "Ruben", "Sander", "Pieter", "Maarten", "Jeroen", "Koen"],
         ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "van Dijk", "Dekker", "Vermeulen"],
         [("English", 0.95), ("German", 0.3), ("French", 0.1)]),
    (12, ["Anna", "Julia", "Lena", "Katrin", "Birgit"],
         ["Jürgen", "Lukas", "Felix", "Matthias", "Stefan"],
         ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker"],
         [("German", 1.0), ("English", 0.9)]),
    (10, ["Elif", "Ayşe", "Zeynep", "Merve"],
         ["Emre", "Mehmet", "Burak", "Can"],
         ["Çelik", "Yılmaz", "Kaya", "Öztürk", "Şahin"],
         [("Turkish", 0.8), ("English", 0.8)]),
    (10, ["Fatima", "Nora", "Samira", "Yasmina"],
         ["Youssef", "Mohamed", "Bilal", "Karim"],
         ["El Amrani", "Bouzid", "Benali", "El Idrissi", "Haddou"],
         [("Arabic", 0.7), ("English", 0.8), ("French", 0.2)]),
    (6, ["Shanti", "Rowena", "Gisela"],
        ["Ravi", "Dennis", "Marlon"],
        ["Ramdin", "Doekhie", "Sewdien", "Kromodikromo"],
        [("English", 0.9), ("Sranan Tongo", 0.3)]),
    (8, ["Mette", "Zoë", "Sophie", "Kasia"],
        ["Lars", "Łukasz", "Tom", "Oliver"],
        ["Sørensen", "Nowak", "Clarke", "Nguyễn", "Jensen"],
        [("English", 1.0), ("Danish", 0.3), ("Polish", 0.3)]),
]


def make_namer(rng, origins, base_languages):
    weights = [o[0] for o in origins]
    used = {}

    def new_person():
        while True:
            o = rng.choices(origins, weights=weights)[0]
            sex = rng.choice("FM")
            first = rng.choice(o[1] if sex == "F" else o[2])
            # a few mixed names
            last = rng.choice(o[3] if rng.random() < 0.85 else rng.choices(origins, weights=weights)[0][3])
            name = "%s %s" % (first, last)
            if name not in used:
                used[name] = 1
                break
        langs = list(base_languages)
        for lang, p in o[4]:
            if rng.random() < p and lang not in langs:
                langs.append(lang)
        return name, sex, langs

    new_person.used = used
    return new_person


def email_for(name, domain, taken):
    parts = name.replace(", Jr.", "").split(" ", 1)
    local = ascii_slug(parts[0]) + "." + ascii_slug(parts[1])
    e, n = local, 2
    while e in taken:
        e = "%s%d" % (local, n)
        n += 1
    taken[e] = 1
    return "%s@%s" % (e, domain)


# ----------------------------------------------------------------------------
# organisation structure

def build_org(rng, spec):
    """spec: dict with ceo, directorates [(director title dept, [(dept, weight)])],
    locations, size, id_fmt, domain, namer, leavers, fixed names."""
    namer = spec["namer"]
    people = []
    taken = {}
    counter = [spec["first_id"]]
    fixed = list(spec["fixed_names"])  # (name, sex, langs) forced in among staff
    for name, _, _ in fixed:
        namer.used[name] = 1

    def add(role, dept, loc, manager, hire_lo, hire_hi, person=None):
        name, sex, langs = person if person else namer()
        pid = spec["id_fmt"] % counter[0]
        counter[0] += rng.randint(1, 3)
        p = {"id": pid, "name": name, "sex": sex, "languages": langs,
             "email": email_for(name, spec["domain"], taken), "manager": manager,
             "department": dept, "location": loc, "role": role,
             "start": rand_date(rng, hire_lo, hire_hi), "end": None}
        if person:
            p["fixed"] = True
        people.append(p)
        return p

    ceo = add("ceo", spec["exec_dept"], spec["hq"], None, D(2004, 1, 1), D(2016, 12, 31))
    total_weight = sum(w for _, depts in spec["directorates"] for _, w in depts)
    staff_budget = spec["size"] - 1 - len(spec["directorates"])
    for dept_of_director, depts in spec["directorates"]:
        director = add("director", dept_of_director, spec["hq"], ceo["id"], D(2000, 1, 1), D(2019, 12, 31))
        for dept, w in depts:
            n = max(4, round(staff_budget * w / total_weight))
            n_mgr = max(1, round(n / 8))
            locs = spec["dept_locations"].get(dept, spec["locations"])
            managers = []
            for _ in range(n_mgr):
                managers.append(add("manager", dept, rng.choice(locs), director["id"],
                                    D(1998, 1, 1), D(2021, 12, 31)))
            for _ in range(n - n_mgr):
                m = rng.choice(managers)
                person = None
                if fixed and rng.random() < 0.08:
                    person = fixed.pop(0)
                loc = m["location"] if rng.random() < 0.8 else rng.choice(locs)
                add("staff", dept, loc, m["id"], D(1996, 1, 1), D(2026, 9, 30), person)
    # whatever fixed names were not placed go to the last department
    while fixed:
        m = [p for p in people if p["role"] == "manager"][-1]
        add("staff", m["department"], m["location"], m["id"], D(2005, 1, 1), D(2024, 12, 31), fixed.pop(0))
    # trim / pad to the wanted size with staff
    while len(people) > spec["size"]:
        victims = [i for i, p in enumerate(people) if p["role"] == "staff"]
        victims = [i for i in victims if not people[i].get("fixed")]
        people.pop(victims[rng.randrange(len(victims))])
    managers = [p for p in people if p["role"] == "manager"]
    while len(people) < spec["size"]:
        m = rng.choice(managers)
        add("staff", m["department"], m["location"], m["id"], D(1996, 1, 1), D(2026, 9, 30))
    # leavers: staff only (nobody reports to them), left in the past
    staff = [p for p in people if p["role"] == "staff"]
    for p in rng.sample(staff, spec["leavers"]):
        p["end"] = rand_date(rng, max(p["start"] + days(400), D(2022, 1, 1)), TODAY - days(20))
        if p["end"] <= p["start"]:
            p["end"] = p["start"] + days(400)
    check_tree(people)
    return people


def check_tree(people):
    ids = [p["id"] for p in people]
    assert len(ids) == len(set(ids)), "duplicate ids"
    by_id = {p["id"]: p for p in people}
    tops = [p for p in people if p["manager"] is None]
    assert len(tops) == 1, "exactly one top"
    for p in people:
        seen = []
        q = p
        while q["manager"] is not None:
            assert q["manager"] in by_id, "dangling manager " + q["manager"]
            assert q["id"] not in seen, "cycle"
            seen.append(q["id"])
            q = by_id[q["manager"]]
        mgr = by_id.get(p["manager"])
        assert mgr is None or mgr["end"] is None, "manager has left"
    emails = [p["email"] for p in people]
    assert len(emails) == len(set(emails))


# ----------------------------------------------------------------------------
# leave

# per normalised type: (duration range in days) for past leave
PAST_DURATIONS = {
    "maternity": (182, 365), "paternity": (14, 14), "adoption": (182, 365),
    "shared_parental": (56, 182), "carers": (90, 240), "fostering": (60, 150),
    "secondment": (180, 365), "overseas_assignment": (365, 730),
    "long_term_sickness": (60, 200), "other": (20, 90),
}


def past_leave(rng, people, type_weights, n_people, exclude, durations=PAST_DURATIONS):
    """Leave that started 1-8 years before TODAY and is over (or nearly)."""
    rows = []
    active_or_not = [p for p in people if p["id"] not in exclude and p["role"] != "ceo"]
    chosen = rng.sample(active_or_not, n_people)
    types = list(type_weights)
    weights = [type_weights[t] for t in types]
    for p in chosen:
        for _ in range(1 if rng.random() < 0.8 else 2):
            t = rng.choices(types, weights=weights)[0]
            if t == "maternity" and p["sex"] == "M":
                t = "paternity"
            elif t == "paternity" and p["sex"] == "F":
                t = "maternity"
            lo_dur, hi_dur = durations[t]
            dur = rng.randint(lo_dur, hi_dur)
            lo = max(p["start"] + days(200), TODAY - days(8 * 365))
            hi = min(p["end"] or TODAY, TODAY - days(365)) - days(dur // 2)
            hi = min(hi, TODAY - days(dur + 20))
            if hi <= lo:
                continue
            start = rand_date(rng, lo, hi)
            expected_end = start + days(dur - 1)
            if p["end"] and expected_end > p["end"]:
                continue
            overlap = [r for r in rows if r["person"] == p["id"] and
                       not (expected_end < r["start"] - days(60) or start > r["expected_end"] + days(60))]
            if overlap:
                continue
            r = rng.random()
            if r < 0.55:
                actual = expected_end + days(rng.choice([-14, -7, 0, 0, 0, 3, 7, 21]))
                actual = max(actual, start + days(7))
                changed = actual + days(rng.randint(0, 3))
            else:
                actual = None
                changed = start - days(rng.randint(20, 120))
            status = "approved" if rng.random() < 0.94 else "cancelled"
            if status == "cancelled":
                actual = None
                changed = start - days(rng.randint(5, 40))
            rows.append({"person": p["id"], "type": t, "start": start, "expected_end": expected_end,
                         "actual_end": actual, "status": status,
                         "changed": stamp(rng, min(changed, TODAY - days(1)))})
    return rows


def annual_leave(rng, people, n, host_type):
    rows = []
    active = [p for p in people if p["end"] is None]
    for _ in range(n):
        p = rng.choice(active)
        start = rand_date(rng, max(p["start"], D(2025, 1, 1)), D(2027, 8, 31))
        dur = rng.choice([1, 2, 3, 5, 5, 7, 10, 14])
        status = "approved" if start < TODAY or rng.random() < 0.7 else "requested"
        rows.append({"person": p["id"], "type": host_type, "start": start,
                     "expected_end": start + days(dur - 1), "actual_end": None, "status": status,
                     "changed": stamp(rng, min(start - days(rng.randint(3, 60)), TODAY - days(1)))})
    return rows


def planned(rng, pool, plan):
    """plan: list of (count, type, status, (start_lo, start_hi), (dur_lo, dur_hi), case)."""
    rows = []
    for count, t, status, (s_lo, s_hi), (d_lo, d_hi), case in plan:
        for _ in range(count):
            sexes = {"maternity": "F", "paternity": "M"}
            cands = [p for p in pool if sexes.get(t, p["sex"]) == p["sex"]]
            p = rng.choice(cands)
            pool.remove(p)
            start = rand_date(rng, s_lo, s_hi)
            dur = rng.randint(d_lo, d_hi)
            changed = rand_date(rng, TODAY - days(45), TODAY - days(1))
            rows.append({"person": p["id"], "type": t, "start": start,
                         "expected_end": start + days(dur - 1), "actual_end": None,
                         "status": status, "changed": stamp(rng, changed), "case": case})
    return rows


def number_leave(rows, fmt):
    rows.sort(key=lambda r: (r["start"], r["person"], r["type"]))
    for i, r in enumerate(rows, 1):
        r["id"] = fmt % i
    return rows


def eligibility(people, leave, programme):
    """Who a leave-linked programme should invite on TODAY (as this generator means it):
    approved leave of a mentee leave type, starting between invite_until and
    invite_from months ahead (inclusive), lasting >= min_leave_days (expected_end
    inclusive), person still employed."""
    m = programme["mentee"]
    if not m.get("leave_types"):
        return []
    lo = add_months(TODAY, m.get("invite_until_months_before", 0))
    hi = add_months(TODAY, m.get("invite_from_months_before", 0))
    by_id = {p["id"]: p for p in people}
    out = []
    for r in leave:
        if r["type"] not in m["leave_types"] or r["status"] != "approved":
            continue
        if not (lo <= r["start"] <= hi):
            continue
        if (r["expected_end"] - r["start"]).days + 1 < m.get("min_leave_days", 0):
            continue
        if by_id[r["person"]]["end"] is not None:
            continue
        out.append(r)
    return out


def mentor_pool(people, leave, programme, completions=None):
    mt = programme.get("mentor", {})
    types = mt.get("leave_types") or []
    since = add_months(TODAY, -12 * int(mt.get("leave_within_years", 0)))
    by_id = {p["id"]: p for p in people}
    pool = []
    for p in people:
        if p["end"] is not None:
            continue
        ok = [r for r in leave if r["person"] == p["id"] and r["type"] in types
              and r["status"] == "approved"
              and since <= (r["actual_end"] or r["expected_end"]) <= TODAY]
        if ok:
            pool.append(p["id"])
    trained = []
    if completions is not None:
        courses = (programme.get("training") or {}).get("mentor_courses") or []
        for pid in pool:
            if any(c["person"] == pid and c["course"] in courses and c["completed"] <= TODAY and
                   (c["expires"] is None or c["expires"] >= TODAY) for c in completions):
                trained.append(pid)
    return pool, trained


# ----------------------------------------------------------------------------
# Northwind Health Trust

NW_LEAVE_NAMES = {
    "maternity": "Maternity Leave", "paternity": "Paternity Leave", "adoption": "Adoption Leave",
    "shared_parental": "Shared Parental Leave", "carers": "Carer's Leave", "fostering": "Fostering Leave",
    "secondment": "Secondment", "overseas_assignment": "Overseas Assignment",
    "long_term_sickness": "Long-term Sickness", "other": "Other", "annual": "Annual Leave",
}
NW_STATUS = {"approved": "Approved", "requested": "Requested", "cancelled": "Cancelled", "denied": "Denied"}

RC_LEAVE_NAMES = {
    "maternity": "Zwangerschapsverlof", "paternity": "Geboorteverlof", "adoption": "Adoptieverlof",
    "shared_parental": "Ouderschapsverlof", "carers": "Zorgverlof", "fostering": "Pleegzorgverlof",
    "secondment": "Detachering", "overseas_assignment": "International Assignment",
    "long_term_sickness": "Langdurig verzuim", "other": "Bijzonder verlof", "annual": "Vakantie",
}
RC_STATUS = {"approved": "APPROVED", "requested": "PENDING", "cancelled": "CANCELLED", "denied": "REJECTED"}


def northwind():
    rng = random.Random(20261201)
    namer = make_namer(rng, NW_ORIGINS, ["English"])
    spec = {
        "namer": namer, "first_id": 1001, "id_fmt": "E%04d", "domain": "northwind-health.example",
        "size": 320, "leavers": 9, "exec_dept": "Executive Office",
        "hq": "Northwind General Hospital, Main Site",
        "locations": ["Northwind General Hospital, Main Site", "St Aidan's Community Hospital",
                      "Harbour Road Health Centre", "Cardiff Bay Outpatients"],
        "dept_locations": {
            "Midwifery": ["Northwind General Hospital, Main Site", "St Aidan's Community Hospital", "Harbour Road Health Centre"],
            "Emergency Medicine": ["Northwind General Hospital, Main Site"],
            "Finance": ["Northwind General Hospital, Main Site"],
            "HR": ["Northwind General Hospital, Main Site"],
            "IT": ["Northwind General Hospital, Main Site", "Cardiff Bay Outpatients"],
        },
        "directorates": [
            ("Nursing and Midwifery", [("Midwifery", 30), ("Obstetrics and Gynaecology", 14), ("Paediatrics", 16), ("Adult Nursing", 30)]),
            ("Medical Directorate", [("Emergency Medicine", 26), ("Surgery", 20), ("Anaesthetics", 10)]),
            ("Clinical Support Services", [("Radiology", 16), ("Pharmacy", 14), ("Pathology", 10)]),
            ("Finance", [("Finance", 10), ("Procurement", 5)]),
            ("People and Organisational Development", [("HR", 10), ("Learning and Development", 5)]),
            ("Digital Services", [("IT", 14)]),
            ("Estates and Facilities", [("Estates", 12), ("Catering and Housekeeping", 8)]),
        ],
        "fixed_names": [
            ("Siobhán O'Brien", "F", ["English", "Irish"]),
            ("Robert Smith, Jr.", "M", ["English"]),
            ("Zoë Sørensen", "F", ["English", "Danish"]),
            ("Łukasz Wiśniewski", "M", ["English", "Polish"]),
            ("Elif Çelik", "F", ["English", "Turkish"]),
            ("Nguyễn Thị Lan", "F", ["Vietnamese", "English"]),
            ("Pádraig O'Connor", "M", ["English"]),
        ],
    }
    people = build_org(rng, spec)
    active_staff = [p for p in people if p["end"] is None and p["role"] in ("staff", "manager")
                    and p["start"] < D(2026, 6, 1)]

    prog = json.load(open(os.path.join(HERE, "..", "programmes", "return-to-work.json"), encoding="utf-8"))
    # planned leave: window is [2027-03-01, 2027-06-01]; eligible ones start strictly inside
    # it and last well over 90 days, so inclusive/exclusive readings agree.
    win = (D(2027, 3, 3), D(2027, 5, 29))
    plan = [
        # eligible
        (8, "maternity", "approved", win, (182, 365), "eligible"),
        (3, "paternity", "approved", win, (120, 182), "eligible"),
        (2, "adoption", "approved", win, (182, 365), "eligible"),
        (4, "carers", "approved", win, (100, 240), "eligible"),
        (2, "fostering", "approved", win, (120, 200), "eligible"),
        # too soon (< 3 months ahead)
        (2, "maternity", "approved", (D(2027, 1, 10), D(2027, 2, 20)), (270, 365), "starts too soon"),
        (1, "carers", "approved", (D(2027, 1, 10), D(2027, 2, 20)), (120, 180), "starts too soon"),
        # too late (> 6 months ahead)
        (2, "maternity", "approved", (D(2027, 6, 10), D(2027, 9, 30)), (270, 365), "starts too late"),
        (1, "adoption", "approved", (D(2027, 6, 10), D(2027, 9, 30)), (182, 270), "starts too late"),
        # too short (< 90 days)
        (2, "carers", "approved", win, (60, 84), "too short"),
        (1, "fostering", "approved", win, (60, 84), "too short"),
        (2, "paternity", "approved", win, (14, 14), "too short"),
        # not approved
        (3, "maternity", "requested", win, (270, 365), "not yet approved"),
        (1, "carers", "requested", win, (120, 180), "not yet approved"),
        (2, "maternity", "cancelled", win, (270, 365), "cancelled"),
        (1, "adoption", "cancelled", win, (182, 270), "cancelled"),
        (2, "carers", "denied", win, (120, 180), "denied"),
        # leave types programme A does not cover
        (1, "shared_parental", "approved", win, (120, 180), "type not in programme"),
        (1, "secondment", "approved", win, (180, 365), "type not in programme"),
        (1, "overseas_assignment", "approved", win, (365, 540), "type not in programme"),
    ]
    pool = list(active_staff)
    rng.shuffle(pool)
    plan_rows = planned(rng, pool, plan)
    # currently on leave (started before today): not invited, already away
    current = planned(rng, pool, [
        (3, "maternity", "approved", (D(2026, 5, 1), D(2026, 10, 31)), (270, 365), "already on leave"),
        (1, "carers", "approved", (D(2026, 8, 1), D(2026, 11, 15)), (120, 180), "already on leave"),
        (1, "long_term_sickness", "approved", (D(2026, 9, 1), D(2026, 11, 1)), (90, 150), "already on leave"),
    ])
    busy = {r["person"] for r in plan_rows + current}
    hist = past_leave(rng, people, {
        "maternity": 34, "paternity": 18, "adoption": 5, "shared_parental": 5, "carers": 14,
        "fostering": 4, "secondment": 6, "overseas_assignment": 3, "long_term_sickness": 8, "other": 3,
    }, 120, busy)
    annual = annual_leave(rng, people, 90, "annual")
    leave = number_leave(plan_rows + current + hist + annual, "NW-LR-%05d")

    # training
    completions = []
    leave_norm = [r for r in leave if r["type"] != "annual"]
    pool_ids, _ = mentor_pool(people, leave_norm, prog)
    by_id = {p["id"]: p for p in people}
    mentor_people = rng.sample(pool_ids, min(26, len(pool_ids)))
    others = [p["id"] for p in people if p["id"] not in pool_ids and p["end"] is None and p["role"] != "ceo"]
    mentor_people += rng.sample(others, 5)
    for i, pid in enumerate(mentor_people):
        kind = i % 6
        if kind == 0:      # expired
            done = rand_date(rng, D(2021, 1, 1), D(2023, 6, 30))
            exp = add_months(done, 36)
            if exp >= TODAY:
                exp = TODAY - days(rng.randint(10, 200))
        elif kind == 1:    # no expiry recorded
            done = rand_date(rng, D(2025, 1, 1), D(2026, 11, 20))
            exp = None
        else:
            done = rand_date(rng, D(2024, 1, 1), D(2026, 11, 20))
            exp = add_months(done, 36)
        done = max(done, by_id[pid]["start"] + days(30))
        completions.append({"person": pid, "course": "MENTOR-101", "completed": done, "expires": exp})
    # pairing induction done by a few past mentees
    for pid in rng.sample(pool_ids, 4):
        done = rand_date(rng, D(2022, 6, 1), D(2025, 6, 30))
        completions.append({"person": pid, "course": "RTW-PAIR-01", "completed": done, "expires": None})
    for p in people:
        if p["end"] is not None:
            continue
        if rng.random() < 0.7:
            done = rand_date(rng, max(p["start"], D(2025, 6, 1)), D(2026, 11, 28))
            completions.append({"person": p["id"], "course": "FIRE-SAFETY", "completed": done,
                                "expires": add_months(done, 12)})
        if rng.random() < 0.5:
            done = rand_date(rng, max(p["start"], D(2026, 1, 5)), D(2026, 11, 28))
            completions.append({"person": p["id"], "course": "GDPR-2026", "completed": done, "expires": None})
        if p["department"] in ("Midwifery", "Adult Nursing", "Estates", "Catering and Housekeeping", "Emergency Medicine") \
                and rng.random() < 0.6:
            done = rand_date(rng, max(p["start"], D(2024, 1, 1)), D(2026, 11, 28))
            completions.append({"person": p["id"], "course": "MANUAL-HANDLING", "completed": done,
                                "expires": add_months(done, 24)})
    completions.sort(key=lambda c: (c["completed"], c["person"], c["course"]))

    # write
    out = {}
    out["northwind/people.csv"] = to_csv(
        ["Employee ID", "Full Name", "Work Email", "Supervisor ID", "Department", "Location",
         "Hire Date", "Termination Date", "Languages", "Job Title"],
        [[p["id"], p["name"], p["email"], p["manager"] or "", p["department"], p["location"],
          dmy(p["start"]), dmy(p["end"]), ";".join(p["languages"]), nw_title(p)] for p in people])
    out["northwind/leave.csv"] = to_csv(
        ["Request ID", "Employee ID", "Leave Type", "Start Date", "End Date", "Actual Return",
         "Status", "Last Changed"],
        [[r["id"], r["person"], NW_LEAVE_NAMES[r["type"]], dmy(r["start"]), dmy(r["expected_end"]),
          dmy(r["actual_end"]), NW_STATUS[r["status"]], r["changed"]] for r in leave])
    out["northwind/kit_days.csv"] = to_csv(
        ["KIT ID", "Employee ID", "Date", "Request ID", "Notes"],
        [[k["id"], k["person"], dmy(k["date"]), k["leave"] or "", k["note"]] for k in kit_days(leave)])
    out["northwind/training.csv"] = to_csv(
        ["Employee ID", "Course Code", "Course Title", "Completed", "Expires"],
        [[c["person"], c["course"], COURSE_TITLES[c["course"]], c["completed"].isoformat(),
          c["expires"].isoformat() if c["expires"] else ""] for c in completions])
    return {"people": people, "leave": leave_norm, "all_leave": leave, "programme": prog,
            "plan": plan_rows + current, "completions": completions, "files": out}


def kit_days(leave):
    """Keeping-in-touch days HR recorded in the HR system: a few for each
    maternity, adoption or shared parental leave under way for two months or
    more, and one dated before its leave started (the plugin reports it
    refused, with its reason, rather than counting it)."""
    rows = []
    under_way = [r for r in leave if r["type"] in ("maternity", "adoption", "shared_parental")
                 and r["status"] == "approved" and r["start"] <= TODAY - days(60)
                 and (r["actual_end"] or r["expected_end"]) > TODAY]
    notes = ["Team planning day", "Training: updated clinical guidance", "Ward handover meeting"]
    for r in under_way:
        for i, offset in enumerate((42, 70, 98)):
            day = r["start"] + days(offset)
            if day < TODAY:
                rows.append({"person": r["person"], "date": day, "leave": r["id"] if i == 0 else None,
                             "note": notes[i]})
    if under_way:
        first = under_way[0]
        rows.append({"person": first["person"], "date": first["start"] - days(14), "leave": None,
                     "note": "Recorded against the wrong month"})
    rows.sort(key=lambda k: (k["date"], k["person"]))
    for i, k in enumerate(rows, 1):
        k["id"] = "NW-KIT-%03d" % i
    return rows


COURSE_TITLES = {
    "MENTOR-101": "Return-to-work mentor training (one day)",
    "RTW-PAIR-01": "Return-to-work mentoring: pairing induction",
    "FIRE-SAFETY": "Fire safety awareness",
    "GDPR-2026": "Data protection essentials 2026",
    "MANUAL-HANDLING": "Moving and handling of people and loads",
}

NW_TITLES = {
    "Midwifery": ["Midwife", "Senior Midwife", "Maternity Support Worker"],
    "Obstetrics and Gynaecology": ["Obstetrician", "Specialty Registrar", "Staff Nurse"],
    "Paediatrics": ["Paediatric Nurse", "Paediatrician", "Play Specialist"],
    "Adult Nursing": ["Staff Nurse", "Healthcare Assistant", "Senior Staff Nurse"],
    "Emergency Medicine": ["Emergency Nurse", "Emergency Physician", "Paramedic Practitioner"],
    "Surgery": ["Surgeon", "Theatre Nurse", "Operating Department Practitioner"],
    "Anaesthetics": ["Anaesthetist", "Anaesthetic Practitioner"],
    "Radiology": ["Radiographer", "Sonographer", "Radiologist"],
    "Pharmacy": ["Pharmacist", "Pharmacy Technician"],
    "Pathology": ["Biomedical Scientist", "Laboratory Assistant"],
    "Finance": ["Finance Officer", "Management Accountant"],
    "Procurement": ["Procurement Officer", "Buyer"],
    "HR": ["HR Advisor", "HR Business Partner", "Recruitment Officer"],
    "Learning and Development": ["Learning Facilitator", "Education Coordinator"],
    "IT": ["Service Desk Analyst", "Software Developer", "Network Engineer"],
    "Estates": ["Maintenance Technician", "Estates Officer", "Electrician"],
    "Catering and Housekeeping": ["Housekeeper", "Catering Assistant", "Chef"],
}


def nw_title(p):
    if p["role"] == "ceo":
        return "Chief Executive"
    if p["role"] == "director":
        return "Director of " + p["department"]
    titles = NW_TITLES[p["department"]]
    if p["role"] == "manager":
        return p["department"] + " Manager"
    return titles[int(p["id"][1:]) % len(titles)]


# ----------------------------------------------------------------------------
# Riverside Consulting

def riverside():
    rng = random.Random(7031)
    namer = make_namer(rng, RC_ORIGINS, ["Dutch"])
    spec = {
        "namer": namer, "first_id": 200101, "id_fmt": "%06d", "domain": "riverside-consulting.example",
        "size": 160, "leavers": 6, "exec_dept": "Board", "hq": "Amsterdam Zuidas",
        "locations": ["Amsterdam Zuidas", "Rotterdam", "Utrecht", "Eindhoven", "Düsseldorf"],
        "dept_locations": {
            "Finance & Administration": ["Amsterdam Zuidas"],
            "People & Culture": ["Amsterdam Zuidas", "Utrecht"],
        },
        "directorates": [
            ("Strategy & Transformation", [("Strategy & Transformation", 30)]),
            ("Technology Consulting", [("Technology Consulting", 34)]),
            ("Finance & Risk Advisory", [("Finance & Risk Advisory", 24)]),
            ("Operations Consulting", [("Operations Consulting", 18)]),
            ("Business Services", [("People & Culture", 8), ("Finance & Administration", 8), ("IT Services", 8),
                                   ("Marketing & Business Development", 6)]),
        ],
        "fixed_names": [
            ("Emre Çelik", "M", ["Dutch", "Turkish", "English"]),
            ("Mads Sørensen", "M", ["English", "Danish", "Dutch"]),
            ("Jürgen Müller", "M", ["German", "English", "Dutch"]),
            ("Noor el Haddaoui-de Wit", "F", ["Dutch", "Arabic", "English"]),
        ],
    }
    people = build_org(rng, spec)
    prog = json.load(open(os.path.join(HERE, "..", "programmes", "maternity-consultancy.json"), encoding="utf-8"))
    active = [p for p in people if p["end"] is None and p["role"] in ("staff", "manager")
              and p["start"] < D(2026, 6, 1)]
    # programme B window: starts between 2 and 5 months ahead = [2027-02-01, 2027-05-01]
    win = (D(2027, 2, 3), D(2027, 4, 28))
    plan = [
        (4, "maternity", "approved", win, (112, 140), "eligible"),
        (2, "shared_parental", "approved", win, (84, 182), "eligible"),
        (1, "adoption", "approved", win, (84, 120), "eligible"),
        (1, "carers", "approved", win, (90, 120), "eligible"),
        (1, "secondment", "approved", win, (180, 270), "eligible"),
        (1, "overseas_assignment", "approved", win, (365, 540), "eligible"),
        (3, "paternity", "approved", win, (35, 42), "too short"),
        (1, "carers", "approved", win, (28, 50), "too short"),
        (1, "maternity", "approved", (D(2026, 12, 15), D(2027, 1, 25)), (112, 140), "starts too soon"),
        (1, "secondment", "approved", (D(2026, 12, 15), D(2027, 1, 25)), (180, 270), "starts too soon"),
        (1, "maternity", "approved", (D(2027, 5, 10), D(2027, 8, 31)), (112, 140), "starts too late"),
        (1, "overseas_assignment", "approved", (D(2027, 5, 10), D(2027, 8, 31)), (365, 540), "starts too late"),
        (2, "maternity", "requested", win, (112, 140), "not yet approved"),
        (2, "shared_parental", "cancelled", win, (84, 182), "cancelled"),
        (1, "secondment", "denied", win, (180, 270), "denied"),
        (1, "fostering", "approved", win, (90, 120), "type not in programme"),
    ]
    pool = list(active)
    rng.shuffle(pool)
    plan_rows = planned(rng, pool, plan)
    current = planned(rng, pool, [
        (2, "maternity", "approved", (D(2026, 8, 1), D(2026, 11, 20)), (112, 140), "already on leave"),
        (1, "overseas_assignment", "approved", (D(2026, 3, 1), D(2026, 9, 1)), (365, 540), "already on leave"),
    ])
    busy = {r["person"] for r in plan_rows + current}
    # Dutch statutory lengths: 16 weeks pregnancy leave, 1 + 5 weeks birth leave, 6 weeks adoption
    durations = dict(PAST_DURATIONS, maternity=(112, 126), paternity=(5, 42), adoption=(42, 90),
                     shared_parental=(56, 182), carers=(20, 120))
    hist = past_leave(rng, people, {
        "maternity": 30, "paternity": 18, "adoption": 4, "shared_parental": 12, "carers": 10,
        "fostering": 2, "secondment": 10, "overseas_assignment": 8, "long_term_sickness": 5, "other": 3,
    }, 60, busy, durations)
    annual = annual_leave(rng, people, 40, "annual")
    leave = number_leave(plan_rows + current + hist + annual, "VRQ-%05d")

    employees = []
    for p in people:
        employees.append({
            "employeeNumber": p["id"],
            "displayName": p["name"],
            "workEmail": p["email"],
            "supervisorEmployeeNumber": p["manager"],
            "division": p["department"],
            "office": p["location"],
            "hireDate": ymd(p["start"]),
            "terminationDate": ymd(p["end"]),
            "languages": ";".join(p["languages"]),
            "grade": rc_grade(p),
        })
    requests = []
    for r in leave:
        requests.append({
            "requestId": r["id"],
            "employeeNumber": r["person"],
            "category": RC_LEAVE_NAMES[r["type"]],
            "from": ymd(r["start"]),
            "to": ymd(r["expected_end"]),
            "returnedOn": ymd(r["actual_end"]),
            "state": RC_STATUS[r["status"]],
            "updatedAt": r["changed"],
        })
    out = {
        "riverside/people.json": to_json({"exportedAt": "2026-12-01T06:00:00Z", "source": "Riverside HR export",
                                          "employees": employees}),
        "riverside/leave.json": to_json(requests),
    }
    return {"people": people, "leave": [r for r in leave if r["type"] != "annual"], "all_leave": leave,
            "programme": prog, "plan": plan_rows + current, "files": out}


def rc_grade(p):
    if p["role"] == "ceo":
        return "Managing Partner"
    if p["role"] == "director":
        return "Partner"
    if p["role"] == "manager":
        return "Manager"
    return ["Analyst", "Consultant", "Senior Consultant", "Consultant"][int(p["id"]) % 4]


# ----------------------------------------------------------------------------
# output

def to_csv(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def to_json(obj):
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def summary(org_name, data):
    prog = data["programme"]
    people, leave = data["people"], data["leave"]
    lines = []
    lines.append("%s: %d people (%d left), %d leave records (%d of them annual leave, ignored)"
                 % (org_name, len(people), sum(1 for p in people if p["end"]),
                    len(data["all_leave"]), len(data["all_leave"]) - len(leave)))
    st = {}
    for r in data["all_leave"]:
        st[r["status"]] = st.get(r["status"], 0) + 1
    lines.append("  leave by status: " + ", ".join("%s %d" % (k, st[k]) for k in sorted(st)))
    ty = {}
    for r in leave:
        ty[r["type"]] = ty.get(r["type"], 0) + 1
    lines.append("  leave by type: " + ", ".join("%s %d" % (k, ty[k]) for k in sorted(ty)))
    m = prog["mentee"]
    lines.append("  programme %s: invite leave starting %s..%s (%d-%d months ahead), >= %d days, types %s"
                 % (prog["id"], add_months(TODAY, m["invite_until_months_before"]),
                    add_months(TODAY, m["invite_from_months_before"]), m["invite_until_months_before"],
                    m["invite_from_months_before"], m["min_leave_days"], ",".join(m["leave_types"])))
    el = eligibility(people, leave, prog)
    by_type = {}
    for r in el:
        by_type[r["type"]] = by_type.get(r["type"], 0) + 1
    lines.append("  eligible planned leave: %d (%s)" % (len(el), ", ".join("%s %d" % (k, by_type[k]) for k in sorted(by_type))))
    lines.append("    " + " ".join(sorted(r["person"] for r in el)))
    # The plugin invites earliest leave first, as far as the cohort has places; the rest wait.
    capacity = prog.get("cohort_capacity", len(el))
    first = sorted(el, key=lambda r: (r["start"], r["person"]))[:capacity]
    lines.append("  invited on the first run (cohort_capacity %d, earliest leave first): %d; waiting for a place: %d"
                 % (capacity, len(first), len(el) - len(first)))
    lines.append("    " + " ".join(sorted(r["person"] for r in first)))
    cases = {}
    for r in data["plan"]:
        cases[r["case"]] = cases.get(r["case"], 0) + 1
    lines.append("  planned/current leave by case: " + ", ".join("%s %d" % (k, cases[k]) for k in sorted(cases)))
    assert sorted(r["id"] for r in el) == sorted(r["id"] for r in data["plan"] if r["case"] == "eligible"), \
        "eligibility disagrees with the plan"
    pool, trained = mentor_pool(people, leave, prog, data.get("completions"))
    lines.append("  mentor pool (active, %s leave ended within %s years): %d"
                 % ("/".join(prog["mentor"]["leave_types"]), prog["mentor"]["leave_within_years"], len(pool))
                 + ("; with valid %s: %d" % ("/".join(prog["training"]["mentor_courses"]), len(trained))
                    if data.get("completions") is not None else ""))
    if data.get("completions") is not None:
        cc = {}
        for c in data["completions"]:
            cc[c["course"]] = cc.get(c["course"], 0) + 1
        mc = [c for c in data["completions"] if c["course"] == "MENTOR-101"]
        lines.append("  course completions: " + ", ".join("%s %d" % (k, cc[k]) for k in sorted(cc))
                     + "; MENTOR-101 expired %d, no expiry %d"
                     % (sum(1 for c in mc if c["expires"] and c["expires"] < TODAY),
                        sum(1 for c in mc if c["expires"] is None)))
    return "\n".join(lines)


def main():
    check = "--check" in sys.argv[1:]
    nw, rc = northwind(), riverside()
    files = dict(nw["files"])
    files.update(rc["files"])
    stale = []
    for rel, text in sorted(files.items()):
        path = os.path.join(HERE, "data", rel)
        if check:
            try:
                with open(path, encoding="utf-8", newline="") as f:
                    if f.read() != text:
                        stale.append(rel)
            except FileNotFoundError:
                stale.append(rel)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    print("as of %s (host.json \"today\")" % TODAY)
    print(summary("Northwind Health Trust", nw))
    print(summary("Riverside Consulting", rc))
    if check and stale:
        print("stale: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
