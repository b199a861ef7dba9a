"""Locust users for the load-and-soak run (bench/load_run.py starts it headless).

A realistic mix on one live programme:
* participants sign in, read their inbox, the CR, the register and the dashboard, and save then
  submit (and later amend) their organisation's impact-assessment response through the API with
  If-Match, as a party's own tool would;
* PMO staff read the register and edit commentary and reforecast milestones through the API
  (each PMO client owns its own milestones, so a 412 here would be a real error);
* steering group members read the pack page, download the Full edition PDF and read the
  dashboard and RAID log.
Every accepted write is recorded and written to --writes-log at the end, so the runner can
check that each one is in the database.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import re
import threading
from pathlib import Path

from locust import HttpUser, between, events, task

FIXTURE = json.loads(Path(os.environ["LOAD_FIXTURE"]).read_text())
WRITES_LOG = os.environ["LOAD_WRITES_LOG"]
_lock = threading.Lock()
_participants = itertools.cycle(FIXTURE["participants"])
_pmo_slots = itertools.count()
_steering = itertools.cycle(FIXTURE["steering"])
WRITES = {"responses": {}, "commentary": {}, "reforecasts": {}}


@events.test_stop.add_listener
def _write_log(**kwargs):
    with open(WRITES_LOG, "w") as out:
        json.dump(WRITES, out)


def _sign_in(user, email):
    page = user.client.get("/accounts/login/", name="login page")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    user.client.post(
        "/accounts/login/",
        {"username": email, "password": FIXTURE["password"], "csrfmiddlewaretoken": token},
        headers={"Referer": user.host + "/accounts/login/"},
        name="sign in",
    )


class Participant(HttpUser):
    weight = 6
    wait_time = between(1, 4)

    def on_start(self):
        with _lock:
            self.me = next(_participants)
        self.api = {"Authorization": f"Token {self.me['token']}"}
        self.etag = None
        self.edits = 0
        _sign_in(self, self.me["email"])

    @task(3)
    def inbox(self):
        self.client.get("/change-requests/inbox/", name="IA inbox")

    @task(3)
    def read_cr(self):
        self.client.get(f"/change-requests/{FIXTURE['cr']}/", name="CR page")

    @task(2)
    def register(self):
        self.client.get("/milestones/", name="milestone register")

    @task(1)
    def dashboard(self):
        self.client.get("/dashboards/", name="programme dashboard")

    @task(2)
    def respond(self):
        url = f"/api/change-requests/{FIXTURE['cr']}/my-response/"
        if self.etag is None:
            current = self.client.get(
                url, headers=self.api, name="API my response", catch_response=True
            )
            with current as answer:
                if answer.status_code == 404:
                    answer.success()
                    self.etag = '"0"'
                elif answer.status_code == 200:
                    self.etag = answer.headers["ETag"]
        self.edits += 1
        body = {
            "recommendation": ("yes", "no", "abstain")[self.me["organisation_id"] % 3],
            "rationale": "Cost of change outweighs benefit for us",
            "benefits": f"Edit {self.edits} from {self.me['email']}",
            "submit": self.edits >= 2,
        }
        with self.client.put(
            url,
            json=body,
            headers={**self.api, "If-Match": self.etag},
            name="API save/submit response",
            catch_response=True,
        ) as answer:
            if answer.status_code == 200:
                self.etag = answer.headers["ETag"]
                with _lock:
                    WRITES["responses"][str(self.me["organisation_id"])] = {
                        "benefits": body["benefits"],
                        "status": answer.json()["status"],
                    }


class Pmo(HttpUser):
    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        with _lock:
            slot = next(_pmo_slots)
        # Each PMO client owns every sixteenth milestone from its own offset: no two clients
        # edit the same record, so any 412 would be a real lost-update bug.
        self.milestones = FIXTURE["milestones"][slot % 16 :: 16] or FIXTURE["milestones"]
        self.api = {"Authorization": f"Token {FIXTURE['pmo']['token']}"}
        self.turn = itertools.cycle(self.milestones)
        _sign_in(self, FIXTURE["pmo"]["email"])

    def _read(self, pk):
        answer = self.client.get(f"/api/milestones/{pk}/", headers=self.api, name="API milestone")
        return answer.headers.get("ETag"), answer.json()

    @task(2)
    def register(self):
        self.client.get("/milestones/?sort=forecast", name="milestone register")

    @task(3)
    def comment(self):
        pk = next(self.turn)
        etag, _ = self._read(pk)
        text = f"Checked under load at {datetime.datetime.now().isoformat()}"
        answer = self.client.patch(
            f"/api/milestones/{pk}/",
            json={"commentary": text},
            headers={**self.api, "If-Match": etag},
            name="API edit commentary",
        )
        if answer.status_code == 200:
            with _lock:
                WRITES["commentary"][str(pk)] = text

    @task(1)
    def reforecast(self):
        pk = next(self.turn)
        etag, milestone = self._read(pk)
        current = datetime.date.fromisoformat(milestone["forecast_date"])
        answer = self.client.post(
            f"/api/milestones/{pk}/reforecast/",
            json={
                "forecast_date": (current + datetime.timedelta(days=7)).isoformat(),
                "reason": "Load test slip",
            },
            headers={**self.api, "If-Match": etag},
            name="API reforecast",
        )
        if answer.status_code == 200:
            with _lock:
                WRITES["reforecasts"][str(pk)] = WRITES["reforecasts"].get(str(pk), 0) + 1


class Steering(HttpUser):
    weight = 2
    wait_time = between(2, 5)

    def on_start(self):
        with _lock:
            self.me = next(_steering)
        _sign_in(self, self.me["email"])

    @task(2)
    def pack_page(self):
        self.client.get(f"/dashboards/packs/meeting/{FIXTURE['meeting']}/", name="pack page")

    @task(2)
    def download_full(self):
        answer = self.client.get(
            f"/dashboards/packs/versions/{FIXTURE['version']}/full.pdf",
            name="download Full edition PDF",
            catch_response=True,
        )
        with answer as response:
            if response.status_code == 200 and not response.content.startswith(b"%PDF"):
                response.failure("not a PDF")

    @task(2)
    def dashboard(self):
        self.client.get("/dashboards/", name="programme dashboard")

    @task(1)
    def raid(self):
        self.client.get("/raid/", name="RAID log")
