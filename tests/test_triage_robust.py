"""`python bot.py triage` on hostile input (issue 9, defect 5). SPEC §7: one valid UTF-8 JSON
line out per line in, in order, always; a malformed line gets `{"id": …|null, "error": "…"}`
and the run goes on. The real process, stdin and stdout as bytes.

The explicit cases run through one triage process (module fixture); the property test feeds
generated batches to one long-lived process and reads each batch's answers back, so the whole
file stays well under half a minute.
"""

from __future__ import annotations

import json
import math
import os
import queue
import subprocess
import sys
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mnemonic import Mnemonic

from .conftest import CONFIG, FAQ, ROOT

COMMAND = [sys.executable, str(ROOT / "bot.py"), "triage", "--config", str(CONFIG), "--faq", str(FAQ)]
SEED = Mnemonic("english").to_mnemonic(bytes(range(16)))   # a valid 12-word phrase


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "X_"))}


def _strict_json(raw: bytes) -> object:
    """What a strict consumer does with one output line: UTF-8, then JSON without NaN."""
    def no_constants(name: str) -> object:
        raise ValueError(f"{name} is not JSON")
    return json.loads(raw.decode("utf-8"), parse_constant=no_constants)


def _row(row_id: object, text: str, **extra: object) -> dict:
    row = {"id": row_id, "channel": "telegram", "public": True, "text": text,
           "user": {"id": "u1", "username": "alice", "name": "Alice"}}
    row.update(extra)
    return row


def _line(row: object) -> bytes:
    return json.dumps(row).encode("ascii")


# --- explicit cases: every class the issue names ----------------------------------------------

CASES: dict[str, bytes] = {
    "deep array": b"[" * 100_000 + b"]" * 100_000,
    "deep object in a valid row": b'{"id": "deep", "text": "hi", "extra": ' + b'{"a":' * 50_000
                                  + b"1" + b"}" * 50_000 + b"}",
    "id of 5,000 digits": b'{"id": ' + b"7" * 5000 + b', "text": "hi"}',
    "text holding a 5,000-digit number": b'{"id": "n", "text": "hi", "n": ' + b"9" * 5000 + b"}",
    "lone surrogate in id": b'{"id": "a\\ud800b", "text": "how do I reset my 2FA?"}',
    "lone surrogate in a username the reply repeats": _line(_row(
        "s", f"my phrase is {SEED}", user={"id": "u2", "username": "bob\ud800", "name": "B"})),
    "lone surrogate in a display name (account check)": _line(
        {"id": "acct", "platform": "telegram", "user": {"id": "9", "username": None,
                                                         "name": "Aurora \udfff Support"}}),
    "invalid UTF-8 in text": b'{"id": "bad-utf8", "text": "how do I reset my 2FA? \xff\xfe\xc3"}',
    "invalid UTF-8 in id": b'{"id": "x\xffy", "text": "hi"}',
    "NUL byte": b'{"id": "nul", "text": "a\x00b"}',
    "escaped NUL in text": b'{"id": "nul-escaped", "text": "gm \\u0000 fam"}',
    "empty line": b"",
    "whitespace only": b" \t  \x0b\x0c ",
    "huge float id": b'{"id": 1e400, "text": "hi"}',
    "NaN id": b'{"id": NaN, "text": "hi"}',
    "Infinity in a field": b'{"id": "inf", "text": "hi", "public": Infinity}',
    "float id": b'{"id": 2.5, "text": "how do I reset my 2FA?"}',
    "text of 1 MB": _line(_row("mb", f"my phrase is {SEED} " + "x" * 1_000_000)),
    "100 KB one-word line": _line(_row("word", "q" * 100_000)),
    "user of the wrong types": _line(_row("user", "hi", user={"id": [1], "username": 5, "name": {}})),
    "user not an object": _line(_row("user2", "hi", user="alice")),
    "public not a bool": _line(_row("pub", "hi", public="yes")),
    "channel unknown": _line(_row("chan", "hi", channel=["telegram"])),
    "chat deeply nested": b'{"id": "chat", "text": "hi", "chat": ' + b"[" * 900 + b"]" * 900 + b"}",
    "a plain valid line after all that": _line(_row("last", "how do I reset my 2FA? lost my phone")),
}
ERRORS = {"deep array", "deep object in a valid row", "id of 5,000 digits",
          "text holding a 5,000-digit number", "NUL byte", "empty line", "whitespace only",
          "huge float id", "NaN id", "Infinity in a field", "user of the wrong types",
          "user not an object", "public not a bool", "channel unknown", "chat deeply nested"}
