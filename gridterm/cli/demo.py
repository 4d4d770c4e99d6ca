"""``gridterm demo [--no-tui] [--port P]``: the whole loop on one machine, in one command.

Starts the township service (uvicorn in a thread) on a free loopback port with a temporary
SQLite database; creates a township, a grid, an officer and a staff account; enrolls a
device into a temporary data folder (or ``--data-dir``); writes realistic demo data on the
device (households with valid ID numbers, visits, mediation cases, event reports with
receipts); syncs; has the township answer some reports through the staff API; syncs again so
the replies are on the device; prints the service URL and the staff token; opens the app.
On exit everything it started stops and the temporary folders are removed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gridterm.core.i18n import t

# What the township answers, in order, to the first synced reports (to, feedback, public reply).
REPLIES = (
    ("accepted", "已受理，已转镇应急办，明天上午派人核查。", "您反映的问题已受理，明天上门核查。"),
    ("in_hand", "燃气公司已安排师傅，本周内更换软管。", "正在处理，本周内解决。"),
    ("done", "路灯已修复，请回访群众。", "路灯已修好，感谢您的反映。"),
    ("returned", "属村内事务，请村委会自行协调后再报。", ""),
)
ESCALATION = "涉及跨乡镇河道，需县住建局协调。"
RESIDENT_QUESTION = "村道维修材料12345.60元，是哪一段路？"
# The states each reply's record passes through on the way (the workflow allows no jumps).
PATHS = {
    "accepted": ("accepted",),
    "in_hand": ("accepted", "in_hand"),
    "done": ("accepted", "done"),
    "returned": ("returned",),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help=t("sync.demo.cli.help"), description=t("sync.demo.cli.help")
    )
    parser.add_argument("--no-tui", action="store_true", help=t("sync.demo.cli.no_tui"))
    parser.add_argument("--port", type=int, default=0, help=t("sync.demo.cli.port"))
    parser.add_argument("--households", type=int, default=40, help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


@dataclass
class Demo:
    url: str
    staff_token: str
    data_dir: Path
    counts: dict
    replies: int
    resident_url: str | None
    county_token: str = ""
    board_url: str | None = None  # the village's public board (村务公开)


@contextlib.contextmanager
def serve(db_url: str, port: int = 0) -> Iterator[str]:
    """The township service on 127.0.0.1 in a background thread; stops on exit."""
    import socket
    import threading

    import uvicorn

    from gridterm.township.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(db_url, base_url=url)
    # proxy_headers off: the demo is loopback only, and no header may name another client.
    config = uvicorn.Config(
        app, log_level="error", access_log=False, lifespan="on", proxy_headers=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def township_accounts(db_url: str) -> tuple[str, str, str, str]:
    """A county with a department; a township of it with a grid, an officer and a staff
    member; returns (township id, enrollment code, staff token, county staff token)."""
    from gridterm.township import db
    from gridterm.township.services import admin, county

    engine = db.make_engine(db_url)
    try:
        with db.write_session(db.session_factory(engine)) as session:
            township = admin.add_township(session, "青山镇")
            grid = admin.add_grid(session, township.id, "东河村第一网格")
            officer = admin.add_officer(session, grid.id, "王芳", "13812345678")
            code, _row = admin.issue_code(session, officer.id)
            token, _staff = admin.add_staff(session, township.id, "李干部")
            region = county.add_county(session, "青山县")
            county.set_township_county(session, township.id, region.id)
            county.set_grid_village(session, grid.id, "东河村")
            county.add_department(session, region.id, "县住建局")
            county_token, _ = county.add_staff(session, region.id, "县综治中心")
            return township.id, code, token, county_token
    finally:
        engine.dispose()


def seed_device(store, households: int = 40) -> dict:
    """Realistic records written through the store, as an officer would, ready to sync.

    The data comes from gridterm.core.demo_data (written into a scratch store and copied here with
    fresh ids), so that every record in this store is unsent and really goes through sync.
    """
    from gridterm.core import credentials, demo_data, receipts
    from gridterm.core.store import Store

    counts = {"household": 0, "visit": 0, "case": 0, "report": 0}
    with (
        tempfile.TemporaryDirectory(prefix="gridterm-demo-scratch-") as scratch,
        Store.open(scratch) as source,
    ):
        demo_data.populate(source, households=households)
        mediators = source.roster.list_mediators()
        by_kind = {kind: source.query(kind=kind) for kind in counts}
    for mediator in mediators:
        store.roster.save_mediator(mediator)
    new_ids: dict[str, str] = {}
    secret = credentials.device_secret(store)
    for kind in ("household", "visit", "case", "report"):
        for old in by_kind[kind]:
            text = json.dumps(old["data"], ensure_ascii=False)
            for old_id, new_id in new_ids.items():
                if old_id in text:
                    text = text.replace(old_id, new_id)
            rec = store.create(kind, json.loads(text))
            new_ids[old["id"]] = rec["id"]
            if kind == "report" and secret:
                store.update(rec["id"], receipts=[receipts.issue(rec, secret)])
            elif kind == "case" and secret:
                store.update(rec["id"], receipts=[receipts.issue(rec, secret, party=0)])
            counts[kind] += 1
    attach_demo_photo(store)
    return counts


def attach_demo_photo(store) -> None:
    """The first report carries a photo of the place (evidence, issue 16): kept on the device
    and sent after the report by the sync, in chunks, as an officer's would be."""
    from gridterm.core import demo_data, model
    from gridterm.core.attachments.attach import attach_files

    reports = store.query(kind="report", archived=True)
    if not reports:
        return
    with tempfile.TemporaryDirectory(prefix="gridterm-demo-photo-") as folder:
        photo = Path(folder) / "现场照片.png"
        photo.write_bytes(demo_data.demo_photo_png())
        first = min(reports, key=lambda r: r.get("created_at") or "")
        attach_files(store, first["id"], [photo], now=model.now_iso(), zone=model.CHINA_TIME)


