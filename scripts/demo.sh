#!/usr/bin/env bash
# README command 1: install what is missing, build, run the main job on the demo organisations.
# Northwind's mail goes out by SMTP to a capture server on loopback (tests/tools/smtp/capture.py,
# the one the tests use), which keeps each message in examples/demo/state/mail/; the run's other
# write-backs go to each organisation's outbox file as before. Then it prints where the pages
# are and one invitation link from the captured mail, to click through a mentee's acceptance.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh dev

demo=examples/demo
state=$demo/state
python=/usr/bin/python3 # Debian's, with python3-aiosmtpd (scripts/setup.sh)
pages=http://127.0.0.1:8640
install -d -m 700 "$state"
install -d -m 700 "$state/mail"
# The capture server numbers from 1.eml each time: this run's mail lands in incoming/ and
# joins the earlier runs' mail after it.
rm -rf "$state/mail/incoming"
install -d -m 700 "$state/mail/incoming"

# The capture server, on a free loopback port, until this script ends.
port_file=$(mktemp)
"$python" tests/tools/smtp/capture.py --port-file "$port_file" --maildir "$state/mail/incoming" \
  >"$state/capture.log" 2>&1 &
capture_pid=$!
stop_capture() {
  if kill -0 "$capture_pid" 2>/dev/null; then
    kill -TERM "$capture_pid"
    wait "$capture_pid" 2>/dev/null || true
  fi
  rm -f "$port_file"
}
trap stop_capture EXIT
for _ in $(seq 100); do
  [ -s "$port_file" ] && break
  kill -0 "$capture_pid" 2>/dev/null || { cat "$state/capture.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$port_file" ] || { echo "demo: the capture server did not start" >&2; exit 1; }

# host.json and Northwind's config with the smtp adapter added, written beside the state
# (git ignores it). orgs/ and state/ are siblings, so every relative path of northwind.json
# means the same from there; mail kinds go to smtp (it declares them), the rest to the file
# outbox (routing "*").
"$python" - "$demo" "$(cat "$port_file")" "$pages" <<'EOF'
import json, sys
demo, smtp_port, pages = sys.argv[1], sys.argv[2], sys.argv[3]
host = json.load(open(f"{demo}/host.json"))
northwind = json.load(open(f"{demo}/orgs/northwind.json"))
northwind["$schema"] = "../../../schemas/org-config.schema.json"
northwind["adapters"].append({
    "name": "mail", "module": "smtp",
    "settings": {"server": f"smtp://127.0.0.1:{smtp_port}", "starttls": "none",
                 "from": {"address": "mentoring@northwind-health.example",
                          "name": "Northwind Health Trust mentoring"},
                 "links_base_url": pages, "timeout_seconds": 10}})
northwind["routing"] = {"*": "hr-export"}
json.dump(northwind, open(f"{demo}/state/northwind-with-mail.json", "w"), indent=2)
host["$schema"] = "../../../schemas/host-config.schema.json"
host["organisations"] = ["northwind-with-mail.json",
                         *(f"../{o}" for o in host["organisations"] if "northwind" not in o)]
host["state_dir"] = "."
host["serve"] = {"listen": pages.split("//", 1)[1]}
json.dump(host, open(f"{demo}/state/host-with-mail.json", "w"), indent=2)
EOF
config=$state/host-with-mail.json
status=0
build/dev/bin/mentoring-host run --config "$config" "$@" || status=$?
stop_capture
last=$(find "$state/mail" -maxdepth 1 -name '*.eml' -printf '%f\n' | sed 's/\.eml$//' | sort -n | tail -1)
last=${last:-0}
for n in $(find "$state/mail/incoming" -maxdepth 1 -name '*.eml' -printf '%f\n' | sed 's/\.eml$//' | sort -n); do
  last=$((last + 1))
  mv "$state/mail/incoming/$n.eml" "$state/mail/$last.eml"
  if [ -f "$state/mail/incoming/$n.json" ]; then mv "$state/mail/incoming/$n.json" "$state/mail/$last.json"; fi
done
rm -rf "$state/mail/incoming"

# Where the pages are, and one invitation from the mail (stderr when the run printed JSON).
out=1
for argument in "$@"; do [ "$argument" = --json ] && out=2; done
"$python" - "$state/mail" "$config" "$pages" >&"$out" <<'EOF'
import email, email.policy, pathlib, re, sys
maildir, config, pages = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
link = re.compile(re.escape(pages) + r"/l/northwind/[A-Za-z0-9_.-]+")
mails = sorted(maildir.glob("*.eml"), key=lambda p: int(p.stem) if p.stem.isdigit() else 0)
invitation = None
for path in mails:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = message.get_body(preferencelist=("plain", "html"))
    found = link.search(body.get_content() if body else "")
    if found and "invitation" in str(message["Subject"]).lower():
        invitation = (path, message["To"], found.group(0))
        break
print(f"""
Mail: {len(mails)} message(s) from Northwind in {maildir}/ (one .eml each).
Pages: start them with
  build/dev/bin/mentoring-host serve --config {config}
HR pages: {pages}/hr/northwind/login, signed in with a token made by
  build/dev/bin/mentoring-host token create --config {config} --org northwind --role hr --name "Priya (HR)\"""")
if invitation:
    print(f"""An invitation as {invitation[1]} received it ({invitation[0]}):
  {invitation[2]}
Open it while serve runs to answer it as the mentee would (the link works once).""")
else:
    print("No invitation link in the captured mail (each is sent once: remove "
          f"{maildir.parent} to start the demo afresh).")
EOF
exit "$status"