ECHOED = {"lone surrogate in id": "a\ud800b", "lone surrogate in a username the reply repeats": "s",
          "invalid UTF-8 in text": "bad-utf8", "escaped NUL in text": "nul-escaped",
          "float id": 2.5, "text of 1 MB": "mb", "100 KB one-word line": "word",
          "user of the wrong types": "user", "user not an object": "user2",
          "public not a bool": "pub", "channel unknown": "chan", "chat deeply nested": "chat",
          "a plain valid line after all that": "last", "Infinity in a field": None,
          "lone surrogate in a display name (account check)": "acct"}


@pytest.fixture(scope="module")
def explicit() -> dict[str, tuple[bytes, object]]:
    """Every case, BOM first and CRLF line ends, through one triage run: raw line and JSON."""
    stdin = b"\xef\xbb\xbf" + b"\r\n".join(CASES.values()) + b"\r\n"
    done = subprocess.run(COMMAND, input=stdin, capture_output=True, env=_env(), timeout=300)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    assert b"Traceback" not in done.stderr
    lines = done.stdout.split(b"\n")
    assert lines[-1] == b"", "output must end with a newline"
    lines = lines[:-1]
    assert len(lines) == len(CASES), f"{len(CASES)} lines in, {len(lines)} out"
    return {name: (raw, _strict_json(raw)) for name, raw in zip(CASES, lines)}


@pytest.mark.parametrize("name", list(CASES))
def test_each_hostile_line_gets_one_valid_utf8_json_line(explicit, name):
    raw, out = explicit[name]
    assert isinstance(out, dict) and "id" in out
    if name in ERRORS:
        assert isinstance(out.get("error"), str) and out["error"], out
    else:
        assert "error" not in out, out
    if name in ECHOED:
        assert out["id"] == ECHOED[name]


def test_a_bom_at_the_start_does_not_cost_the_first_line(explicit):
    _, first = explicit["deep array"]
    assert first["id"] is None and "error" in first
    # The stream opened with a BOM and the first line still parsed as what it is: JSON that
    # nests too deeply, not "not valid JSON at column 1".
    assert "deep" in first["error"] or "nest" in first["error"]


def test_replies_that_repeat_a_lone_surrogate_stay_valid_utf8(explicit):
    raw, out = explicit["lone surrogate in a username the reply repeats"]
    assert out["secret"] is True and "bob\ud800" in out["reply"]
    assert b"\\ud800" in raw          # escaped in the JSON, never written raw


def test_a_seed_phrase_at_the_start_of_1_mb_is_still_caught(explicit):
    _, out = explicit["text of 1 MB"]
    assert out["secret"] is True and "delete" in out["actions"]


def test_the_plain_line_after_the_hostile_ones_is_answered(explicit):
    _, out = explicit["a plain valid line after all that"]
    assert out["faq"] == "reset-2fa"


def test_a_last_line_without_newline_and_an_absurd_line_are_answered():
    # A line over the size limit is not read into memory: it gets an error, the run goes on.
    huge = b'{"id": "big", "text": "' + b"a" * (17 * 1024 * 1024) + b'"}'
    stdin = huge + b"\n" + _line(_row("tail", "how do I reset my 2FA?"))
    done = subprocess.run(COMMAND, input=stdin, capture_output=True, env=_env(), timeout=300)
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    first, second = (_strict_json(line) for line in done.stdout.splitlines())
    assert first["id"] is None and "too long" in first["error"]
    assert second["id"] == "tail" and second["faq"] == "reset-2fa"


# --- property: random batches through one long-lived process -----------------------------------