def answer_reports(url: str, staff_token: str, store) -> int:
    """The township answers the first reports through the staff API, as staff would."""
    import httpx

    reports = iter(store.query(kind="report", archived=True))
    done = 0
    with httpx.Client(
        base_url=url, headers={"Authorization": f"Bearer {staff_token}"}, timeout=30
    ) as client:

        def walk(record_id: str, final: str, feedback: str, public: str) -> bool:
            for step in PATHS[final]:
                body: dict = {"to": step}
                if step == final:
                    body["feedback"] = feedback
                    if public:
                        body["public_reply"] = public
                if step in ("returned", "extended"):
                    body["reason"] = feedback
                path = f"/api/v1/staff/records/{record_id}/transition"
                if client.post(path, json=body).status_code != 200:
                    return False
            return True

        for final, feedback, public in REPLIES:
            # A report the officer closed on the spot cannot be accepted: try the next one.
            for rec in reports:
                if walk(rec["id"], final, feedback, public):
                    done += 1
                    break
        # One goes up the ladder, so the county console has something to sign for.
        for rec in reports:
            body = {"to": "escalated", "reason": ESCALATION}
            if client.post(f"/api/v1/staff/records/{rec['id']}/transition", json=body).is_success:
                break
    return done


def village_affairs(url: str, staff_token: str, store) -> str | None:
    """The officer writes a 财务 notice, a village notice and a 四议两公开 matter; after they
    are synced the township publishes the 财务 one.  Returns the village's public board."""
    from urllib.parse import quote

    import httpx

    from gridterm.client import sync
    from gridterm.core import demo_affairs, demo_data
    from gridterm.core.usecases import affairs

    village = affairs.default_village(store) or demo_data.VILLAGES[0]
    finance = affairs.save_notice(store, {**demo_affairs.FINANCE_NOTICE, "village": village})
    affairs.save_notice(store, {**demo_affairs.VILLAGE_NOTICE, "village": village})
    store.create("matter", {**demo_affairs.MATTER, "village": village})
    sync.sync_once(store)
    with httpx.Client(
        base_url=url, headers={"Authorization": f"Bearer {staff_token}"}, timeout=30
    ) as client:
        path = f"/api/v1/staff/records/{finance['id']}/transition"
        published = client.post(path, json={"to": "published"})
        if not published.is_success:
            return None
    # A resident asks about it on the public page, as from a phone: the village owes an answer.
    number = (published.json().get("notice") or {}).get("number")
    if number:
        httpx.post(
            f"{url}/v/n/{number}/questions",
            data={"text": RESIDENT_QUESTION, "phone": "13900139000"},
            timeout=30,
        )
    return f"{url}/v/{quote(village)}"


