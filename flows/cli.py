"""The `triage` command: replay saved messages, pass over the live mailbox, serve scheduled passes."""

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
    run = sub.add_parser("run", help="one pass over the IMAP mailbox")
    run.add_argument("--out", dest="out_dir", metavar="OUT_DIR", type=Path, required=True)
    run.add_argument("--config", metavar="FILE", type=Path)
    serve = sub.add_parser("serve", help="scheduled passes over the mailbox, served with Prefect")
    serve.add_argument("--config", metavar="FILE", type=Path)
    serve.add_argument(
        "--out",
        dest="out_dir",
        metavar="OUT_DIR",
        type=Path,
        help="output folder (default: the config's output.dir)",
    )
    ev = sub.add_parser("eval", help="measure extraction on a labelled development set")
    ev.add_argument("devset_dir", metavar="DIR", type=Path)
    ev.add_argument("--part", choices=["train", "eval", "handwritten_train", "handwritten", "handwritten_b", "handwritten_c",
                                       "handwritten_d", "handwritten_e", "handwritten_f",
                                       "handwritten_g", "handwritten_h", "handwritten_i",
                                       "handwritten_j", "held_out"], help="only this part of the set")
    ev.add_argument("--errors", action="store_true", help="list each item's mistakes")
    again = sub.add_parser("reprocess", help="triage a filed case again from its original message")
    again.add_argument("case_id", metavar="CASE_ID")
    again.add_argument("--out", dest="out_dir", metavar="OUT_DIR", type=Path, required=True)
    again.add_argument("--config", metavar="FILE", type=Path)
    return parser


def _settings_or_exit(args: argparse.Namespace):
    """The settings, or None after printing the one-line reason (exit 2)."""
    from pipeline.errors import ConfigError
    from pipeline.settings import load_settings

    try:
        return load_settings(args.config)
    except ConfigError as e:
        print(f"triage: {e.message}", file=sys.stderr)
        return None


def _run(args: argparse.Namespace) -> int:
    if _settings_or_exit(args) is None:
        return EXIT_USAGE
    import flows.mailbox as mailbox

    _quiet_prefect()
    started = time.monotonic()
    result = mailbox.mailbox_pass(str(args.out_dir), str(args.config) if args.config else None)
    print(
        f"triaged {result['processed']} new message(s) ({result['errors']} error), "
        f"refiled {result['refiled']}, re-synced {result['resynced']}; {result['total']} in all, "
        f"in {time.monotonic() - started:.1f} s"
    )
    print(f"report: {(args.out_dir / 'report.html').resolve()}")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    settings = _settings_or_exit(args)
    if settings is None:
        return EXIT_USAGE
    import flows.mailbox as mailbox

    mailbox.serve(
        str(args.out_dir) if args.out_dir else None, str(args.config) if args.config else None
    )
    return EXIT_OK


def _eval(args: argparse.Namespace) -> int:
    if not args.devset_dir.is_dir():
        print(f"triage: DIR {args.devset_dir} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    from pipeline.evaluation import run_evaluation

    print(run_evaluation(args.devset_dir, args.part, errors=args.errors))
    return EXIT_OK


def _reprocess(args: argparse.Namespace) -> int:
    settings = _settings_or_exit(args)
    if settings is None:
        return EXIT_USAGE
    from pipeline.intake import reprocess_case

    record = reprocess_case(args.out_dir, args.case_id, settings)
    print(
        f"reprocessed {record['case_id']}: {record['kind']}, {record['completeness']['status']}, "
        f"queue {record['route']['queue']}"
    )
    return EXIT_OK


def _replay(args: argparse.Namespace) -> int:
    if not args.inbox_dir.is_dir():
        print(f"triage: INBOX_DIR {args.inbox_dir} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    if _settings_or_exit(args) is None:  # fail fast, before Prefect starts
        return EXIT_USAGE

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    import flows.replay as replay

    _quiet_prefect()
    console = Console(stderr=True)
    started = time.monotonic()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=args.quiet,
        transient=False,
    ) as bar:
        job = bar.add_task("starting Prefect", total=None)

        def show(stage: str, done: int, total: int) -> None:
            bar.update(job, description=stage, completed=done, total=total)

        replay.progress_hook = show
        try:
            result = replay.replay_inbox(
                str(args.inbox_dir), str(args.out_dir), str(args.config) if args.config else None
            )
        finally:
            replay.progress_hook = None
    elapsed = time.monotonic() - started
    report = args.out_dir / "report.html"
    print(
        f"triaged {result['processed']} new message(s), {result['total']} in all, in {elapsed:.1f} s"
    )
    print(f"report: {report.resolve()}")
    return EXIT_OK


def _quiet_prefect() -> None:
    """Failed task runs are reported by the CLI in one line; Prefect's own tracebacks stay out."""
    for name in ("prefect.task_runs", "prefect.flow_runs", "prefect.events"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def main(argv: list[str] | None = None) -> int:
    set_defaults()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        commands = {
            "replay": _replay,
            "run": _run,
            "serve": _serve,
            "reprocess": _reprocess,
            "eval": _eval,
        }
        return commands[args.command](args)
    except KeyboardInterrupt:
        return EXIT_FAILED
    except Exception as e:  # noqa: BLE001 - the last resort: one clear line, exit 1
        from pipeline.errors import TriageError

        msg = e.message if isinstance(e, TriageError) else f"{type(e).__name__}: {e}"
        print(f"triage: {msg}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
