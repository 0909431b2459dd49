"""The whole path of one mentee, in a real browser, from her inbox (ctest -L browser).

Northwind Health Trust, programme A (`return-to-work`): the organisation whose
invitations, pairs and surveys all run (every module on). No reference programme
both invites by leave and lets a mentor accept a proposed mentee: A and B invite
by leave but pair by HR; only C (`career-network`) has participant choice, and C
invites nobody (volunteers are nominated). So this private copy turns A's
`participant_choice` on (C's rules: the mentee asks, the mentor accepts or
declines), and one mentee walks every link: her invitation, her mentor's
proposal, their pair page, her survey. `evaluation_min_group_size` is 2 in the
copy, so two mentees' answers make a figure HR can see.

Isla Turner (E1372, maternity leave from 2027-03-12) is invited on 2026-12-01;
Folasade Adeyemi (E1142) is her mentor. Dafydd Evans (E1246, paired by HR with
Ffion Brown, E1442) answers the same survey, so the answers reach the group size.
"""

import sys
import time
import unittest

from harness import Browser, World, shows_date

TODAY = "2026-12-01"
SURVEY_DAY = "2027-03-01"  # pairing + 90 days: programme A's mid-programme surveys
GOAL = "Come back to leading the radiology team with confidence"
WISHES = "A mentor who returned to a management role after leave"
NOTES = "First meeting: planned the handover before the leave"


