"""Locust: phones at a venue's entrance checking in (issue 18: the check-in POST p95 < 50 ms
with 50 phones at once). Started by `bench/loadtest.py --checkin`, which makes the event and
its registrations and passes LOADTEST_CHECKIN_URL (the signed link) and LOADTEST_PEOPLE (a
file of "name<TAB>last 4" lines).

Each simulated user is one phone in the queue: it opens the link from the QR code (GET), the
person types their name and the last 4 characters (a few seconds), submits once (POST), and
the next person in line steps up (a few seconds). Every person is a different registration,
so every POST writes a new check-in — the expensive answer, not the "already checked in" one.
"""

import itertools
import os

from locust import HttpUser, SequentialTaskSet, between, task

URL = os.environ.get("LOADTEST_CHECKIN_URL", "/")
with open(os.environ["LOADTEST_PEOPLE"], encoding="utf-8") as handle:
    PEOPLE = [line.rstrip("\n").split("\t") for line in handle if line.strip()]
_people = itertools.cycle(PEOPLE)  # a run needs fewer people than are registered (the driver sees to it)

GET_NAME, POST_NAME = "check-in page (GET)", "check-in (POST)"


class Arrival(SequentialTaskSet):
    @task
    def open_page(self):
        self.client.cookies.clear()  # the next person's own phone
        with self.client.get(URL, name=GET_NAME, catch_response=True) as response:
            if response.status_code != 200 or b'id="checkin-form"' not in response.content:
                response.failure(f"HTTP {response.status_code}, no form")

    @task
    def submit(self):
        name, last4 = next(_people)
        with self.client.post(URL, {"name": name, "last4": last4}, name=POST_NAME, catch_response=True) as response:
            if response.status_code != 200 or b'id="checkin-done"' not in response.content:
                response.failure(f"HTTP {response.status_code}, not checked in")


class Phone(HttpUser):
    # After the page opens: typing a name and 4 characters; after submitting: the next person.
    wait_time = between(3, 8)
    tasks = [Arrival]
