"""Links that must not work, in a real browser (ctest -L browser).

Northwind's invitations of 2026-12-01 (programme A), one invitee per case:
a link used once and opened again, one character of a link changed, a link of
Northwind opened under Riverside, a link past its expiry, a token that is no
token. Each gets the clear page `#invalid` with its `data-reason` (and the HTTP
status the contract gives it), a POST to it is refused the same way, and
nothing changes: the person's history (HR's API) is the same before and after,
HR's `#open-invitations` still lists those never answered, and the genuine link
of a forged or misplaced one still opens its form. The first acceptance is
made with the keyboard alone (Tab to the consent box, Space, Tab to Accept,
Enter).
"""

import sys
import time
import unittest

from harness import Browser, World, next_day
from selenium.webdriver.common.keys import Keys

TODAY = "2026-12-01"


class InvalidLinks(unittest.TestCase):
    world: World
    browser: Browser

    @classmethod
    def setUpClass(cls):
        cls.started = time.monotonic()
        cls.world = World("links")
        try:
            cls.world.prepare()
            cls.world.set_today(TODAY)
            cls.hr = cls.world.token("northwind", "hr")
            cls.system = cls.world.token("northwind", "system")
            cls.world.start_serve()
            cls.browser = Browser(cls.world)
        except BaseException:
            cls.world.close()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "browser", None):
            cls.browser.close()
        cls.world.close()
        print(f"\nbrowser invalid links: {time.monotonic() - cls.started:.1f} s", file=sys.stderr)

    def history(self, person):
        return self.world.api_ok("history", {"person_id": person}, self.hr)

    def invitees(self):
        """(person id, name, link) of each invitation mail, in mail order."""
        found = []
        for mail in self.world.mails():
            for url in mail.links:
                opened = self.world.api_ok("link_open", {"token": url.rsplit("/", 1)[1]},
                                           self.system)
                if opened.get("valid") and opened.get("purpose") == "invitation":
                    person = opened["person"]
                    found.append((person["person_id"], person["name"], url, opened))
        return found

    def assert_refused(self, url, reason, status, label):
        """The clear page, in the browser and as a plain client sees it; a POST refused
        alike. Returns nothing: the caller checks that nothing changed."""
        b = self.browser
        b.open(url, f"invalid link: {label}")
        self.assertEqual(b.invalid_reason(), reason,
                         f"{label}: expected #invalid[data-reason={reason}] at {url}; the "
                         f"page says: {b.text()[:800]}")
        self.assertGreater(len(b.find("#invalid").text.strip()), 0, f"{label}: #invalid is empty")
        self.assertFalse(b.exists("#answer"), f"{label}: the refused page still has a form")
        got, _ = self.world.http("GET", url)
        self.assertEqual(got, status, f"{label}: GET {url}")
        got, body = self.world.http("POST", url, {"decision": "accept", "consent": "true"})
        self.assertEqual(got, status, f"{label}: POST {url}: {body[:300]}")
        self.assertIn(f'data-reason="{reason}"', body, f"{label}: POST answer: {body[:300]}")

    def test_1_links_that_must_not_work(self):
        w, b = self.world, self.browser
        w.run_cycle(TODAY)
        invitees = self.invitees()
        self.assertGreaterEqual(len(invitees), 4, f"invitation links: {invitees}")
        (used_id, used_name, used_link, _), (forged_id, forged_name, forged_link, _), \
            (other_id, other_name, other_link, _), (late_id, late_name, late_link, late) = invitees[:4]
        before = {p: self.history(p) for p in (used_id, forged_id, other_id, late_id)}

        # Used: accepted once (keyboard only), then opened and posted again.
        b.open(used_link, "invitation (keyboard)")
        b.press_on("consent", Keys.SPACE)
        self.assertTrue(b.find("#consent").is_selected(), "Space did not tick #consent")
        b.press_on("accept", Keys.ENTER)
        b.wait_for("#result")
        self.assertIn("done=accepted", b.driver.current_url)
        after_accept = self.history(used_id)
        self.assertNotEqual(after_accept, before[used_id], "the acceptance changed nothing")
        self.assert_refused(used_link, "used", 410, "used")
        self.assertEqual(self.history(used_id), after_accept, "a used link changed the history")

        # Forged: one character of the signature changed.
        token = forged_link.rsplit("/", 1)[1]
        at = token.rfind(".") + 1 + (len(token) - token.rfind(".") - 1) // 2
        changed = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1:]
        self.assert_refused(forged_link.rsplit("/", 1)[0] + "/" + changed, "forged", 404, "forged")
        self.assertEqual(self.history(forged_id), before[forged_id])

        # Another organisation's: Northwind's link under Riverside.
        self.assert_refused(other_link.replace("/l/northwind/", "/l/riverside/"),
                            "other_organisation", 404, "another organisation's")
        self.assertEqual(self.history(other_id), before[other_id])

        # Not a token at all.
        self.assert_refused(f"{w.base}/l/northwind/not-a-link", "malformed", 404, "malformed")

        # The genuine links of the forged and misplaced ones still open their form.
        for link, name in ((forged_link, forged_name), (other_link, other_name)):
            b.open(link, "invitation")
            self.assertTrue(b.exists("#answer"), f"{name}'s genuine link lost its form")
        b.open(f"{w.base}/hr/northwind/login", "HR login")
        b.set_value("#token", self.hr)
        b.submit_with("#sign-in")
        b.open(f"{w.base}/hr/northwind/", "HR overview")
        open_rows = " | ".join(b.table_rows("open-invitations"))
        for name in (forged_name, other_name, late_name):
            self.assertIn(name, open_rows, "#open-invitations lost an unanswered invitation")
        self.assertNotIn(used_name, open_rows, "#open-invitations lists the accepted one")

        # Expired: the clock a day past the link's expiry (serve restarted to read it; no
        # cycle runs, so only the link's own expiry is in play).
        w.set_today(next_day(late["expires_on"]))
        w.restart_serve()
        self.assert_refused(late_link, "expired", 410, "expired")
        self.assertEqual(self.history(late_id), before[late_id], "an expired link changed things")

    def test_2_every_page_is_accessible(self):
        b = self.browser
        caught = b.axe_finds('<!doctype html><html lang="en"><title>t</title><main>'
                             '<input id="unlabelled" type="text"></main></html>')
        self.assertTrue(any(" label " in v for v in caught), f"axe missed a missing label: {caught}")
        self.assertTrue(b.checked, "no page was checked (the test failed before any page)")
        self.assertEqual(b.violations, [], b.accessibility_report())


if __name__ == "__main__":
    unittest.main(verbosity=2)
