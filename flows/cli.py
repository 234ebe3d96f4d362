"""The `triage` command: replay a folder of saved messages (live mailbox commands come later)."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from flows.environment import set_defaults

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line on stderr, exit 2
        self.exit(EXIT_USAGE, f"triage: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="triage", description="Triage CALNET Delegation requests (STMM 3-502.0).")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    replay = sub.add_parser("replay", help="process every .eml file under INBOX_DIR into OUT_DIR")
    replay.add_argument("inbox_dir", metavar="INBOX_DIR", type=Path)
    replay.add_argument("--out", dest="out_dir", metavar="OUT_DIR", type=Path, required=True)
    replay.add_argument("--config", metavar="FILE", type=Path)
    replay.add_argument("--quiet", action="store_true", help="no progress bar")
    run = sub.add_parser("run", help="one pass over the IMAP mailbox (not available yet)")
    run.add_argument("--out", dest="out_dir", metavar="OUT_DIR", type=Path, required=True)
    run.add_argument("--config", metavar="FILE", type=Path)
    serve = sub.add_parser("serve", help="scheduled runs with Prefect (not available yet)")
    serve.add_argument("--config", metavar="FILE", type=Path)
    return parser


def _replay(args: argparse.Namespace) -> int:
    from pipeline.errors import ConfigError
    from pipeline.settings import load_settings

    if not args.inbox_dir.is_dir():
        print(f"triage: INBOX_DIR {args.inbox_dir} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        load_settings(args.config)  # fail fast, before Prefect starts
    except ConfigError as e:
        print(f"triage: {e.message}", file=sys.stderr)
        return EXIT_USAGE

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    import flows.replay as replay

    console = Console(stderr=True)
    started = time.monotonic()
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, disable=args.quiet, transient=False) as bar:
        job = bar.add_task("starting Prefect", total=None)

        def show(stage: str, done: int, total: int) -> None:
            bar.update(job, description=stage, completed=done, total=total)

        replay.progress_hook = show
        try:
            result = replay.replay_inbox(str(args.inbox_dir), str(args.out_dir),
                                         str(args.config) if args.config else None)
        finally:
            replay.progress_hook = None
    elapsed = time.monotonic() - started
    report = args.out_dir / "report.html"
    print(f"triaged {result['processed']} new message(s), {result['total']} in all, in {elapsed:.1f} s")
    print(f"report: {report.resolve()}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    set_defaults()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        if args.command == "replay":
            return _replay(args)
        print(f"triage {args.command}: the live mailbox is not available in this version", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_FAILED
    except Exception as e:  # noqa: BLE001 - the last resort: one clear line, exit 1
        from pipeline.errors import TriageError

        msg = e.message if isinstance(e, TriageError) else f"{type(e).__name__}: {e}"
        print(f"triage: {msg}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
