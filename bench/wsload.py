"""Many users at once, without a browser: N sessions speaking Streamlit's own websocket protocol.

    python -m bench.wsload --sessions 20 --seconds 60 [--think 1.5] [--processes N] [--db PATH]
    python -m bench.wsload --url URL --pid PID [--url URL2 --pid PID2 ...]

bench/load.py drives Chromium tabs on the server's own 2 cores, so its figure mixes the browsers' cost
with the server's. This client costs next to nothing: each session opens /_stcore/stream, sends the
`rerun_script` BackMsg a browser sends for /forecast?lang=en&run_length_days=<v>, reads ForwardMsgs
until `script_finished`, and learns the slider's widget id from the deltas. Then it walks the slider
inside its own lane of values (lanes never overlap, as in bench/load.py), timing each rerun from the
BackMsg sent to `script_finished` received, and pausing like a reader between moves.

After every rerun it checks what the server sent: no exception element, and the URL (page_info_changed)
and the share link (a code element) holding the session's own value; a value from another lane is a leak.
It also reads the server processes' CPU seconds (utime + stime from /proc/<pid>/stat) while the sliders move.
With several processes (`--processes N`), `--proxy` puts nginx in front of them as docs/DEPLOY.md does
(sticky by a `cc_route` cookie, which each session sends); without it, or with several `--url`, session i
talks to app i mod N directly.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.core import Figure, median, percentile
from bench.live import build_db, streamlit_server
from bench.load import FIELD, Lane, lanes
from bench.proxy import ROUTE_COOKIE, nginx_proxy
from models.scenario import FIELDS

PAGE = "forecast"
THINK_S = 1.5
LOAD_TIMEOUT_S = 180.0  # 20 first runs at once on 2 cores take a while
RERUN_TIMEOUT_S = 60.0
MAX_MESSAGE_BYTES = 200 * 1024 * 1024  # Plotly figures arrive whole: no frontend cache is reported
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class RunOutcome:
    """What one rerun sent back: the messages that matter for the checks."""

    status: int | None = None
    exceptions: list[str] = field(default_factory=list)
    slider_id: str | None = None
    link_value: float | None = None  # the field's value in the page's share link (a code element)
    query_string: str | None = None
    page_script_hash: str | None = None  # the page the browser is on now, from st.navigation's message


@dataclass
class SessionResult:
    index: int
    latencies_ms: list[float] = field(default_factory=list)
    reruns: int = 0
    exceptions: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)  # a value from another session's lane
    mismatches: list[str] = field(default_factory=list)  # not the expected value, not another's either
    failures: list[str] = field(default_factory=list)  # timeouts, closed sockets, a script that did not finish
    last_value: float | None = None  # the field's value in the last share link the server sent


def _read_delta(message: ForwardMsg, outcome: RunOutcome) -> None:
    element = message.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "exception":
        outcome.exceptions.append(f"{element.exception.type}: {element.exception.message[:200]}")
    elif kind == "slider" and element.slider.id.endswith(f"-{FIELD}"):
        outcome.slider_id = element.slider.id
    elif kind == "code" and "?" in element.code.code_text:  # the scenario's share link, drawn from this run
        outcome.link_value = _url_value(element.code.code_text.split("?", 1)[1].strip())


async def _until_finished(ws, timeout_s: float) -> RunOutcome:
    """Read ForwardMsgs until script_finished (a rerun's end as the browser sees it)."""
    outcome = RunOutcome()
    async with asyncio.timeout(timeout_s):
        while True:
            message = ForwardMsg()
            message.ParseFromString(await ws.recv())
            kind = message.WhichOneof("type")
            if kind == "delta":
                _read_delta(message, outcome)
            elif kind == "navigation":
                outcome.page_script_hash = message.navigation.page_script_hash
            elif kind == "page_info_changed":
                outcome.query_string = message.page_info_changed.query_string
            elif kind == "script_finished":
                outcome.status = message.script_finished
                if outcome.status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return outcome


def _rerun(query_string: str, page_hash: str = "", slider: tuple[str, float] | None = None) -> bytes:
    """The BackMsg a browser sends: the page (by name on first load, then by the hash the server gave it),
    the URL's query string and the widget it changed. A rerun without the hash is a page change."""
    back = BackMsg()
    state = back.rerun_script
    state.query_string = query_string
    state.page_name = PAGE
    state.page_script_hash = page_hash
    if slider:
        widget = state.widget_states.widgets.add()
        widget.id = slider[0]
        widget.double_array_value.data.append(slider[1])
    return back.SerializeToString()


def _ws_url(url: str) -> str:
    return url.replace("http://", "ws://", 1).replace("https://", "wss://", 1).rstrip("/") + "/_stcore/stream"


def _url_value(query_string: str) -> float:
    """The field's value in a query string; links leave out a value equal to the preset's (the default)."""
    values = parse_qs(query_string).get(FIELD)
    return float(values[-1]) if values else float(FIELDS[FIELD].default)


def _with_value(query_string: str, value: int) -> str:
    params = {key: values[-1] for key, values in parse_qs(query_string).items()}
    return urlencode(params | {FIELD: value})


def _check(outcome: RunOutcome, expected: int, all_lanes: list[Lane], result: SessionResult, move: int) -> None:
    result.exceptions += [f"move {move}: {text}" for text in outcome.exceptions]
    if outcome.status != ForwardMsg.FINISHED_SUCCESSFULLY:
        result.failures.append(f"move {move}: script finished with status {outcome.status}")
    if outcome.link_value is None:
        result.mismatches.append(f"move {move}: no share link among the deltas")
    else:
        result.last_value = outcome.link_value
    # The server rewrites the URL (page_info_changed) only when it disagrees with the browser's.
    in_url = _url_value(outcome.query_string) if outcome.query_string is not None else None
    for where, value in (("share link", outcome.link_value), ("url", in_url)):
        if value is None or value == expected:
            continue
        owner = next((i for i, lane in enumerate(all_lanes) if lane.holds(value)), None)
        text = f"move {move}: {where} shows {value}, expected {expected}"
        if owner is not None and owner != result.index:
            result.leaks.append(f"{text} (session {owner}'s lane)")
        else:
            result.mismatches.append(text)


@dataclass
class Start:
    """The common start line: sessions count themselves ready, then wait for the gate."""

    gate: asyncio.Event = field(default_factory=asyncio.Event)
    ready: int = 0
    deadline: float = float("inf")


def session_lanes(sessions: int) -> list[Lane]:
    """The sessions' lanes, as wide as the range allows: a walk bounces back to values it showed (a cache hit)
    only after ~340/N moves, so one session alone, like twenty, measures reruns that compute afresh."""
    return lanes(sessions, max_width=None)


def _think(think_s: float, index: int, move: int) -> float:
    """A reader's pause, 0.5x–1.5x of think_s, varied per session and move (as bench/load.py does)."""
    return think_s * (0.5 + ((index * 7 + move * 3) % 11) / 10)


async def _session(url: str, index: int, all_lanes: list[Lane], start: Start, think_s: float) -> SessionResult:
    """One reader on the app at `url`: the first load, then slider moves until the deadline."""
    result, lane = SessionResult(index), all_lanes[index]
    query_string = urlencode({"lang": "en", FIELD: lane.low})
    try:
        async with websockets.connect(_ws_url(url), subprotocols=["streamlit"], max_size=MAX_MESSAGE_BYTES,
                                      additional_headers={"Cookie": f"{ROUTE_COOKIE}=session-{index}"},
                                      open_timeout=LOAD_TIMEOUT_S, ping_interval=None) as ws:
            await ws.send(_rerun(query_string))
            first = await _until_finished(ws, LOAD_TIMEOUT_S)
            if first.slider_id is None:
                raise RuntimeError(f"no slider keyed {FIELD!r} in the first run of /{PAGE}")
            slider_id, page_hash, value, step, move = first.slider_id, first.page_script_hash or "", lane.low, 1, 0
            _check(first, value, all_lanes, result, move)
            query_string = first.query_string if first.query_string is not None else query_string
            start.ready += 1
            await start.gate.wait()  # every session loaded: the timed minute starts for all at once
            while time.monotonic() < start.deadline:
                if not lane.holds(value + step):
                    step = -step
                value, move = value + step, move + 1
                query_string = _with_value(query_string, value)  # a bound slider moves the URL in the browser
                sent = time.perf_counter()
                await ws.send(_rerun(query_string, page_hash, (slider_id, float(value))))
                outcome = await _until_finished(ws, RERUN_TIMEOUT_S)
                result.latencies_ms.append((time.perf_counter() - sent) * 1000)
                result.reruns += 1
                _check(outcome, value, all_lanes, result, move)
                if outcome.query_string is not None:  # the browser's URL follows page_info_changed
                    query_string = outcome.query_string
                if think_s:
                    await asyncio.sleep(_think(think_s, index, move))
    except Exception as error:  # a timeout or a closed socket is a finding, not a crash of the benchmark
        result.failures.append(f"{type(error).__name__}: {str(error).splitlines()[0][:300] if str(error) else ''}")
    return result


async def _all_loaded(tasks: list[asyncio.Task], start: Start) -> None:
    ready_by = time.monotonic() + LOAD_TIMEOUT_S
    while time.monotonic() < ready_by and start.ready < len(tasks) and not all(t.done() for t in tasks):
        await asyncio.sleep(0.1)


async def _run(urls: list[str], sessions: int, seconds: float, think_s: float,
               server_pids: list[int]) -> tuple[list[SessionResult], float | None]:
    """The sessions' results (session i on urls[i % len(urls)], as a sticky reverse proxy spreads them) and,
    given the servers' pids, their CPU seconds in the timed part only (after every first load, which fills
    cold caches and is not a rerun)."""
    all_lanes, start = session_lanes(sessions), Start()
    tasks = [asyncio.create_task(_session(urls[i % len(urls)], i, all_lanes, start, think_s))
             for i in range(sessions)]
    await _all_loaded(tasks, start)
    cpu_at_gate = sum(cpu_seconds(pid) for pid in server_pids)
    start.deadline = time.monotonic() + seconds
    start.gate.set()
    results = list(await asyncio.gather(*tasks))
    return results, (sum(cpu_seconds(pid) for pid in server_pids) - cpu_at_gate if server_pids else None)


def cpu_seconds(pid: int) -> float:
    """A process's user + system CPU time in seconds, from /proc/<pid>/stat (fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # the command name may hold spaces; skip past it
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def run_sessions(urls: str | list[str], sessions: int, seconds: float, think_s: float = THINK_S,
                 server_pids: list[int] = ()) -> tuple[list[SessionResult], float | None]:
    """Each session's own record (latencies, exceptions, leaks, the value its last share link showed) and the
    servers' CPU seconds while the sessions moved their sliders (None without their pids)."""
    urls = [urls] if isinstance(urls, str) else list(urls)
    # A thread of its own has no running event loop, so this works beside pytest-playwright's sync API too.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _run(urls, sessions, seconds, think_s, list(server_pids))).result()


def run_load(urls: str | list[str], sessions: int = 20, seconds: float = 60, think_s: float = THINK_S,
             server_pids: list[int] = ()) -> dict:
    """N protocol-level sessions for `seconds` over one app or several; latencies, checks and (given their
    pids) the servers' CPU time."""
    urls = [urls] if isinstance(urls, str) else list(urls)
    began = time.monotonic()
    results, rerun_cpu_s = run_sessions(urls, sessions, seconds, think_s, server_pids)
    wall_s = time.monotonic() - began
    summary = summarise(results)
    summary.update(sessions=sessions, seconds=seconds, think_s=think_s, wall_s=round(wall_s, 1),
                   processes=len(server_pids) or len(urls))  # behind a proxy: one url, several pids
    if rerun_cpu_s is not None:
        summary["server_cpu_s"] = round(rerun_cpu_s, 2)  # the timed part only: reruns, not first loads
        if summary["reruns"]:
            summary["server_cpu_ms_per_rerun"] = round(rerun_cpu_s * 1000 / summary["reruns"], 1)
    return summary


def summarise(results: list[SessionResult]) -> dict:
    latencies = [ms for result in results for ms in result.latencies_ms]
    return {
        "reruns": len(latencies),
        "p50_ms": round(median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "exceptions": [text for r in results for text in r.exceptions],
        "leaks": [text for r in results for text in r.leaks],
        "mismatches": [text for r in results for text in r.mismatches],
        "failures": [f"session {r.index}: {text}" for r in results for text in r.failures],
        "sessions_detail": [asdict(r) | {"latencies_ms": len(r.latencies_ms)} for r in results],
    }


def compare(urls: list[str], pids: list[int], sessions: int = 20, seconds: float = 60,
            think_s: float = THINK_S, baseline_seconds: float = 30) -> dict:
    """One session alone (on the first app), then `sessions` at once spread over every app; p95 ratio."""
    single = run_load(urls[:1], 1, baseline_seconds, think_s, pids)  # behind a proxy it may land on any app
    many = run_load(urls, sessions, seconds, think_s, pids)
    ratio = many["p95_ms"] / single["p95_ms"] if single["p95_ms"] and many["p95_ms"] else None
    return {"single": single, "many": many, "p95_ratio": round(ratio, 2) if ratio else None}


@contextmanager
def app_processes(db: Path, count: int, proxy: bool = False):
    """`count` app processes on one read-only database; with `proxy`, nginx in front of them as
    docs/DEPLOY.md runs it. Yields (the URLs sessions connect to, the app processes' pids)."""
    with ExitStack() as stack:
        servers = [stack.enter_context(streamlit_server(db)) for _ in range(count)]
        urls, pids = [url for url, _ in servers], [proc.pid for _, proc in servers]
        if proxy:
            root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cc-nginx-")))
            proxy_url, _ = stack.enter_context(nginx_proxy(urls, root))
            urls = [proxy_url]
        yield urls, pids


def _problems(summary: dict) -> list[str]:
    return summary["exceptions"] + summary["leaks"] + summary["mismatches"] + summary["failures"]


def _figures(prefix: str, what: str, result: dict, budget: float) -> list[Figure]:
    single, many = result["single"], result["many"]
    problems = _problems(single) + _problems(many)
    slim = {part: {k: v for k, v in result[part].items() if k != "sessions_detail"} for part in ("single", "many")}
    note = (f"{many['reruns']} reruns by {many['sessions']} sessions in {many['seconds']:g} s, {what}; "
            f"server CPU {many.get('server_cpu_ms_per_rerun')} ms per rerun (alone: "
            f"{single.get('server_cpu_ms_per_rerun')} ms); "
            + (f"{len(problems)} problem(s): {problems[0]}" if problems else "no errors, no leaks"))
    return [
        Figure(f"{prefix}_single_p95", f"{what}: rerun latency of 1 session alone, p95", single["p95_ms"], "ms",
               samples=single["reruns"], note=f"p50 {single['p50_ms']} ms"),
        Figure(f"{prefix}_p95", f"{what}: rerun latency, {many['sessions']} sessions at once, p95", many["p95_ms"],
               "ms", samples=many["reruns"], note=note, extra=slim),
        Figure(f"{prefix}_p95_ratio", f"{what}: p95 with {many['sessions']} sessions / p95 with 1",
               result["p95_ratio"], "x", budget=budget),
        Figure(f"{prefix}_errors", f"{what}: exceptions + leaks + mismatches + failures", float(len(problems)),
               "count", budget=0.0, note="; ".join(problems[:3])),
    ]


def measure(ws, sessions: int = 20, seconds: float = 60, team_processes: int = 2) -> list[Figure]:
    """For `python -m bench --only users`: 20 sessions on one app process, then on `team_processes`
    processes behind nginx (docs/DEPLOY.md's deployment, one process per core here); each against a
    single session alone on the same deployment."""
    from bench.load import P95_RATIO_BUDGET
    from bench.proxy import nginx_available

    # The single session's p95 is the ratio's denominator: from ~80 reruns alone, not ~40, where it is close to
    # the one slowest rerun (three runs of the same code gave 1.96x, 3.14x and 3.28x with ~40).
    run = dict(sessions=sessions, seconds=seconds, baseline_seconds=2 * seconds)
    with app_processes(ws.db, 1) as (urls, pids):
        figures = _figures("users", "one process", compare(urls, pids, **run), P95_RATIO_BUDGET)
    proxy = nginx_available()
    what = f"{team_processes} processes behind nginx" if proxy else f"{team_processes} processes, no proxy here"
    with app_processes(ws.db, team_processes, proxy=proxy) as (urls, pids):
        figures += _figures("team", what, compare(urls, pids, **run), P95_RATIO_BUDGET)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.wsload", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=30, help="the single session's run")
    parser.add_argument("--think", type=float, default=THINK_S, help="seconds a reader pauses between moves")
    parser.add_argument("--url", action="append", help="a running app; repeat for several (default: start them)")
    parser.add_argument("--pid", type=int, action="append", default=[],
                        help="a running app's process id, for its CPU time (with --url)")
    parser.add_argument("--processes", type=int, default=1, help="app processes to start (without --url)")
    parser.add_argument("--proxy", action="store_true", help="put nginx in front of the started processes")
    parser.add_argument("--db", type=Path, help="database for the started apps (default: build one from data/raw)")
    args = parser.parse_args(argv)
    run = dict(sessions=args.sessions, seconds=args.seconds, think_s=args.think,
               baseline_seconds=args.baseline_seconds)
    if args.url:
        report = compare(args.url, args.pid, **run)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            db = args.db or Path(tmp) / "compute.duckdb"
            if not args.db:
                build_db(db)
            with app_processes(db, args.processes, args.proxy) as (urls, pids):
                report = compare(urls, pids, **run)
    for part in ("single", "many"):
        report[part].pop("sessions_detail")
    json.dump(report, sys.stdout, indent=2)
    print()
    many = report["many"]
    return 1 if many["exceptions"] or many["leaks"] or many["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