def build(store, db_url: str, url: str, households: int = 40) -> Demo:
    """Everything but the app: accounts, enrollment, data, two syncs, township replies."""
    from gridterm.client import sync

    _township, code, staff_token, county_token = township_accounts(db_url)
    sync.enroll(store, url, code, "演示手机")
    counts = seed_device(store, households)
    sync.sync_once(store)
    replies = answer_reports(url, staff_token, store)
    board_url = village_affairs(url, staff_token, store)
    sync.sync_once(store)
    resident_url = None
    for rec in store.query(kind="report", archived=True):
        if rec.get("receipts"):
            receipt = rec["receipts"][0]
            resident_url = f"{url}/r/{receipt['number']}?s={receipt['sig']}"
            break
    return Demo(
        url, staff_token, store.folder, counts, replies, resident_url, county_token, board_url
    )


def print_demo(demo: Demo) -> None:
    print(t("sync.demo.ready"))
    print(t("sync.demo.service", url=demo.url))
    print(t("sync.demo.staff_token", token=demo.staff_token))
    print(t("sync.demo.staff_console", url=demo.url, token=demo.staff_token))
    if demo.county_token:
        print(t("sync.demo.county_console", url=demo.url, token=demo.county_token))
    if demo.resident_url:
        print(t("sync.demo.resident_page", url=demo.resident_url))
    if demo.board_url:
        print(t("sync.demo.board", url=demo.board_url))
    print(t("sync.demo.data_dir", path=str(demo.data_dir)))
    c = demo.counts
    print(
        t(
            "sync.demo.seeded",
            households=c["household"],
            visits=c["visit"],
            cases=c["case"],
            reports=c["report"],
            replies=demo.replies,
        )
    )
    sys.stdout.flush()


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn  # noqa: F401

        import gridterm.township.app  # noqa: F401
    except ModuleNotFoundError:
        print(t("sync.demo.needs_township"), file=sys.stderr)
        return 2
    from gridterm.core.errors import ConfigError
    from gridterm.core.store import Store

    with contextlib.ExitStack() as stack:
        township_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gridterm-")))
        if args.data_dir:
            data_dir = Path(args.data_dir).expanduser()
        else:
            data_dir = township_dir / "device"
        db_url = f"sqlite:///{township_dir / 'township.db'}"
        store = stack.enter_context(Store.open(data_dir))
        if store.meta_get("enrollment"):
            raise ConfigError("sync.demo.data_dir_used", path=str(data_dir))
        print(t("sync.demo.starting", url="127.0.0.1"), file=sys.stderr)
        url = stack.enter_context(serve(db_url, args.port))
        demo = build(store, db_url, url, args.households)
        print_demo(demo)
        if args.no_tui:
            import signal
            import threading

            def interrupt(signum, frame):
                raise KeyboardInterrupt

            signal.signal(signal.SIGTERM, interrupt)  # stop cleanly on `kill` too
            print(t("sync.demo.serving"))
            sys.stdout.flush()
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                pass
        else:
            from gridterm.ui.officer.app import GridtermApp

            app = GridtermApp(store, data_dir=data_dir)
            app.run(mouse=not getattr(args, "no_mouse", False))
        print(t("sync.demo.stopped"), file=sys.stderr)
    return 0
