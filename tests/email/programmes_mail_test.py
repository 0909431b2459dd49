#!/usr/bin/python3
"""Every notification of every reference programme, mailed and read back.

For each programme in examples/programmes/*.json: a private copy of
examples/ in which the demo organisation that runs it (Northwind when none
does) runs only that programme and has the smtp adapter configured
(STARTTLS with a certificate made here by `openssl req`, AUTH from
MENTORING_SECRET_* variables) against the loopback capture server
(tests/tools/smtp/capture.py). mentoring-host runs the organisation over a
year and a half of dates, with HR's commands between runs (half of the
invitations accepted, every pairing proposal accepted). Then every action of
the plugin's outbox (its database) that is mailed is found among the captured
mails by its Message-ID and checked, parsed back by Python's email package:
envelope and headers, text and HTML parts, the .ics of calendar events, the
link when the payload has one. No mail is missing, none is extra, none went
unencrypted.

    programmes_mail_test.py --host BIN --examples DIR --capture capture.py [--only NAME]
"""

import argparse
import base64
import email
import email.policy
import hashlib
import html
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta

MAIL_KINDS = {"invite", "reminder", "notify", "task", "withdraw_invitation", "calendar_event"}
FROM_ADDRESS = "mentoring@mail.example"
LINKS = "http://127.0.0.1:8640"
DAYS = [0, 1, 3, 7, 14, 21, 28, 42, 56, 70, 90, 120, 150, 180, 240, 300, 365, 420, 480, 540]

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def one_line(text):
    out = []
    for c in text:
        c = " " if ord(c) < 0x20 or ord(c) == 0x7F else c
        if c == " " and (not out or out[-1] == " "):
            continue
        out.append(c)
    return "".join(out).strip()


class Capture:
    def __init__(self, capture_py, folder, cert, key, extra):
        self.folder = folder
        self.port_file = os.path.join(folder, "port")
        self.maildir = os.path.join(folder, "mail")
        self.process = subprocess.Popen(
            [sys.executable, capture_py, "--port-file", self.port_file, "--maildir", self.maildir,
             "--starttls", cert, key, "--auth", "mailer:pass-9f3k"] + extra)
        for _ in range(200):
            if os.path.exists(self.port_file):
                break
            time.sleep(0.05)
        self.port = int(open(self.port_file).read())

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

    def mails(self):
        """Message-ID -> (parsed message, envelope)."""
        out = {}
        if not os.path.isdir(self.maildir):
            return out
        for name in sorted(os.listdir(self.maildir)):
            if not name.endswith(".eml"):
                continue
            path = os.path.join(self.maildir, name)
            with open(path, "rb") as f:
                raw = f.read()
            message = email.message_from_bytes(raw, policy=email.policy.default)
            envelope = json.load(open(path[:-4] + ".json"))
            message_id = str(message["Message-ID"])
            check(message_id not in out, f"{name}: Message-ID {message_id} captured twice")
            out[message_id] = (message, envelope, raw, name)
        return out


def message_id(ledger_key):
    return "<" + hashlib.sha256(ledger_key.encode()).hexdigest()[:40] + "@mail.example>"


def prepare(examples, programme_file, workdir, cert):
    """A private copy of examples/ with one organisation running one programme by mail."""
    copy = os.path.join(workdir, "examples")
    shutil.copytree(examples, copy, ignore=shutil.ignore_patterns("state"))
    demo = os.path.join(copy, "demo")
    host = json.load(open(os.path.join(demo, "host.json")))
    programme_path = "../../programmes/" + os.path.basename(programme_file)
    chosen = None
    for org_file in host["organisations"]:
        org = json.load(open(os.path.join(demo, org_file)))
        if programme_path in org.get("programmes", []):
            chosen = org_file
    chosen = chosen or "orgs/northwind.json"
    path = os.path.join(demo, chosen)
    org = json.load(open(path))
    org["programmes"] = [programme_path]
    writer = next(a["name"] for a in org["adapters"] if a["module"] == "file")
    org["adapters"].append({
        "name": "mail", "module": "smtp",
        "settings": {"server": "smtp://127.0.0.1:{port}", "starttls": "required",
                     "ca_bundle": cert, "username_secret": "SMTP_USER",
                     "password_secret": "SMTP_PASSWORD",
                     "from": {"address": FROM_ADDRESS, "name": org["name"] + " Mentoring"},
                     "links_base_url": LINKS, "timeout_seconds": 20}})
    # Mail kinds go to smtp (it declares them); course enrolments and groups to the file outbox.
    org["routing"] = {"*": writer}
    return demo, path, org


