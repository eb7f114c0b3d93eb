"""The key at the edges: cut error bodies, every spelling of labelbox.com, and the CLI's
uncaught-error path under the lowest typer that pyproject allows."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiolabel import AsyncClient
from aiolabel._secrets import MIN_RUN, canonical_host, is_labelbox_host, redact
from aiolabel.errors import AuthenticationError, InputError, LabelboxError, error_from_response

KEY = "lbemu_" + "Zq7LbMbYoP14ViEdgeKey0123456789abc"
ROOT = Path(__file__).resolve().parents[2]


def leaked(text: str, key: str = KEY) -> list[str]:
    """Runs of ``MIN_RUN`` characters of the key found in ``text``."""
    return [
        key[i : i + MIN_RUN] for i in range(len(key) - MIN_RUN + 1) if key[i : i + MIN_RUN] in text
    ]


# -- bodies redacted before they are cut ----------------------------------------------------------


@pytest.mark.parametrize("at", [480, 490, 495, 499, 500, 505])
def test_a_key_echoed_near_the_cut_is_masked(at: int) -> None:
    body = "x" * (at - len("token=")) + "token=" + KEY + " and more" * 20
    err, _ = error_from_response(400, "Bad Request", body, redact=lambda t: redact(t, KEY))
    assert err is not None
    assert leaked(str(err)) == []


def test_a_prefix_of_the_key_is_masked() -> None:
    assert leaked(redact(f"bad token {KEY[:20]}...", KEY)) == []
    assert redact("nothing secret here", KEY) == "nothing secret here"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429])
async def test_the_client_masks_a_cut_echo(status: int) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, text="y" * 487 + "token=" + KEY + "z" * 600)

    client = AsyncClient(
        api_key=KEY,
        endpoint="https://emulator.test/graphql",
        transport=httpx.MockTransport(answer),
        max_retries=0,
    )
    async with client:
        with pytest.raises(LabelboxError) as caught:
            await client.get_user()
    text = str(caught.value) + repr(caught.value) + repr(caught.value.args)
    assert leaked(text) == []


# -- an emulator key never goes to labelbox.com, however the host is spelled --------------------

_labels = st.lists(st.sampled_from(["api", "app", "www", "x-1", "eu"]), max_size=2)


@st.composite
def labelbox_urls(draw: st.DrawFn) -> str:
    names = [*draw(_labels), "labelbox", "com"]
    host = ""
    for i, name in enumerate(names):
        cased = "".join(c.upper() if draw(st.booleans()) else c for c in name)
        host += cased + ("" if i == len(names) - 1 else draw(st.sampled_from([".", "。"])))
    host += "." * draw(st.integers(0, 2))
    port = draw(st.sampled_from(["", ":443", ":8443"]))
    user = draw(st.sampled_from(["", "user@", "a:b@"]))
    scheme = draw(st.sampled_from(["https", "HTTPS", "http"]))
    return f"{scheme}://{user}{host}{port}/graphql"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(labelbox_urls())
def test_an_emulator_key_is_refused_for_every_spelling_of_labelbox(url: str) -> None:
    with pytest.raises((AuthenticationError, InputError)) as caught:
        AsyncClient(api_key=KEY, endpoint=url)
    assert leaked(str(caught.value)) == []


@pytest.mark.parametrize(
    "host",
    [
        "API.Labelbox.COM.",
        "api.labelbox.com..",
        "labelbox.com.",
        "api%2Elabelbox.com",
        "[api.labelbox.com]",
    ],
)
def test_canonical_host_spellings(host: str) -> None:
    assert is_labelbox_host(host)
    assert canonical_host(host).endswith("labelbox.com")


@pytest.mark.parametrize("host", ["labelbox.com.evil.example", "notlabelbox.com", "127.0.0.1"])
def test_other_hosts_are_not_labelbox(host: str) -> None:
    assert not is_labelbox_host(host)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(
        ["example.invalid", "127.0.0.1.nip.io", "0.0.0.0", "10.0.0.1", "localhost.example"]
    ),
    st.integers(0, 2),
    st.booleans(),
)
def test_plain_http_to_a_non_loopback_host_is_refused_however_spelled(
    host: str, dots: int, upper: bool
) -> None:
    spelled = (host.upper() if upper else host) + "." * dots
    with pytest.raises(InputError, match="plain http"):
        AsyncClient(api_key=KEY, endpoint=f"http://{spelled}:8080/graphql")


# -- the CLI's uncaught-error path with the lowest allowed typer ----------------------------------


def _lowest_typer() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (spec,) = [
        d for d in project["project"]["optional-dependencies"]["cli"] if d.startswith("typer")
    ]
    assert ">=" in spec, f"typer needs a lower bound in pyproject: {spec}"
    return spec.split(">=", 1)[1].split(",", 1)[0].strip()


@pytest.fixture(scope="session")
def lowest_typer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    version = _lowest_typer()
    target = tmp_path_factory.mktemp("typer-lowest")
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            f"typer=={version}",
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    if ran.returncode != 0:
        pytest.skip(f"typer=={version} cannot be installed here: {ran.stderr[-300:]}")
    return target


SCRIPT = textwrap.dedent(
    """
    import sys, typer
    from packaging.version import Version
    assert Version(typer.__version__) == Version(sys.argv[1]), typer.__version__
    import aiolabel.cli.ingest as command
    def boom(**kwargs):
        raise RuntimeError("unexpected failure inside the command")
    command._ingest = boom
    from aiolabel.cli import app
    app(["ingest", sys.argv[2]], prog_name="aiolabel")
    """
)


def test_lowest_typer_prints_no_key_on_an_uncaught_error(
    lowest_typer: Path, tmp_path: Path
) -> None:
    manifest = tmp_path / "m.ndjson"
    manifest.write_text('{"row_data": "https://x.example/a.jpg", "global_key": "a"}\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("_TYPER", "LABELBOX_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(lowest_typer), str(ROOT / "src")]),
        LABELBOX_API_KEY=KEY,
        LABELBOX_ENDPOINT="http://127.0.0.1:9/graphql",
        COLUMNS="200",
        TERM="xterm",
        FORCE_COLOR="1",
    )
    ran = subprocess.run(
        [sys.executable, "-c", SCRIPT, _lowest_typer(), str(manifest)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    output = ran.stdout + ran.stderr
    assert "unexpected failure inside the command" in output, output[-2000:]
    assert ran.returncode != 0
    assert leaked(output) == [], output[-3000:]
