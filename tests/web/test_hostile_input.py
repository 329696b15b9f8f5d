"""Hostile input on every route of the app, as every role: no answer may be a 5xx.

The walk reads the URL map (``app.url_map.iter_rules()``), so a new route is covered
without editing this test. Each rule is filled with the sample objects of
``tests/web/test_access.py`` and then attacked:

- every path segment gets values from ``PATH_VALUES`` (NUL, invalid UTF-8, 100 KB, ...);
- every GET page gets query strings from ``QUERY_VALUES`` in every parameter name found
  in its links and GET forms, plus ``QUERY_NAMES``;
- every form found on any page (lxml) is posted with ``FORM_VALUES``: one field at a time
  on top of the page's own values, and all fields at once;
- every POST rule gets hostile JSON bodies (``JSON_BODIES``) and, field by field on top of
  a valid scan body, hostile JSON values (``JSON_VALUES``);
- every rule is sent a method it does not accept.

Values are sampled per route from fixed tables with a fixed seed (not the full cross
product), so the run stays short. Any 5xx, or an exception escaping the app, fails.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qsl, quote_from_bytes, urlencode, urlsplit

import lxml.html
import pytest
from werkzeug.test import encode_multipart

from conference.models import Role
from tests.web.test_access import _build_url, _routes, url_values
from tests.web.test_access import world as world  # noqa: F401  (the shared sample objects)

#: Roles walked: a private-link holder is a client without login using the secret URLs.
ROLE_ORDER = ("organizer", "superuser", "door", "reviewer", "attendee", "other_organizer",
              "anonymous")

#: Raw (already percent-encoded) values put in one path segment.
PATH_VALUES = ["%00", "a%00b", "%ff%fe", "%C0%AF", "x" * 100_000, "2147483648", "-1",
               "99999999999999999999", "%0a%0d", "%E2%80%AE", "..%2F..%2Fetc", "%25", "%20",
               "'%22%3C%3E", "%ef%bf%bd"]

#: Raw byte values for query parameters and form fields.
SCALAR_VALUES = [b"a\x00b", b"\x00", b"\xff\xfe", b"\xc0\xaf", b"A" * 100_000, b"2147483648",
                 b"-2147483649", b"9" * 5000, b"99999999999999999999",
                 b"0001-01-01T00:00", b"9999-12-31T23:59", b"0001-01-01", b"9999-12-31",
                 b"0000-00-00", "\u00b2".encode(), "\u0663".encode(), b"1e309", b"NaN",
                 b"-0", b"[]", b"{}", b"\r\n", b"=1+1", b"<script>x</script>", b" "]
QUERY_VALUES = SCALAR_VALUES
FORM_VALUES = SCALAR_VALUES

#: Query parameter names tried on every GET page besides those its links and forms use.
QUERY_NAMES = ["q", "page", "track", "type", "state", "ticket_type", "paid", "sort", "dir",
               "order", "day", "at", "next", "lang", "code", "kind", "id", "format"]

#: Field names posted to POST-only rules whose form no page shows.
FORM_NAMES = ["name", "email", "password", "q", "next", "lang", "status", "decision",
              "proposal_id", "code", "access_code", "starts_at", "ends_at", "day"]

#: Whole JSON bodies (bytes) sent to every POST rule.
JSON_BODIES = [b"[" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000, b"\xff\xfe",
               b"1" * 5000, b'"\\ud800"', b"null", b"[]", b"{" * 10, b'{"scans": ' +
               b"[" * 3000 + b"]" * 3000 + b"}"]

#: Values put into one field of a valid JSON body.
JSON_VALUES = [None, True, 2**31, 2**63, -(2**31) - 1, 10**400, 1.5, float("1e308"), "",
               "a\x00b", "\ud800", "A" * 100_000, [], {}, ["camera"], {"a": "b"},
               json.loads("[" * 200 + "]" * 200), "0001-01-01T00:00:00+00:00",
               "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
               "9999-12-31T23:59:59+00:00", "2026-05-12T10:00:00"]

#: Values tried per HTML input type on top of the page's own values, one field at a time.
TYPED_VALUES = {
    "date": [b"0001-01-01", b"9999-12-31"],
    "datetime-local": [b"0001-01-01T00:00", b"9999-12-31T23:59"],
    "number": [b"2147483648", b"9" * 5000],
    "select": [b"\r\n", b"2147483648"],
    "checkbox": [b"\x00", b"2147483648"],
    "text": [b"a\x00b", b"A" * 100_000],  # one of them per text field
}
#: Values every form gets in all its fields at once (then a few sampled ones).
ALL_FIELDS_VALUES = [b"a\x00b", b"0001-01-01T00:00", b"9999-12-31T23:59", b"2147483648",
                     b"A" * 100_000]

#: The role that normally uses pages of each access level (``conference.security``).
USER_OF_LEVEL = {"public": "anonymous", "token": "attendee", "staff": "door",
                 "organizer": "organizer", "door": "door", "reviewer": "reviewer",
                 "superuser": "superuser"}

SAMPLES_PER_PATH_ARG = 1
SAMPLES_PER_QUERY = 2
NAMES_PER_QUERY = 2
SAMPLES_PER_FORM = 1
JSON_BODIES_PER_RULE = 2
JSON_VALUES_PER_FIELD = 6
UNEXPECTED_METHODS = ["PUT", "DELETE", "PATCH", "POST"]

#: Endpoints walked last because they end sessions or delete the sample objects.
_LAST = ("logout", "delete", "cancel", "reject", "withdraw", "decline", "deactivate")


@pytest.fixture
def walker(app, world, make_user, login):  # noqa: F811
    return Walker(app, world, make_user(Role.ORGANIZER, superuser=True), login)


class Walker:
    """Sends requests as the roles and records every 5xx or escaped exception."""

    def __init__(self, app, world, superuser, login):  # noqa: F811
        self.app = app
        self.world = world
        self.values = url_values(world)
        self.random = random.Random(11)
        self.failures: list[str] = []
        self.sent = 0
        self.roles_used: set[str] = set()
        users = dict(world["users"], superuser=superuser)
        self.clients = {"anonymous": app.test_client(), "attendee": app.test_client()}
        for role, user in users.items():
            client = app.test_client()
            login(client, user)
            self.clients[role] = client
        self.rules = sorted(_routes(app), key=lambda r: (any(w in r.endpoint for w in _LAST),
                                                         r.rule))

    def send(self, role: str, method: str, url: str, what: str, **kwargs):
        self.sent += 1
        self.roles_used.add(role)
        try:
            response = self.clients[role].open(url, method=method, **kwargs)
        except Exception as error:  # propagated from the app (TESTING): a 500 in production
            self.failures.append(f"{method} {url[:150]} as {role} ({what}): "
                                 f"{type(error).__name__}: {str(error)[:200]}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{method} {url[:150]} as {role} ({what}): "
                                 f"{response.status_code}")
        return response

    def sample(self, values: list, count: int) -> list:
        return self.random.sample(values, min(count, len(values)))

    def role_for(self, rule) -> str:
        """Mostly the role the page is for (or a superuser), sometimes any role."""
        if self.random.random() < 0.25:
            return self.random.choice(ROLE_ORDER)
        return self.random.choice(self.users_of(rule))

    def users_of(self, rule) -> list[str]:
        level = getattr(self.app.view_functions[rule.endpoint], "access", "public")
        return [USER_OF_LEVEL[level], "superuser"]


def _methods(rule) -> set[str]:
    return set(rule.methods) - {"HEAD", "OPTIONS"}


def _segment_urls(rule, values) -> Iterator[tuple[str, str]]:
    """(argument, URL) with one argument replaced by a marker to fill in."""
    for arg in rule.arguments:
        yield arg, _build_url(rule, {**values, arg: "\x01MARK\x01"})


# ------------------------------------------------------------------ discovery


class Pages:
    """What the pages show: the roles admitted to each GET rule, forms and query names."""

    def __init__(self):
        self.admitted: dict[str, list[str]] = {}
        #: (action, method) -> (role, {name: value}, {name: input type}, file field names)
        self.forms: dict[tuple[str, str], tuple[str, dict[str, str], dict[str, str],
                                                set[str]]] = {}
        self.query_names: dict[str, set[str]] = {}


def _discover(walker: Walker) -> Pages:
    pages = Pages()
    for rule in walker.rules:
        if "GET" not in rule.methods:
            continue
        url = _build_url(rule, walker.values)
        for role in walker.users_of(rule):
            response = walker.send(role, "GET", url, "plain page")
            if response is None or response.status_code >= 300:
                continue
            pages.admitted.setdefault(rule.rule, []).append(role)
            if "html" in response.content_type:
                _read_page(pages, role, url, response.get_data())
    return pages


def _read_page(pages: Pages, role: str, url: str, html: bytes) -> None:
    with contextlib.suppress(Exception):  # not HTML after all (an empty body, a fragment)
        tree = lxml.html.fromstring(html)
        names = pages.query_names.setdefault(urlsplit(url).path, set())
        for href in tree.xpath("//a/@href"):
            parts = urlsplit(href)
            if parts.query and (not parts.path or parts.path == urlsplit(url).path):
                names.update(name for name, _ in parse_qsl(parts.query))
        for form in tree.forms:
            action = urlsplit(form.get("action") or url)
            method = (form.get("method") or "get").upper()
            fields = {name: value for name, value in form.form_values()}
            types = {}
            for element in form.inputs:
                if not element.name:
                    continue
                kind = element.get("type") or element.tag
                types[element.name] = kind if kind in TYPED_VALUES else "text"
                if element.name not in fields and kind != "file":
                    fields[element.name] = ""
            files = {i.name for i in form.inputs if i.name and i.get("type") == "file"}
            if method == "GET":
                pages.query_names.setdefault(action.path, set()).update(fields)
                continue
            key = (action.path + (f"?{action.query}" if action.query else ""), method)
            pages.forms.setdefault(key, (role, fields, types, files))


# ------------------------------------------------------------------ the walk


def _walk_path_segments(walker: Walker) -> None:
    for rule in walker.rules:
        for arg, url in _segment_urls(rule, walker.values):
            for value in walker.sample(PATH_VALUES, SAMPLES_PER_PATH_ARG) + ["%00"]:
                role = walker.role_for(rule)
                method = "GET" if "GET" in rule.methods else sorted(_methods(rule))[0]
                walker.send(role, method, url.replace("\x01MARK\x01", value), f"path {arg}")


def _walk_query_strings(walker: Walker, pages: Pages) -> None:
    for rule in walker.rules:
        admitted = pages.admitted.get(rule.rule)
        if not admitted:
            continue
        url = _build_url(rule, walker.values)
        found = sorted(pages.query_names.get(url, set()))
        names = sorted(set(found) | set(QUERY_NAMES))
        for value in walker.sample(QUERY_VALUES, SAMPLES_PER_QUERY):
            query = "&".join(f"{quote_from_bytes(n.encode())}={quote_from_bytes(value)}"
                             for n in names)
            walker.send(walker.random.choice(admitted), "GET", f"{url}?{query}", "query")
        # One parameter at a time, so a refusal of one does not hide another: every name
        # the page uses, and a few of the usual ones.
        for name in found + walker.sample(QUERY_NAMES, NAMES_PER_QUERY):
            value = walker.random.choice(QUERY_VALUES)
            walker.send(walker.random.choice(admitted), "GET",
                        f"{url}?{quote_from_bytes(name.encode())}={quote_from_bytes(value)}",
                        f"query {name}")


def _form_body(fields: dict[str, bytes | str], files: set[str], file_value: bytes):
    data = {name: value.encode() if isinstance(value, str) else value
            for name, value in fields.items()}
    if files:
        multipart = {name: value.decode("utf-8", "replace") for name, value in data.items()}
        # Text parts keep invalid bytes: werkzeug's multipart reader decodes them itself.
        multipart.update({name: (io.BytesIO(file_value), "a\x00b.png") for name in files})
        # Encoded in memory: the test client would spool a large body to an unclosed file.
        boundary, body = encode_multipart(multipart)
        return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}
    return {"data": urlencode(data).encode(),
            "content_type": "application/x-www-form-urlencoded"}


def _walk_forms(walker: Walker, pages: Pages) -> None:
    posted: set[str] = set()
    for (action, method), (role, fields, types, files) in sorted(
            pages.forms.items(), key=lambda item: any(w in item[0][0] for w in _LAST)):
        posted.add(urlsplit(action).path)
        for name in sorted(fields):
            kind = types.get(name, "text")
            values = TYPED_VALUES[kind]
            for value in walker.sample(values, 1) if kind == "text" else values:
                walker.send(role, method, action, f"form field {name}",
                            **_form_body({**fields, name: value}, files, value))
        for value in ALL_FIELDS_VALUES + walker.sample(FORM_VALUES, SAMPLES_PER_FORM):
            walker.send(role, method, action, "form, every field",
                        **_form_body(dict.fromkeys(fields, value), files, value))
    # POST rules whose form no page showed (or that only scripts call).
    for rule in walker.rules:
        url = _build_url(rule, walker.values)
        if "POST" not in rule.methods or url in posted:
            continue
        for value in ALL_FIELDS_VALUES[:1] + walker.sample(FORM_VALUES, SAMPLES_PER_FORM):
            walker.send(walker.role_for(rule), "POST", url, "form, guessed fields",
                        **_form_body(dict.fromkeys(FORM_NAMES, value), set(), value))


def _valid_scan(walker: Walker) -> dict:
    return {"code": walker.world["registration"].ticket_code, "nonce": uuid.uuid4().hex,
            "checkpoint": walker.world["checkpoint"].id, "source": "camera",
            "scanned_at": "2026-05-12T08:30:00+00:00", "local_verdict": "welcome"}


def _walk_json(walker: Walker) -> None:
    post_rules = [r for r in walker.rules if "POST" in r.methods]
    staff = ["door", "organizer", "superuser"]
    for rule in post_rules:
        url = _build_url(rule, walker.values)
        for body in walker.sample(JSON_BODIES, JSON_BODIES_PER_RULE):
            walker.send(walker.role_for(rule), "POST", url, f"json body {body[:12]!r}",
                        data=body, content_type="application/json")
        if "/api/" not in rule.rule:
            continue
        for body in JSON_BODIES:
            walker.send(walker.random.choice(staff), "POST", url, f"json body {body[:12]!r}",
                        data=body, content_type="application/json")
        fields = [*_valid_scan(walker), "registration_id", "scans"]
        for field in fields:
            for value in walker.sample(JSON_VALUES, JSON_VALUES_PER_FIELD):
                scan = _valid_scan(walker)
                scan[field] = value
                for body in (scan, {"scans": [scan]}):
                    walker.send(walker.random.choice(staff), "POST", url, f"json {field}",
                                data=json.dumps(body), content_type="application/json")


def _walk_methods(walker: Walker) -> None:
    for rule in walker.rules:
        unexpected = [m for m in UNEXPECTED_METHODS if m not in rule.methods]
        url = _build_url(rule, walker.values)
        walker.send(walker.role_for(rule), walker.random.choice(unexpected), url,
                    "unexpected method")


def test_no_hostile_input_on_any_route_gives_a_server_error(walker):
    pages = _discover(walker)
    assert len(pages.forms) > 20 and len(pages.admitted) > 50  # the walk reached the app
    _walk_path_segments(walker)
    _walk_query_strings(walker, pages)
    _walk_json(walker)
    _walk_methods(walker)
    _walk_forms(walker, pages)  # last: some forms delete the sample objects
    assert walker.sent > 1000, walker.sent
    assert walker.roles_used == set(ROLE_ORDER)
    assert not walker.failures, f"{len(walker.failures)} of {walker.sent} requests failed:\n" + \
        "\n".join(walker.failures[:80])
