"""Sign-in throttling (blueprint/login_throttle.py): one count per account whatever its spelling,
places taken atomically before the password is checked, the lock on the sign-in page and the
admin's alike. The same rules across processes: tests/faults/test_two_web_nodes.py; with the cache
unreachable: tests/faults/test_cache_unreachable.py."""
import threading

import pytest
from django.test import Client

from blueprint import login_throttle

WRONG = "Please enter a correct username and password"


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.parametrize("spelling", ["Editor", "EDITOR", "ｅｄｉｔｏｒ", "ＥＤＩＴＯＲ", " editor ", "editor\u00a0"])
def test_every_spelling_of_a_username_counts_against_one_account(personas, spelling):
    for n in range(5):
        response = _login(Client(REMOTE_ADDR=f"10.0.0.{n}"), spelling if n % 2 else "editor", "wrong")
        assert response.status_code == 200 and WRONG in response.content.decode()
    for variant in ("editor", spelling):
        assert _login(Client(REMOTE_ADDR="10.9.9.9"), variant, "demo").status_code == 429


def test_the_key_is_the_nfkc_casefolded_stripped_username():
    spellings = ("Admin", "admin", "ＡＤＭＩＮ", "ａｄｍｉｎ", "  ADMIN ")
    assert len({login_throttle.normalise(name) for name in spellings}) == 1
    assert login_throttle.normalise("Straße") == login_throttle.normalise("STRASSE")
    assert login_throttle.normalise("admin") != login_throttle.normalise("admin2")


def test_the_attempt_that_takes_the_last_place_locks_and_the_lock_names_its_duration(personas):
    client = Client()
    for _ in range(5):
        assert WRONG in _login(client, "editor", "wrong").content.decode()
    response = _login(client, "editor", "demo")
    assert response.status_code == 429 and "paused for 15 minutes" in response.content.decode()
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60


def test_concurrent_attempts_get_exactly_the_limit_of_places(db, settings):
    """Twenty attempts at once: five get a place (their password is checked), fifteen are refused."""
    settings.LOGIN_THROTTLE_USER_LIMIT = 5
    places, refused, start = [], [], threading.Barrier(20)

    def attempt(n):
        start.wait()
        try:
            places.append(login_throttle.begin(["Boss", "boss", "ＢＯＳＳ"][n % 3], f"10.2.0.{n}"))
        except login_throttle.Locked:
            refused.append(n)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(places), len(refused)) == (5, 15)
    for place in places:
        place.failed()
    with pytest.raises(login_throttle.Locked) as locked:
        login_throttle.begin("boss", "10.3.0.1")
    assert locked.value.seconds > 14 * 60


def test_a_success_gives_its_places_back_so_an_office_behind_one_address_is_never_locked(personas, settings):
    settings.LOGIN_THROTTLE_IP_LIMIT = 3
    office = Client(REMOTE_ADDR="10.4.0.1")
    for _ in range(10):
        assert _login(office, "editor", "demo").status_code == 302
        office.logout()
    for name in ("a", "b"):
        _login(office, name, "wrong")
    assert _login(office, "hr", "demo").status_code == 302  # the third place, given back by the success
    office.logout()
    _login(office, "c", "wrong")
    assert _login(office, "hr", "demo").status_code == 429  # three failures from this address


def test_a_form_without_a_password_checks_nothing_and_takes_no_place(personas):
    client = Client()
    for _ in range(10):
        assert _login(client, "editor", "").status_code == 200
    assert _login(client, "editor", "demo").status_code == 302
