"""The browser tests' world: a private copy of the demo, mail captured on loopback,
`mentoring-host serve`, and headless Chromium with axe-core in every page.

Everything listens on 127.0.0.1 and is started and stopped here. Chromium resolves
no name but loopback (--host-resolver-rules), so no page or browser service reaches
anything else. Tools come from the environment ctest sets (tests/browser/CMakeLists.txt);
a missing one fails the test naming the script that installs it, never skips it.
"""

from __future__ import annotations

import csv
import datetime
import email
import email.policy
import email.utils
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait


def _tool(name: str, installed_by: str) -> Path:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run these tests through ctest (ctest -L browser)")
    path = Path(value)
    if not path.exists():
        raise RuntimeError(f"{name}: {path} does not exist; expected it installed by {installed_by}")
    return path


HOST = _tool("MENTORING_HOST_BINARY", "the build (cmake --build --preset dev)")
MODULES = _tool("MENTORING_MODULES_DIR", "the build (cmake --build --preset dev)")
EXAMPLES = _tool("MENTORING_EXAMPLES_DIR", "the source tree")
CAPTURE = _tool("MENTORING_SMTP_CAPTURE", "the source tree (tests/tools/smtp/capture.py)")
AXE_JS = _tool("MENTORING_AXE_JS", "scripts/setup.sh (tests/tools/axe/install.sh)")
CHROMIUM = _tool("MENTORING_CHROMIUM", "scripts/setup.sh (Debian's chromium)")
CHROMEDRIVER = _tool("MENTORING_CHROMEDRIVER", "scripts/setup.sh (Debian's chromium-driver)")
PYTHON = os.environ.get("MENTORING_TEST_PYTHON", "/usr/bin/python3")

LINK_URL = re.compile(r"https?://127\.0\.0\.1:\d+/l/[A-Za-z0-9_-]+/[A-Za-z0-9_.-]+")
# The rules of the bar the pages are held to (issue 15: WCAG 2.1 AA).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")


def _die_with_parent() -> None:
    """A server started here ends with the test, even one killed by ctest's timeout."""
    import ctypes
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def next_day(day: str, days: int = 1) -> str:
    return (datetime.date.fromisoformat(day) + datetime.timedelta(days=days)).isoformat()


def shows_date(text: str, day: str) -> bool:
    """The page shows `day` (YYYY-MM-DD) as ISO or in words ("15 December 2026")."""
    date = datetime.date.fromisoformat(day)
    return day in text or f"{date.day} {date.strftime('%B')} {date.year}" in text


@dataclass
class Mail:
    number: int
    to: list[str]
    subject: str
    text: str
    html: str
    links: list[str] = field(default_factory=list)


@dataclass
class Answer:
    status: int
    body: dict