def set_port(org_path, org, port):
    for adapter in org["adapters"]:
        if adapter["module"] == "smtp":
            adapter["settings"]["server"] = f"smtp://127.0.0.1:{port}"
    json.dump(org, open(org_path, "w"), indent=1)


class Host:
    def __init__(self, binary, demo, org_id):
        self.binary, self.demo, self.org = binary, demo, org_id
        self.config = os.path.join(demo, "host.json")
        self.env = dict(os.environ, MENTORING_SECRET_SMTP_USER="mailer",
                        MENTORING_SECRET_SMTP_PASSWORD="pass-9f3k")

    def set_today(self, day):
        host = json.load(open(self.config))
        host["today"] = day
        json.dump(host, open(self.config, "w"), indent=1)

    def run(self, day):
        self.set_today(day)
        done = subprocess.run([self.binary, "run", "--config", self.config, "--org", self.org],
                              capture_output=True, text=True, env=self.env)
        return done

    def command(self, name, data):
        done = subprocess.run([self.binary, "command", "--config", self.config, "--org", self.org,
                               name, "--input", json.dumps(data)],
                              capture_output=True, text=True, env=self.env)
        return done.returncode, done.stdout + done.stderr


def outbox(demo, org_id):
    database = os.path.join(demo, "state", org_id, org_id + ".sqlite")
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    rows = connection.execute(
        "SELECT idempotency_key, type, payload, delivered_at, last_error, attempts FROM outbox "
        "ORDER BY id").fetchall()
    connection.close()
    return [{"key": r[0], "type": r[1], "action": json.loads(r[2]), "delivered_at": r[3],
             "last_error": r[4], "attempts": r[5]} for r in rows]


def people_ids(demo, org_id):
    import csv
    path = os.path.join(demo, "data", org_id, "people.csv")
    if not os.path.exists(path):
        return []
    return [row["Employee ID"] for row in csv.DictReader(open(path, newline=""))]


def complete_courses(demo, org_id, person_ids, courses, day):
    """Course completions the HR system would send after the training (northwind's CSV)."""
    path = os.path.join(demo, "data", org_id, "training.csv")
    if not os.path.exists(path) or not courses:
        return
    with open(path, "a", newline="") as out:
        for person in person_ids:
            for course in courses:
                out.write(f"{person},{course},{course} (test walk),{day},\n")


def nominate_people(host, programme, day):
    """Self-nominations: mentors (and mentees of a programme not tied to leave)."""
    if not host.org_config["modules"].get("pairing"):
        return
    ids = people_ids(host.demo, host.org)
    mentor_courses = (programme.get("training") or {}).get("mentor_courses", [])
    trained = []
    path = os.path.join(host.demo, "data", host.org, "training.csv")
    if mentor_courses and os.path.exists(path):
        for line in open(path):
            fields = line.split(",")
            if len(fields) > 1 and fields[1] in mentor_courses and fields[0] not in trained:
                trained.append(fields[0])
    mentors = []
    for person in (trained or ids)[:14]:
        code, _ = host.command("nominate", {"programme": programme["id"], "person_id": person,
                                            "role": "mentor"})
        if code == 0:
            mentors.append(person)
    complete_courses(host.demo, host.org, mentors, mentor_courses, day)
    if programme.get("mentee", {}).get("self_nomination") and not programme["mentee"].get("leave_types"):
        for person in ids[-40:-20]:
            host.command("nominate", {"programme": programme["id"], "person_id": person,
                                      "role": "mentee"})


