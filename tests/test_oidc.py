"""Signing in with the organisation's identity provider over OpenID Connect (issue 19 item 1),
against a real provider: panva/node-oidc-provider (OpenID Certified), run by node from
tests/oidc/ (the README's test command installs it), with its own login and consent pages. The
test is the browser: it follows every redirect and fills in the provider's forms."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from emeeting import accounts
from emeeting.config import OidcSettings
from emeeting.storage.opening import open_storage
from tests.support import TIMEOUT, RunningServer, listening_socket, make_settings, start_server

PROVIDER = Path(__file__).parent / "oidc"
CLIENT_ID, CLIENT_SECRET = "emeeting", "a-client-secret-for-the-tests"
PASSWORD = "ความลับยาวพอ-2567"

MISSING = shutil.which("node") is None or not (PROVIDER / "node_modules" / "oidc-provider").exists()
if MISSING and os.environ.get("CI"):
    pytest.fail("the README's test command installs node and tests/oidc (npm ci --prefix tests/oidc)", pytrace=False)
pytestmark = pytest.mark.skipif(
    MISSING, reason="node and tests/oidc/node_modules (npm ci --prefix tests/oidc) are needed"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    sock = listening_socket()
    redirect = f"http://127.0.0.1:{sock.getsockname()[1]}/signin/oidc/callback"
    node = subprocess.Popen(
        ["node", str(PROVIDER / "provider.mjs"), CLIENT_ID, CLIENT_SECRET, redirect],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert node.stdout is not None
        issuer = node.stdout.readline().split()[-1]  # "issuer http://127.0.0.1:PORT", once it listens
        settings = dataclasses.replace(
            make_settings(tmp_path_factory.mktemp("oidc")), oidc=OidcSettings(issuer, CLIENT_ID, CLIENT_SECRET)
        )
        handle = start_server(settings, sock=sock)
        try:
            yield handle.running
        finally:
            handle.stop()
    finally:
        node.terminate()
        node.wait(TIMEOUT)
        assert node.stdout is not None
        node.stdout.close()


async def account(running: RunningServer, login: str, email: str) -> None:
    store = await open_storage(running.settings)
    try:
        await accounts.create(store, login=login, name="นางสมศรี มีสุข", email=email, password=PASSWORD, actor="test")
    finally:
        await store.close()


def form_of(page: str, base: str) -> tuple[str, dict[str, str]]:
    """The first form of a provider's page: where it posts, and its named fields' values."""
    found = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', page, re.S)
    assert found is not None, page[:2000]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", found.group(2)):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name is not None:
            fields[name.group(1)] = value.group(1) if value is not None else ""
    return urljoin(base, found.group(1)), fields


async def through_the_provider(http: httpx.AsyncClient, start: str, login: str) -> httpx.Response:
    """A browser from ``start`` to the answer of emeeting's callback: every redirect followed,
    the provider's login form filled in with ``login``, its consent given."""
    answer = await http.get(start)
    for _ in range(12):
        if answer.is_redirect:
            target = urljoin(str(answer.url), answer.headers["location"])
            if "/signin/oidc/callback" in target:
                return await http.get(target)
            answer = await http.get(target)
            continue
        action, fields = form_of(answer.text, str(answer.url))
        if "login" in fields:
            fields.update(login=login, password="anything")  # the provider's own development login
        answer = await http.post(action, data=fields)
    raise AssertionError("the provider never sent the browser back")


async def test_a_person_signs_in_with_the_organisations_provider(served: RunningServer) -> None:
    await account(served, "somsri", "Somsri@Office.Example")
    async with httpx.AsyncClient(base_url=served.url, timeout=TIMEOUT) as http:
        page = await http.get("/signin")
        assert 'href="/signin/oidc"' in page.text and "บัญชีของหน่วยงาน" in page.text
        to_provider = await http.get("/signin/oidc")
        assert to_provider.status_code == 303
        asked = parse_qs(urlsplit(to_provider.headers["location"]).query)
        assert asked["code_challenge_method"] == ["S256"] and asked["state"] and asked["nonce"]
        done = await through_the_provider(http, to_provider.headers["location"], "somsri@office.example")
        assert done.status_code == 303 and done.headers["location"] == "/"
        assert "emeeting_account=a1." in done.headers["set-cookie"]
        home = await http.get("/")
        assert "นางสมศรี มีสุข" in home.text and "Signed in as" in home.text
    store = await open_storage(served.settings)
    try:
        signed = [row for row in await store.accounts.audit() if row.action == "sign_in"]
        assert signed and signed[-1].detail.startswith("oidc")
    finally:
        await store.close()


async def test_an_identity_without_an_account_or_a_forged_answer_signs_nobody_in(served: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=served.url, timeout=TIMEOUT) as http:
        start = (await http.get("/signin/oidc")).headers["location"]
        refused = await through_the_provider(http, start, "stranger")
        assert refused.status_code == 403 and "no_account" in refused.text
        assert "stranger@office.example" in refused.text and "emeeting_account" not in refused.headers.get(
            "set-cookie", ""
        )
    async with httpx.AsyncClient(base_url=served.url, timeout=TIMEOUT) as http:
        await account(served, "kanya", "kanya@office.example")
        start = (await http.get("/signin/oidc")).headers["location"]
        # The provider's answer, sent back with another state (a page elsewhere forging it): refused.
        answer = await http.get(start)
        for _ in range(12):
            if answer.is_redirect and "/signin/oidc/callback" in answer.headers["location"]:
                break
            if answer.is_redirect:
                answer = await http.get(urljoin(str(answer.url), answer.headers["location"]))
                continue
            action, fields = form_of(answer.text, str(answer.url))
            if "login" in fields:
                fields.update(login="kanya@office.example", password="x")
            answer = await http.post(action, data=fields)
        callback = answer.headers["location"]
        forged = re.sub(r"state=[^&]+", "state=forged", callback)
        assert (await http.get(forged)).status_code == 400
        assert "Signed in as" not in (await http.get("/")).text