class ParticipantPath(unittest.TestCase):
    world: World
    browser: Browser

    @classmethod
    def setUpClass(cls):
        cls.started = time.monotonic()
        cls.world = World("path")
        try:
            cls.world.edit_json("programmes/return-to-work.json", lambda p: p.__setitem__(
                "participant_choice", {"mentee_requests_mentor": True, "mentor_may_decline": True}))
            cls.world.edit_json("demo/orgs/northwind.json", lambda o: o["policy"].__setitem__(
                "evaluation_min_group_size", 2))
            # The mentees' pairing induction (programme A's mentee course), done.
            for person in ("E1372", "E1246"):
                cls.world.add_training(f"{person},RTW-PAIR-01,Return-to-work pairing induction,"
                                       "2026-11-20,")
            cls.world.prepare()
            cls.world.set_today(TODAY)
            cls.hr = cls.world.token("northwind", "hr")
            cls.system = cls.world.token("northwind", "system")
            cls.isla_token = cls.world.token("northwind", "mentee", "E1372")
            cls.world.start_serve()
            cls.browser = Browser(cls.world)
        except BaseException:
            cls.world.close()
            raise
        cls.email = cls.world.emails

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "browser", None):
            cls.browser.close()
        cls.world.close()
        print(f"\nbrowser path: {time.monotonic() - cls.started:.1f} s", file=sys.stderr)

    # ---- helpers -----------------------------------------------------------------
    def step(self, words):
        print(f"[{time.monotonic() - self.started:5.1f} s] {words}", file=sys.stderr, flush=True)

    def hr_login(self):
        b = self.browser
        b.open(f"{self.world.base}/hr/northwind/login", "HR login")
        b.set_value("#token", self.hr)
        b.submit_with("#sign-in")
        self.assertTrue(b.driver.current_url.rstrip("/").endswith("/hr/northwind"),
                        f"after signing in: {b.driver.current_url}: {b.text()[:500]}")

    def hr_overview(self, label):
        self.browser.open(f"{self.world.base}/hr/northwind/", label)

    def rows_naming(self, table, *words):
        return [r for r in self.browser.table_rows(table) if all(w in r for w in words)]

    # ---- the path ----------------------------------------------------------------
    def test_1_the_whole_path_from_the_inbox(self):
        w, b = self.world, self.browser
        isla, folasade = self.email["E1372"], self.email["E1142"]

        self.step("1. The run invites Isla: her invitation arrives by mail.")
        # 1. The run invites Isla: her invitation arrives by mail.
        w.run_cycle(TODAY)
        invitation = w.link_for(isla, "invitation", self.system)
        self.hr_login()
        self.hr_overview("HR overview, invitations out")
        self.assertTrue(self.rows_naming("open-invitations", "Isla Turner"),
                        f"#open-invitations: {b.table_rows('open-invitations')}")

        self.step("2. She opens it, reads the consent text, states her goal and wishes, a")
        # 2. She opens it, reads the consent text, states her goal and wishes, accepts.
        b.open(invitation, "invitation")
        self.assertIn("Return-to-work mentoring", b.text())
        b.tick("#consent")
        b.set_value("#goal", GOAL)
        b.set_value("#wishes", WISHES)
        b.submit_with("#accept")
        b.wait_for("#result")
        self.assertIn("done=accepted", b.driver.current_url)
        b.check_accessibility("invitation accepted")
        self.hr_overview("HR overview, invitation accepted")
        self.assertFalse(self.rows_naming("open-invitations", "Isla Turner"),
                         "Isla accepted but is still an open invitation")
        enrolments = " ".join(b.table_rows("enrolments"))
        self.assertRegex(enrolments, r"awaiting[ _]pair", f"#enrolments: {enrolments}")
        self.assertNotIn(GOAL, b.driver.page_source, "HR sees the mentee's goal")

        self.step("HR nominates the mentors; a second pair for the survey's group (HR's c")
        # HR nominates the mentors; a second pair for the survey's group (HR's commands).
        w.api_ok("accept", {"programme": "return-to-work", "person_id": "E1246"}, self.hr)
        for mentor in ("E1142", "E1442"):
            w.api_ok("nominate", {"programme": "return-to-work", "person_id": mentor,
                                  "role": "mentor"}, self.hr)
        w.api_ok("pair", {"programme": "return-to-work", "mentee_id": "E1246",
                          "mentor_id": "E1442"}, self.hr)

        self.step("3. Isla asks Folasade to be her mentor (her own token); the run mails ")
        # 3. Isla asks Folasade to be her mentor (her own token); the run mails Folasade.
        asked = w.api_ok("pairing_request", {"mentee_id": "E1372", "mentor_id": "E1142"},
                         self.isla_token)
        self.assertEqual(asked["state"], "proposed", asked)
        before = w.mail_count()
        w.run_cycle()
        proposal = w.link_for(folasade, "mentor_proposal", self.system, after=before)
        b.open(proposal, "mentor proposal")
        self.assertIn("Isla Turner", b.text())
        self.assertIn(GOAL, b.text(), "the mentor's proposal page does not show the mentee's goal")
        b.submit_with("#accept")
        b.wait_for("#result")
        self.assertIn("done=accepted", b.driver.current_url)
        b.check_accessibility("mentor proposal accepted")
        self.hr_overview("HR overview, paired")
        self.assertTrue(self.rows_naming("pairs", "Isla Turner", "Folasade Adeyemi"),
                        f"#pairs: {b.table_rows('pairs')}")

        self.step("4. The run tells both; Isla logs their first meeting on the pair's own")
        # 4. The run tells both; Isla logs their first meeting on the pair's own page.
        before = w.mail_count()
        w.run_cycle()
        pair_page = w.link_for(isla, "pair", self.system, after=before)
        mentor_pair_page = w.link_for(folasade, "pair", self.system, after=before)
        b.open(pair_page, "pair page (mentee)")
        self.assertIn("Folasade Adeyemi", b.text())
        self.assertIn(GOAL, b.text(), "the pair page does not show the mentee's goal")
        b.set_value("#meeting-date", TODAY)
        b.set_value("#meeting-notes", NOTES)
        b.submit_with("#log-meeting [type=submit], #log-meeting button")
        b.wait_for("#result")
        self.assertIn("done=logged", b.driver.current_url)
        b.check_accessibility("pair page, meeting logged")
        b.open(mentor_pair_page, "pair page (mentor)")
        self.assertIn(NOTES, b.text(), "the mentor does not see the pair's shared notes")
        self.assertIn("Isla Turner", b.text())
        self.step("The next meeting moved by the mentor.")
        # The next meeting moved by the mentor.
        b.set_value("#next-date", "2026-12-15")
        b.set_value("#next-time", "10:00")
        b.submit_with("#move-next [type=submit], #move-next button")
        b.wait_for("#result")
        self.assertIn("done=moved", b.driver.current_url)
        b.open(pair_page, "pair page, next meeting moved")
        self.assertIn(NOTES, b.text())
        self.assertTrue(shows_date(b.text(), "2026-12-15"),
                        f"the mentee's pair page misses the moved meeting: {b.text()[:600]}")
        sessions = w.api_ok("session_list", {"pair_id": asked["pair_id"]}, self.hr)
        self.assertIn(TODAY, str(sessions), f"session_list: {sessions}")
        self.hr_overview("HR overview, meeting logged")
        rows = self.rows_naming("pairs", "Isla Turner")
        self.assertTrue(rows and shows_date(rows[0], TODAY), f"#pairs (last meeting {TODAY}): {rows}")
        self.assertNotIn(NOTES, b.driver.page_source, "HR sees the pair's notes")

        self.step("5. Ninety days on, the surveys go out; both mentees answer from their ")
        # 5. Ninety days on, the surveys go out; both mentees answer from their mail.
        before = w.mail_count()
        w.run_cycle(SURVEY_DAY)
        w.restart_serve()  # serve's clock is host.json's today, read at start
        for person, label in (("E1372", "survey"), ("E1246", "survey (second mentee)")):
            survey = w.link_for(self.email[person], "survey", self.system, after=before)
            questions = w.link_view(survey, self.system)["view"]["survey"]["questions"]
            b.open(survey, label)
            answered = b.answer_survey(questions, "More time for the handover")
            self.assertIn("useful", answered, f"survey questions on the page: {answered}")
            b.submit_with("#submit")
            b.wait_for("#result")
            self.assertIn("done=answered", b.driver.current_url)
            b.check_accessibility(f"{label} answered")
            b.open(survey, f"{label} link again")
            self.assertEqual(b.invalid_reason(), "used", "a survey link works twice")

        self.step("6. HR sees the answers together (two: the copy's smallest group).")
        # 6. HR sees the answers together (two: the copy's smallest group).
        report = w.api_ok("evaluation_report", {"programme": "return-to-work"}, self.hr)
        mid = [s for p in report["programmes"] for s in p["surveys"] if s["survey"] == "mid-mentee"]
        self.assertEqual(mid[0].get("answered"), 2, f"evaluation_report: {mid}")
        self.hr_login()  # a new serve process: a new session
        b.open(f"{w.base}/hr/northwind/evaluation", "HR evaluation")
        rows = self.rows_naming("surveys", "Mid-programme survey (mentees)")
        self.assertTrue(rows and "suppressed" not in rows[0] and "100" in rows[0],
                        f"#surveys (2 invited, 2 answered): {b.table_rows('surveys')}")
        b.open(f"{w.base}/hr/northwind/proposals", "HR proposals")
        b.open(f"{w.base}/hr/northwind/supervision", "HR supervision")
        self.hr_overview("HR overview, after the surveys")

    def test_3_each_mail_carries_only_its_recipients_links(self):
        # A link acts as the person it names: in someone else's mail it lets them act as that
        # person (log meetings, notes as the mentee). Checked on every mail the path opened.
        self.assertEqual(self.world.foreign_links, [], "\n".join(self.world.foreign_links))

    def test_2_every_page_is_accessible(self):
        b = self.browser
        caught = b.axe_finds('<!doctype html><html lang="en"><title>t</title><main>'
                             '<input id="unlabelled" type="text"></main></html>')
        self.assertTrue(any(" label " in v for v in caught), f"axe missed a missing label: {caught}")
        self.assertTrue(b.checked, "no page was checked (the path failed before any page)")
        self.assertEqual(b.violations, [], b.accessibility_report())


if __name__ == "__main__":
    unittest.main(verbosity=2)