def cancel_leave(demo, org_id, leave_id, day):
    """The person's leave cancelled in the HR system's export: the invitation is withdrawn."""
    import csv
    path = os.path.join(demo, "data", org_id, "leave.csv")
    if os.path.exists(path):
        rows = list(csv.DictReader(open(path, newline="")))
        for row in rows:
            if row["Request ID"] == leave_id:
                row["Status"], row["Last Changed"] = "Cancelled", day + "T09:00:00Z"
        with open(path, "w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()))
            writer.writeheader()
            writer.writerows(rows)
        return
    path = os.path.join(demo, "data", org_id, "leave.json")
    records = json.load(open(path))
    for record in records:
        if record["requestId"] == leave_id:
            record["state"], record["updatedAt"] = "CANCELLED", day + "T09:00:00Z"
    json.dump(records, open(path, "w"), indent=1)


def walk(host, programme, start):
    """The year as HR would run it: mentors nominated, half the invitations accepted,
    courses completed, proposals accepted."""
    programme_id = programme["id"]
    mentee_courses = (programme.get("training") or {}).get("mentee_courses", [])
    answered = set()
    cancelled = []  # one leave cancelled after its invitation
    codes = []
    for offset in DAYS:
        day = (start + timedelta(days=offset)).isoformat()
        result = host.run(day)
        codes.append((day, result.returncode))
        check(result.returncode in (0, 6, 7),
              f"{programme_id}: run on {day} exited {result.returncode}: {result.stdout[-2000:]}{result.stderr[-2000:]}")
        if offset == 0:
            nominate_people(host, programme, day)
        invites = [e for e in outbox(host.demo, host.org) if e["type"] == "invite"]
        for index, entry in enumerate(invites):
            payload = entry["action"]["payload"]
            who = (payload["to"]["person_id"], payload["role"])
            if who in answered:
                continue
            answered.add(who)
            if index % 2 == 1 and "leave" in payload and not cancelled:
                cancelled.append(payload["leave"]["id"])
                cancel_leave(host.demo, host.org, payload["leave"]["id"], day)
            if index % 2 == 0:
                code, _ = host.command("accept", {"programme": programme_id, "person_id": who[0],
                                                  "role": who[1]})
                if code == 0 and who[1] == "mentee":
                    complete_courses(host.demo, host.org, [who[0]], mentee_courses, day)
        code, text = host.command("pairing_proposals", {"programme": programme_id})
        if code == 0:
            for programme in json.loads(text).get("programmes", []):
                for proposal in programme.get("proposals", []):
                    if proposal["state"] == "proposed":
                        host.command("pairing_accept", {"pair_id": proposal["pair_id"]})
    return codes


def expected_mails(entry, ledger):
    """(ledger key, person id, address, name) of each mail of an action; or a reason none."""
    action, kind = entry["action"], entry["type"]
    payload, key = action["payload"], entry["key"]
    if kind in ("invite", "reminder", "notify"):
        to = payload["to"]
        return [(key, to["person_id"], to.get("email"), to.get("name", to["person_id"]))]
    if kind == "task":
        to = payload["to"]
        return [(key, to.get("person_id", ""), to.get("email"), to.get("name", ""))]
    if kind == "withdraw_invitation":
        invite = ledger.get(payload["invitation_key"])
        return [(key, action.get("person_id"), invite[1] if invite else None,
                 invite[2] if invite else "")]
    if kind == "calendar_event":
        return [(key + " " + a["person_id"], a["person_id"], a.get("email"),
                 a.get("name", a["person_id"])) for a in payload["attendees"]]
    return []


links_checked = {}  # purpose -> mails whose link was checked


def link_for(payload, kind, person):
    """The link this recipient's mail must carry: a calendar attendee's own, else the action's
    (for a calendar event only when it has one attendee: a link acts as one person)."""
    if kind == "calendar_event":
        attendees = payload.get("attendees", [])
        for attendee in attendees:
            if attendee.get("person_id") == person and "link" in attendee:
                return attendee["link"]
        if any("link" in a for a in attendees) or len(attendees) != 1:
            return None
    return payload.get("link")


def claims_of(token):
    """A link's claims as the plugin signs them (plugin/links: base64url of the fields joined by
    the unit separator: version, organisation, purpose, subject, person, expiry, nonce); read,
    not verified."""
    body = token.split(".")[0]
    try:
        fields = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("utf-8").split("\x1f")
    except ValueError:
        return None
    return fields if len(fields) == 7 else None


def check_mail(label, entry, mail, address, name, person):
    message, envelope, raw, file_name = mail
    action, kind = entry["action"], entry["type"]
    payload = action["payload"]
    where = f"{label} {kind} {entry['key']} ({file_name})"
    check(envelope["tls"], f"{where}: sent without STARTTLS")
    check(envelope["auth"] == "mailer", f"{where}: not authenticated: {envelope['auth']}")
    check(envelope["rcpt_tos"] == [address], f"{where}: envelope to {envelope['rcpt_tos']}, expected {address}")
    check(envelope["mail_from"] == FROM_ADDRESS, f"{where}: envelope from {envelope['mail_from']}")
    defects = [type(d).__name__ for part in message.walk() for d in part.defects]
    check(not defects, f"{where}: parser defects {defects}")
    check(max(len(line) for line in raw.split(b"\r\n")) <= 998, f"{where}: a line over 998 octets")
    to = message["To"]
    check(len(to.addresses) == 1 and to.addresses[0].addr_spec == address,
          f"{where}: To {to} expected {address}")
    if name:
        check(to.addresses[0].display_name == one_line(name),
              f"{where}: To name {to.addresses[0].display_name!r}, expected {name!r}")
    check(message["From"].addresses[0].addr_spec == FROM_ADDRESS, f"{where}: From {message['From']}")
    check(message["Date"] is not None and message["MIME-Version"] == "1.0", f"{where}: Date or MIME-Version missing")
    subject = str(message["Subject"])
    if kind in ("invite", "reminder", "notify", "task"):
        expected_subject = one_line(payload["subject"])
    elif kind == "withdraw_invitation":
        expected_subject = "Invitation withdrawn: " + payload["programme"]["name"]
    else:
        expected_subject = ("Cancelled: " if payload["method"] == "CANCEL" else "") + \
            payload["summary"] + " (" + payload["date"] + ")"
    check(subject == expected_subject, f"{where}: Subject {subject!r}, expected {expected_subject!r}")
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    if not check(plain is not None and rich is not None, f"{where}: no text and HTML parts"):
        return
    alternative = message if message.get_content_type() == "multipart/alternative" else \
        next((p for p in message.walk() if p.get_content_type() == "multipart/alternative"), None)
    check(alternative is not None and [p.get_content_type() for p in alternative.iter_parts()] ==
          ["text/plain", "text/html"], f"{where}: expected multipart/alternative(text/plain,text/html)")
    text, page = plain.get_content(), rich.get_content()
    unescaped = html.unescape(page)
    body = {"withdraw_invitation": payload.get("reason", ""),
            "calendar_event": payload.get("description", "")}.get(kind, payload.get("text", ""))
    check(body.strip() in text, f"{where}: the text part lacks the action's text {body[:80]!r}")
    for paragraph in [p.strip() for p in body.replace("\r", "").split("\n\n") if p.strip()]:
        check(paragraph in unescaped, f"{where}: the HTML part lacks {paragraph[:80]!r}")
    check("<script" not in page.lower(), f"{where}: a script in the HTML part")
    if name:
        check(name in text and name in unescaped, f"{where}: the recipient's name {name!r} is not in the parts")
    if kind == "invite":
        check(payload["respond_by"] in text and payload["respond_by"] in unescaped,
              f"{where}: respond_by {payload['respond_by']} missing")
    link = link_for(payload, kind, person)
    urls = set(re.findall(re.escape(f"{LINKS}/l/") + r"[a-z0-9-]+/[A-Za-z0-9_.-]+", text))
    if link:
        # The plugin removes a delivered link's token from its files, so the
        # mail's link is checked by what it claims: this organisation, the
        # purpose and expiry of the action's link, and the recipient as its
        # person (a survey's names nobody: its answer is anonymous).
        if check(len(urls) == 1, f"{where}: expected one link, found {sorted(urls)}"):
            url = urls.pop()
            check(f'href="{url}"' in page, f"{where}: the HTML part lacks href={url}")
            org, token = url[len(LINKS) + 3:].split("/", 1)
            if "token" in link:
                check(token == link["token"], f"{where}: the mail's token is not the action's")
            claims = claims_of(token)
            check(claims is not None and claims[1] == action["organisation"] == org and
                  claims[2] == link["purpose"] and claims[5] == link["expires_on"] and
                  claims[4] == ("" if link["purpose"] == "survey" else person),
                  f"{where}: the link claims {claims}, expected {org}/{link['purpose']}/"
                  f"{link['expires_on']} for {person}")
        check(link["expires_on"] in text and link["expires_on"] in unescaped,
              f"{where}: the link's expiry {link['expires_on']} missing")
        links_checked[link["purpose"]] = links_checked.get(link["purpose"], 0) + 1
    else:
        check(not urls, f"{where}: a link {sorted(urls)} the action does not carry for {person}")
    calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    if kind == "calendar_event" and "ics" in payload:
        if check(len(calendars) == 1, f"{where}: expected one text/calendar attachment, found {len(calendars)}"):
            ics = calendars[0]
            check(ics.get_param("method") == payload["method"],
                  f"{where}: text/calendar method={ics.get_param('method')}, expected {payload['method']}")
            check(ics.get_content_disposition() == "attachment", f"{where}: the .ics is not an attachment")
            check(ics.get_content() == payload["ics"], f"{where}: the .ics differs from the action's")
    else:
        check(not calendars, f"{where}: an unexpected text/calendar part")


def run_programme(args, programme_file, cert, key):
    programme = json.load(open(programme_file))
    programme_id = programme["id"]
    workdir = tempfile.mkdtemp(prefix="email-" + programme_id + "-")
    demo, org_path, org = prepare(args.examples, programme_file, workdir, cert)
    # The programme manager's first mail meets a 451 (greylisting): the
    # plugin's delivery must try it again at a later run.
    manager = org.get("policy", {}).get("programme_manager_email")
    capture = Capture(args.capture, workdir, cert, key,
                      ["--fail-rcpt", manager + ":451:1"] if manager else [])
    try:
        set_port(org_path, org, capture.port)
        host = Host(args.host, demo, org["id"])
        host.org_config = org
        checked = subprocess.run([args.host, "check", "--config", host.config], capture_output=True,
                                 text=True, env=host.env)
        check(checked.returncode == 0 and re.search(r"adapter mail\s+create_calendar_event\s+ok",
                                                    checked.stdout),
              f"{programme_id}: mentoring-host check exited {checked.returncode}: {checked.stdout[-3000:]}")
        start = date.fromisoformat(json.load(open(host.config))["today"])
        walk(host, programme, start)
        entries = [e for e in outbox(demo, org["id"]) if e["type"] in MAIL_KINDS]
        mails = capture.mails()
        ledger = {}
        kinds = {}
        matched = set()
        for entry in entries:
            label = programme_id
            expected = expected_mails(entry, ledger)
            missing = [m for m in expected if not m[2]]
            for ledger_key, person, address, name in expected:
                if not address:
                    continue
                mail = mails.get(message_id(ledger_key))
                if entry["delivered_at"] is None and mail is None and entry["last_error"]:
                    continue  # failed for another attendee; the rest is checked below
                if not check(mail is not None,
                             f"{label} {entry['type']} {entry['key']}: no mail to {person} captured "
                             f"(delivered_at {entry['delivered_at']}, last_error {entry['last_error']})"):
                    continue
                matched.add(message_id(ledger_key))
                check_mail(label, entry, mail, address, name, person)
                if entry["type"] == "invite":
                    ledger[entry["key"]] = (person, address, name)
            if missing:
                check(entry["delivered_at"] is None and entry["last_error"] and
                      all(f"person {m[1]}" in entry["last_error"] or "programme manager" in entry["last_error"]
                          for m in missing),
                      f"{label} {entry['type']} {entry['key']}: no address for {[m[1] for m in missing]}, "
                      f"yet delivered_at {entry['delivered_at']}, last_error {entry['last_error']}")
            else:
                check(entry["delivered_at"] is not None,
                      f"{label} {entry['type']} {entry['key']}: not delivered: {entry['last_error']}")
            sub = entry["type"]
            about = entry["action"]["payload"].get("about", {})
            if entry["type"] == "notify":
                sub += "/" + ("survey" if "survey" in entry["action"]["payload"] else
                              "pairing" if "mentee" in entry["action"]["payload"] else
                              "note" if "from" in entry["action"]["payload"] else "message")
            elif entry["type"] == "task" and isinstance(about, dict) and about.get("reason"):
                sub += "/" + about["reason"]
            elif entry["type"] == "calendar_event":
                sub += "/" + entry["action"]["payload"]["kind"] + "/" + entry["action"]["payload"]["method"]
            kinds[sub] = kinds.get(sub, 0) + 1
        tasks = [e for e in entries if e["type"] == "task" and e["action"]["payload"]["to"].get("email") == manager]
        if tasks:
            check(tasks[0]["delivered_at"] is not None and tasks[0]["attempts"] >= 2,
                  f"{programme_id}: the programme manager's first task met a 451 and should have been "
                  f"delivered at a later attempt: attempts {tasks[0]['attempts']}, "
                  f"delivered_at {tasks[0]['delivered_at']}, last_error {tasks[0]['last_error']}")
            print(f"  (the first task to {manager}: 451, delivered at attempt {tasks[0]['attempts']})")
        extra = set(mails) - matched
        check(not extra, f"{programme_id}: {len(extra)} captured mail(s) match no action: "
              f"{sorted(mails[m][3] for m in extra)[:10]}")
        check(entries, f"{programme_id}: the walk produced no mail at all")
        print(f"{programme_id} ({org['id']}): {len(entries)} mailed action(s), {len(mails)} mail(s) captured")
        for sub in sorted(kinds):
            print(f"  {sub:45} {kinds[sub]}")
        return {sub.split("/")[0] for sub in kinds}
    finally:
        capture.stop()
        if not failures:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"(kept {workdir} for inspection)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--examples", required=True)
    parser.add_argument("--capture", required=True)
    parser.add_argument("--only")
    args = parser.parse_args()
    certs = tempfile.mkdtemp(prefix="email-certs-")
    cert, key = os.path.join(certs, "cert.pem"), os.path.join(certs, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    programmes = sorted(os.path.join(args.examples, "programmes", f)
                        for f in os.listdir(os.path.join(args.examples, "programmes")) if f.endswith(".json"))
    if args.only:
        programmes = [p for p in programmes if os.path.basename(p) == args.only + ".json"]
    check(programmes, "no reference programme found")
    seen = set()
    for programme_file in programmes:
        seen |= run_programme(args, programme_file, cert, key)
    shutil.rmtree(certs, ignore_errors=True)
    if not args.only:
        for kind in ("invite", "reminder", "notify", "task", "calendar_event"):
            check(kind in seen, f"no programme produced a {kind} mail in the walk")
        print("links checked by purpose:", dict(sorted(links_checked.items())))
        for purpose in ("invitation", "pair", "survey"):
            check(links_checked.get(purpose), f"no mail carried a {purpose} link in the walk")
    for message in failures[:60]:
        print("FAIL:", message)
    if len(failures) > 60:
        print(f"... and {len(failures) - 60} more")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