class Triage:
    """One `bot.py triage` process; a batch is written, and its answers read back up to a
    sentinel line, so extra or missing lines show up in the batch that caused them."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.lines: queue.Queue[bytes] = queue.Queue()
        self.stderr: list[bytes] = []
        self.sent = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=_env())
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, args=(self.proc, self.lines), daemon=True).start()
        threading.Thread(target=lambda p=self.proc: self.stderr.extend(iter(p.stderr.readline, b"")),
                         daemon=True).start()   # drained, so a chatty stderr cannot block it

    @staticmethod
    def _pump(proc: subprocess.Popen, lines: queue.Queue) -> None:
        for line in iter(proc.stdout.readline, b""):
            lines.put(line)
        lines.put(b"")   # end of output

    def batch(self, lines: list[bytes], end: bytes) -> list[bytes]:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        self.sent += 1
        sentinel = f"sentinel-{self.sent}"
        payload = b"".join(line + end for line in lines) + _line({"id": sentinel}) + b"\n"
        try:
            self.proc.stdin.write(payload)
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        out: list[bytes] = []
        while True:
            try:
                line = self.lines.get(timeout=60)
            except queue.Empty:
                raise AssertionError("triage stopped answering") from None
            if not line:
                err = b"".join(self.stderr).decode("utf-8", "replace")[-1500:]
                raise AssertionError(f"triage died (exit {self.proc.wait()}):\n{err}")
            if sentinel.encode() in line and line.startswith(b'{"id": "sentinel-'):
                return out
            out.append(line)

    def close(self) -> int:
        if self.proc is None:
            return 0
        self.proc.stdin.close()
        return self.proc.wait(timeout=60)


@pytest.fixture(scope="module")
def triage_process():
    process = Triage()
    yield process
    assert process.close() == 0
    assert b"Traceback" not in b"".join(process.stderr)


ODD_CHAR = st.one_of(st.characters(categories=["Cs"]),   # lone surrogates
                    st.sampled_from("\u2028\u2029\x85\ufeff\u200b\u202e\x00\r\x1c"))
TEXT = st.one_of(st.text(max_size=40),
                 st.tuples(st.text(max_size=20), st.lists(ODD_CHAR, min_size=1, max_size=3))
                 .map(lambda t: t[0] + "".join(t[1]) + t[0]))
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT)
JSON_VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8)
IDS = st.one_of(TEXT, st.integers(), st.floats(), st.none(), st.booleans(),
                st.lists(st.integers(), max_size=2))
USERS = st.one_of(st.fixed_dictionaries({"id": st.one_of(TEXT, st.integers(), JSON_VALUE)},
                                        optional={"username": st.one_of(st.none(), TEXT, JSON_VALUE),
                                                  "name": st.one_of(TEXT, JSON_VALUE)}),
                  JSON_VALUE)
WORDY = st.one_of(TEXT, st.sampled_from([
    "how do I reset my 2FA? lost my phone", "提币一般多久到账？", f"my phrase is {SEED}",
    "admin here, DM me for support", "withdrawl pasword aurora-help.com @aurora_help",
    "uid 39920017 call +44 20 7946 0958 email a@b.co"]),
    st.integers(2_000, 120_000).map(lambda n: "w" * n))
ROWS = st.fixed_dictionaries({"id": IDS}, optional={
    "text": st.one_of(WORDY, JSON_VALUE), "channel": st.one_of(st.sampled_from(["telegram", "twitter"]),
                                                              JSON_VALUE),
    "public": st.one_of(st.booleans(), JSON_VALUE), "user": USERS,
    "platform": st.one_of(st.sampled_from(["telegram", "twitter", "x"]), JSON_VALUE)})


@st.composite
def encoded_rows(draw) -> bytes:
    row = draw(ROWS)
    ascii_only = draw(st.booleans())
    text = json.dumps(row, ensure_ascii=ascii_only, allow_nan=True)   # NaN, Infinity too
    return text.encode("utf-8", "surrogatepass")   # raw surrogates become invalid UTF-8


NO_NEWLINE = st.binary(max_size=60).map(lambda b: b.replace(b"\n", b" "))
HOSTILE = st.one_of(
    NO_NEWLINE,
    st.integers(200, 60_000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(4_301, 9_000).map(lambda n: b'{"id": ' + b"9" * n + b', "text": "x"}'),
    st.sampled_from([b"", b"   ", b"\t\r", b"\xef\xbb\xbf{\"id\": 1, \"text\": \"hi\"}", b"\x00",
                     b'{"id": 1e999, "text": "x"}', b'{"id": -Infinity}', b"null", b"[]", b'"id"']),
    st.tuples(encoded_rows(), st.integers(0, 40), st.sampled_from([b"\x00", b"\xff", b"\xc3", b"\r"]))
    .map(lambda t: t[0][:t[1]] + t[2] + t[0][t[1]:]),
)
LINES = st.lists(st.one_of(encoded_rows(), encoded_rows(), HOSTILE), min_size=1, max_size=25)


def _expected_id(line: bytes) -> tuple[bool, object]:
    """(True, id) when the line is a well-formed contract row whose id must be echoed."""
    try:
        row = json.loads(line.decode("utf-8"), parse_constant=lambda name: 1 / 0)
    except (ValueError, RecursionError, ZeroDivisionError):
        return False, None
    if not isinstance(row, dict):
        return False, None
    row_id = row.get("id")
    valid = isinstance(row_id, (str, int)) and not isinstance(row_id, bool) or (
        isinstance(row_id, float) and math.isfinite(row_id))
    return valid, row_id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(lines=LINES, end=st.sampled_from([b"\n", b"\r\n"]))
def test_any_batch_gets_one_valid_json_line_per_line_in_order(triage_process, lines, end):
    out = triage_process.batch(lines, end)
    assert len(out) == len(lines), f"{len(lines)} lines in, {len(out)} out"
    for line, raw in zip(lines, out):
        assert raw.endswith(b"\n") and raw.count(b"\n") == 1
        result = _strict_json(raw)
        assert isinstance(result, dict) and "id" in result
        valid, row_id = _expected_id(line)
        if valid:
            assert result["id"] == row_id
        if "error" in result:
            assert isinstance(result["error"], str) and result["error"]