class World:
    """A private copy of examples/ (demo organisations, programmes), its capture
    server and its `mentoring-host serve`, removed when the test ends."""

    def __init__(self, label: str):
        self.root = Path(tempfile.mkdtemp(prefix=f"mentoring-browser-{label}-"))
        shutil.copytree(EXAMPLES, self.root / "examples")
        shutil.rmtree(self.root / "examples" / "demo" / "state", ignore_errors=True)
        self.demo = self.root / "examples" / "demo"
        self.config = self.demo / "host.json"
        self.maildir = self.root / "mail"
        self.capture: subprocess.Popen | None = None
        self.serve: subprocess.Popen | None = None
        self.serve_starts = 0
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.foreign_links: list[str] = []

    # ---- files of the copy -------------------------------------------------
    def read_json(self, relative: str) -> dict:
        return json.loads((self.root / "examples" / relative).read_text())

    def write_json(self, relative: str, value: dict) -> None:
        (self.root / "examples" / relative).write_text(json.dumps(value, indent=2))

    def edit_json(self, relative: str, change) -> None:
        value = self.read_json(relative)
        change(value)
        self.write_json(relative, value)

    def set_today(self, day: str) -> None:
        self.edit_json("demo/host.json", lambda h: h.__setitem__("today", day))

    def today(self) -> str:
        return self.read_json("demo/host.json")["today"]

    def add_training(self, row: str) -> None:
        with open(self.demo / "data" / "northwind" / "training.csv", "a") as f:
            f.write(row + "\n")

    # ---- set-up --------------------------------------------------------------
    def prepare(self) -> None:
        """Mail through the smtp adapter to the capture server, serve on a port of its
        own, no scheduled cycles (the test runs each cycle itself)."""
        self.start_capture()

        def host(h):
            h["serve"] = {"listen": f"127.0.0.1:{self.port}", "threads": 4,
                          "request_timeout_seconds": 10}
        self.edit_json("demo/host.json", host)

        def northwind(org):
            org["schedule"] = {"enabled": False}
            org["adapters"].append({
                "name": "mail",
                "module": "smtp",
                "settings": {
                    "server": f"smtp://127.0.0.1:{self.smtp_port}",
                    "starttls": "none",
                    "from": {"address": "mentoring@northwind-health.example",
                             "name": "Northwind mentoring"},
                    "links_base_url": self.base,
                    "timeout_seconds": 10,
                },
            })
            # Mail kinds go to the adapter that declares them (smtp); the rest
            # (course enrolments, group membership) stay in the file outbox.
            org["routing"] = {"*": "hr-export"}
        self.edit_json("demo/orgs/northwind.json", northwind)
        self.edit_json("demo/orgs/riverside.json",
                       lambda org: org.__setitem__("schedule", {"enabled": False}))

    def start_capture(self) -> None:
        port_file = self.root / "smtp.port"
        self.capture_log = open(self.root / "capture.log", "wb")
        self.capture = subprocess.Popen(
            [PYTHON, str(CAPTURE), "--port-file", str(port_file), "--maildir", str(self.maildir)],
            stdout=self.capture_log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if port_file.exists() and port_file.read_text().strip():
                self.smtp_port = int(port_file.read_text())
                return
            if self.capture.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("the capture server did not start: " +
                           (self.root / "capture.log").read_text())

    # ---- mentoring-host ------------------------------------------------------
    def host(self, *arguments: str, check: bool = True,
             modules: bool = True) -> subprocess.CompletedProcess:
        where = ["--modules-dir", str(MODULES)] if modules else []
        done = subprocess.run([str(HOST), *arguments, "--config", str(self.config), *where],
                              capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            raise AssertionError(f"mentoring-host {' '.join(arguments)} exited "
                                 f"{done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    def run_cycle(self, day: str | None = None) -> dict:
        """One cycle of northwind (`mentoring-host run`), the clock moved first."""
        if day:
            self.set_today(day)
        started, mails = time.monotonic(), self.mail_count()
        done = self.host("run", "--org", "northwind", "--json", check=False)
        print(f"  run on {self.today()}: exit {done.returncode}, "
              f"{time.monotonic() - started:.1f} s, {self.mail_count() - mails} mail(s)",
              file=sys.stderr, flush=True)
        if done.returncode not in (0,):
            raise AssertionError(f"mentoring-host run on {self.today()} exited {done.returncode}:"
                                 f"\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
        return json.loads(done.stdout)

    def token(self, org: str, role: str, person: str | None = None) -> str:
        arguments = ["token", "create", "--org", org, "--role", role, "--name", f"browser-{role}"]
        if person:
            arguments += ["--person", person]
        done = self.host(*arguments, modules=False)
        found = re.search(r"(mtk_\S+)", done.stdout + done.stderr)
        if not found:
            raise AssertionError(f"no token in: {done.stdout}{done.stderr}")
        return found.group(1)

    def start_serve(self) -> None:
        self.serve_starts += 1
        log = self.root / f"serve-{self.serve_starts}.log"
        self.serve_log = log
        with open(log, "wb") as out:
            self.serve = subprocess.Popen([str(HOST), "serve", "--config", str(self.config),
                                           "--modules-dir", str(MODULES)],
                                          stdout=out, stderr=subprocess.STDOUT,
                                          preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if f"listening on http://127.0.0.1:{self.port}" in log.read_text(errors="replace"):
                return
            if self.serve.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("mentoring-host serve did not start:\n" + log.read_text())

    def stop_serve(self) -> None:
        """SIGTERM, and serve must end by itself with exit 0 (under the sanitizers a leak or
        an error found on the way out makes it fail)."""
        if not self.serve:
            return
        serve, self.serve = self.serve, None
        if serve.poll() is None:
            serve.send_signal(signal.SIGTERM)
            try:
                serve.wait(timeout=60)
            except subprocess.TimeoutExpired:
                serve.kill()
                serve.wait()
                raise AssertionError("mentoring-host serve did not end within 60 s of SIGTERM:\n"
                                     + self.serve_log.read_text(errors="replace")[-4000:])
        if serve.returncode != 0:
            raise AssertionError(f"mentoring-host serve exited {serve.returncode}:\n" +
                                 self.serve_log.read_text(errors="replace")[-6000:])

    def restart_serve(self) -> None:
        """serve reads host.json's `today` once: a new day needs a new process."""
        self.stop_serve()
        self.start_serve()

    def close(self) -> None:
        try:
            self.stop_serve()
        finally:
            self.stop_capture()
            if os.environ.get("MENTORING_BROWSER_KEEP"):
                print(f"kept {self.root}")
            else:
                shutil.rmtree(self.root, ignore_errors=True)

    def stop_capture(self) -> None:
        if self.capture and self.capture.poll() is None:
            self.capture.send_signal(signal.SIGTERM)
            try:
                self.capture.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.capture.kill()
                self.capture.wait()

    # ---- the API ---------------------------------------------------------------
    def api(self, command: str, body: dict, token: str, org: str = "northwind") -> Answer:
        request = urllib.request.Request(
            f"{self.base}/v1/orgs/{org}/commands/{command}", data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return Answer(r.status, json.loads(r.read() or b"{}"))
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                return Answer(e.code, json.loads(text))
            except ValueError:
                return Answer(e.code, {"raw": text.decode(errors="replace")})

    def api_ok(self, command: str, body: dict, token: str, org: str = "northwind") -> dict:
        answer = self.api(command, body, token, org)
        if answer.status != 200:
            raise AssertionError(f"{command} {json.dumps(body)}: HTTP {answer.status} "
                                 f"{json.dumps(answer.body)}")
        return answer.body

    def http(self, method: str, url: str, form: dict | None = None) -> tuple[int, str]:
        """A request as a plain client makes it (for status codes the browser hides); a
        POST carries this origin, as a same-origin form does."""
        data = urllib.parse.urlencode(form or {}).encode() if method == "POST" else None
        headers = {"Origin": self.base}
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return r.status, r.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    # ---- mail ------------------------------------------------------------------
    def mails(self) -> list[Mail]:
        found = []
        if not self.maildir.exists():
            return found
        for path in sorted(self.maildir.glob("*.eml"), key=lambda p: int(p.stem)):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            text = html = ""
            for part in message.walk():
                if part.get_content_type() == "text/plain" and not part.is_attachment():
                    text += part.get_content()
                elif part.get_content_type() == "text/html" and not part.is_attachment():
                    html += part.get_content()
            to = [address.lower() for _, address in
                  email.utils.getaddresses(message.get_all("To", []))]
            links = list(dict.fromkeys(LINK_URL.findall(text) + LINK_URL.findall(html)))
            found.append(Mail(int(path.stem), to, str(message.get("Subject", "")), text, html,
                              links))
        return found

    def mail_count(self) -> int:
        return len(list(self.maildir.glob("*.eml"))) if self.maildir.exists() else 0

    def link_for(self, address: str, purpose: str, system_token: str, after: int = 0) -> str:
        """The link of `purpose` for the person at `address`, in a mail to them numbered above
        `after`. The purpose and person are read with link_open (which spends nothing), since
        templates may reword mails. A link in their mail naming someone else is kept in
        `foreign_links` (a mail must carry only its recipient's own links)."""
        seen = []
        for mail in self.mails():
            if mail.number <= after or address.lower() not in mail.to:
                continue
            for url in mail.links:
                token = url.rsplit("/", 1)[1]
                opened = self.api_ok("link_open", {"token": token}, system_token)
                person = (opened.get("person") or {}).get("person_id")
                seen.append((mail.number, mail.subject, opened.get("purpose"), person,
                             opened.get("reason")))
                if not opened.get("valid"):
                    continue
                if person and self.emails.get(person, "").lower() != address.lower():
                    entry = (f"mail #{mail.number} to {address} ({mail.subject!r}) carries "
                             f"{person}'s {opened.get('purpose')} link")
                    if entry not in self.foreign_links:
                        self.foreign_links.append(entry)
                    continue
                if opened.get("purpose") == purpose:
                    return url
        raise AssertionError(f"no valid {purpose} link of {address} in a mail to them after "
                             f"mail #{after}; links seen (mail, subject, purpose, person, "
                             f"reason): {seen}")

    def link_view(self, url: str, system_token: str) -> dict:
        """What link_open says of a link (it spends nothing)."""
        return self.api_ok("link_open", {"token": url.rsplit("/", 1)[1]}, system_token)

    @property
    def emails(self) -> dict[str, str]:
        """person id -> work e-mail, from Northwind's HR export in this copy."""
        if not hasattr(self, "_emails"):
            with open(self.demo / "data" / "northwind" / "people.csv", newline="") as f:
                self._emails = {row["Employee ID"]: row["Work Email"]
                                for row in csv.DictReader(f)}
        return self._emails


class Browser:
    """Headless Chromium through Debian's chromedriver: a private profile, loopback only,
    axe-core run in every page it is asked to check."""

    def __init__(self, world: World):
        self.world = world
        self.axe_source = AXE_JS.read_text()
        self.violations: list[str] = []
        self.checked: list[str] = []
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                         "--disable-gpu", f"--user-data-dir={world.root / 'chromium-profile'}",
                         "--window-size=1280,900", "--no-first-run", "--no-default-browser-check",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--disable-default-apps", "--disable-extensions",
                         "--metrics-recording-only", "--password-store=basic",
                         # No name resolves but loopback: nothing leaves this machine.
                         "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
            options.add_argument(argument)
        service = Service(executable_path=str(CHROMEDRIVER),
                          log_path=str(world.root / "chromedriver.log"))
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(60)

    def close(self) -> None:
        self.driver.quit()

    # ---- pages -----------------------------------------------------------------
    def open(self, url: str, label: str) -> None:
        self.driver.get(url)
        self.check_accessibility(label)

    def check_accessibility(self, label: str) -> None:
        """axe-core in the page as it is now; serious and critical violations are kept
        with the rule, the elements and axe's help URL, and fail the test at its end."""
        self.driver.execute_script(self.axe_source)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]},"
            "                   resultTypes: ['violations']})"
            "  .then(r => done({violations: r.violations.map(v => ({id: v.id, impact: v.impact,"
            "     help: v.help, helpUrl: v.helpUrl,"
            "     nodes: v.nodes.map(n => ({target: n.target.join(' '),"
            "                               html: n.html.slice(0, 200),"
            "                               summary: n.failureSummary}))}))}))"
            "  .catch(e => done({error: String(e)}));", AXE_TAGS)
        where = f"{label} ({self.driver.current_url.split('?')[0][:80]}...)"
        if "error" in result:
            self.violations.append(f"{where}: axe did not run: {result['error']}")
            return
        self.checked.append(label)
        for v in result["violations"]:
            if v["impact"] not in FAILING_IMPACTS:
                continue
            for node in v["nodes"]:
                self.violations.append(
                    f"{where}: {v['impact']} {v['id']} ({v['help']}) at {node['target']}: "
                    f"{node['html']}\n    {node['summary']}\n    {v['helpUrl']}")

    def axe_finds(self, html: str) -> list[str]:
        """The rules axe-core reports as serious or critical in a page made of `html`:
        proof that the check in the pages above can fail at all."""
        self.driver.get("data:text/html;charset=utf-8," + urllib.parse.quote(html))
        before = len(self.violations)
        self.check_accessibility("axe self-check")
        found = self.violations[before:]
        del self.violations[before:]
        if self.checked and self.checked[-1] == "axe self-check":
            self.checked.pop()
        return found

    def accessibility_report(self) -> str:
        return (f"{len(self.violations)} serious or critical accessibility violation(s) in "
                f"{len(self.checked)} page(s) checked:\n" + "\n".join(self.violations))

    # ---- elements --------------------------------------------------------------
    def find(self, selector: str):
        try:
            return self.driver.find_element(By.CSS_SELECTOR, selector)
        except NoSuchElementException:
            raise AssertionError(f"no element {selector} in {self.driver.current_url}; the "
                                 f"page says: {self.text()[:1500]}") from None

    def exists(self, selector: str) -> bool:
        return bool(self.driver.find_elements(By.CSS_SELECTOR, selector))

    def text(self) -> str:
        try:
            return self.driver.find_element(By.TAG_NAME, "body").text
        except NoSuchElementException:
            return self.driver.page_source

    def wait_for(self, selector: str, seconds: float = 15) -> None:
        try:
            WebDriverWait(self.driver, seconds).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, selector))
        except TimeoutException:
            raise AssertionError(f"{selector} did not appear in {self.driver.current_url}; the "
                                 f"page says: {self.text()[:1500]}") from None

    def set_value(self, selector: str, value: str) -> None:
        """Date and time inputs take their value in ISO form whatever the browser's locale."""
        element = self.find(selector)
        kind = (element.get_attribute("type") or "").lower()
        if kind in ("date", "time", "datetime-local"):
            self.driver.execute_script(
                "arguments[0].value = arguments[1];"
                "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
                "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                element, value)
        else:
            element.clear()
            element.send_keys(value)

    def tick(self, selector: str) -> None:
        element = self.find(selector)
        if not element.is_selected():
            element.click()

    def submit_with(self, selector: str) -> None:
        """Clicks a button and waits for the next page."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.find(selector).click()
        WebDriverWait(self.driver, 20).until(lambda d: _stale(old))

    def press_on(self, element_id: str, key: str, limit: int = 40) -> None:
        """Moves the focus with Tab alone until it reaches #element_id, then presses key:
        what someone on a keyboard does, whatever order the fields come in."""
        body = self.driver.find_element(By.TAG_NAME, "body")
        body.click()
        for _ in range(limit):
            active = self.driver.switch_to.active_element
            if active.get_attribute("id") == element_id:
                old = self.driver.find_element(By.TAG_NAME, "html")
                active.send_keys(key)
                if key == Keys.ENTER:
                    WebDriverWait(self.driver, 20).until(lambda d: _stale(old))
                return
            active.send_keys(Keys.TAB)
        raise AssertionError(f"#{element_id} is not reached with the Tab key in "
                             f"{self.driver.current_url} ({limit} presses)")

    def invalid_reason(self) -> str | None:
        found = self.driver.find_elements(By.CSS_SELECTOR, "#invalid")
        return found[0].get_attribute("data-reason") if found else None

    def table_rows(self, table_id: str) -> list[str]:
        table = self.find(f"table#{table_id}")
        return [row.text for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")] or \
            [row.text for row in table.find_elements(By.CSS_SELECTOR, "tr")[1:]]

    def answer_survey(self, questions: list[dict], text_answer: str) -> list[str]:
        """Answers each question of form#survey (its input named q-<question id>) as
        link_open's view describes it: a scale with 4 (or its highest), yes/no with yes,
        text with text_answer, anything else with its first choice. Returns the question ids
        whose input was on the page."""
        form = self.find("form#survey")
        answered = []
        for question in questions:
            elements = form.find_elements(By.CSS_SELECTOR, f"[name='q-{question['id']}']")
            if not elements:
                continue
            answered.append(question["id"])
            kind = question.get("kind", "text")
            if kind.startswith("scale"):
                wanted = [str(min(4, question.get("max", 5)))]
            elif kind == "yes_no":
                wanted = ["yes", "true", "1"]
            elif kind == "text":
                wanted = [text_answer]
            else:
                wanted = []
            self._fill(elements, wanted)
        return answered

    def _fill(self, elements, wanted: list[str]) -> None:
        first = elements[0]
        tag, kind = first.tag_name.lower(), (first.get_attribute("type") or "").lower()
        if kind in ("radio", "checkbox"):
            values = [e.get_attribute("value") for e in elements]
            chosen = next((elements[values.index(w)] for w in wanted if w in values), elements[0])
            self.driver.execute_script("arguments[0].scrollIntoView()", chosen)
            if not chosen.is_selected():
                chosen.click()
        elif tag == "select":
            select = Select(first)
            values = [o.get_attribute("value") for o in select.options]
            select.select_by_value(next((w for w in wanted if w in values),
                                        next(v for v in values if v)))
        else:
            first.clear()
            first.send_keys(wanted[0] if wanted else "1")


def _stale(element) -> bool:
    try:
        element.is_enabled()
        return False
    except Exception:  # StaleElementReferenceException: the next page is there
        return True
