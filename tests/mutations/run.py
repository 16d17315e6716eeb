"""Does the suite notice when a feature breaks? Each mutation below breaks one feature by a
small text substitution in one source file; the named tests must then fail.

    python tests/mutations/run.py                 # every mutation
    python tests/mutations/run.py --only a_restore  # one (--list names them)

For each mutation the repository's files (git ls-files: tracked and untracked-not-ignored,
so no .venv) are copied to a temporary folder, the substitution is applied there (the
working tree is never touched: others may be running tests in it), and the named tests run
there with this interpreter. Caught: every named test fails. First a control run: the same tests on an
unmutated copy must pass (else a "caught" would mean nothing). Exit 1 if the control fails,
if any mutation is not caught, or if its old snippet is not found in its file exactly once
(the code moved: update the entry).

Not collected by pytest: no file in this folder is named test_*.py.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Mutation:
    name: str
    breaks: str          # what the mutation breaks, in words
    file: str            # relative to the repository root
    old: str             # must occur exactly once in the file
    new: str
    tests: tuple         # pytest node ids that must fail


MUTATIONS = [
    Mutation("a_restore", "the exported PyTorch script keeps the last epoch's weights instead of restoring the best",
             "playground/export/script.py",
             "        model.load_state_dict(best_state)\n",
             "        pass\n",
             ("tests/unit/test_export.py::test_the_script_lands_on_our_test_metrics[titanic]",)),
    Mutation("b_round", "the exported PyTorch script rounds its regression predictions",
             "playground/export/script.py",
             "pred = (out * y_std + y_mean).numpy()",
             "pred = (out * y_std + y_mean).round().numpy()",
             ("tests/unit/test_export.py::test_the_script_lands_on_our_test_metrics[auto_mpg]",)),
    Mutation("c_val_metrics", "a run record's test metrics come from the validation split",
             "playground/runs/record.py",
             'pred = evaluation.predictions(model, prepared, "test")',
             'pred = evaluation.predictions(model, prepared, "val")',
             ("tests/unit/test_run_record.py::test_the_test_metrics_are_sklearns_on_the_test_split",)),
    Mutation("d_speed", "the speed limit (epochs per second) is ignored",
             "playground/runs/training.py",
             "slowed = not waiting and bool(self._speed) and now < self._next_epoch_at",
             "slowed = False",
             ("tests/unit/test_speed_limit.py::test_epochs_start_no_sooner_than_the_speed_allows",)),
    Mutation("e_blowup", "the divergence check's blow-up streak rule is off",
             "playground/nn/callbacks.py",
             "blown = loss > self.blowup * self.reference and self.useless(logs)",
             "blown = False",
             ("tests/unit/test_divergence.py::test_ten_blown_up_useless_epochs_in_a_row_diverge",
              "tests/unit/test_divergence.py::test_a_run_ending_inside_a_streak_is_judged_on_its_last_three")),
    # code that had no test before (issue 21, item 3)
    Mutation("f_keras_l2", "the Keras script's L2 is torch's weight_decay, not half of it",
             "playground/export/keras_script.py",
             '"WEIGHT_DECAY / 2"',
             '"WEIGHT_DECAY"',
             ("tests/unit/test_export.py::test_the_keras_models_are_our_networks",)),
    Mutation("g_endless_export", "an endless run's scripts train one epoch, not the epochs it ran",
             "ui/take_home.py",
             "epochs=max(snap.epoch, 1)",
             "epochs=1",
             ("tests/unit/test_take_home.py::test_an_endless_run_is_exported_as_the_epochs_it_ran",)),
    Mutation("h_constant_prior", "the constant predictor's loss ignores the class prior (always 50 %)",
             "playground/nn/train.py",
             "p = yt.double().mean().clamp(1e-6, 1 - 1e-6)",
             "p = torch.tensor(0.5, dtype=torch.float64)",
             ("tests/unit/test_constant_loss.py::test_binary_the_class_priors_cross_entropy",)),
    Mutation("i_task_error", "a queued task's exception is swallowed",
             "playground/runs/task.py",
             "            raise self._exception\n",
             "            pass\n",
             ("tests/unit/test_task.py::test_the_works_exception_reaches_the_caller",)),
    Mutation("j_node_at", "a click on the network finds the node mirrored top to bottom",
             "playground/figures/lab.py",
             "k = int(round((m - 1) / 2 - y))",
             "k = int(round(y + (m - 1) / 2))",
             ("tests/unit/test_lab_figures.py::test_a_click_on_a_node_finds_that_node",)),
    Mutation("k_discretize", "discretize draws P = 0.5 as class 0",
             "playground/figures/training.py",
             "z = (z >= 0.5).astype(float)",
             "z = (z > 0.5).astype(float)",
             ("tests/unit/test_lab_figures.py::test_discretize_a_probability_shows_the_predicted_class",)),
    Mutation("l_record_weights", "an epoch's record is published before its weights (a page can draw one epoch's "
             "curve with the previous epoch's network)",
             "playground/runs/training.py",
             "                          grad_norms=tuple(trainer.grad_norms), state=state,\n"
             "                          weights_version=rec.weights_version + 1, partial=None, epoch_fraction=0.0)\n",
             "                          grad_norms=tuple(trainer.grad_norms), partial=None, epoch_fraction=0.0)\n"
             "        time.sleep(0.002)\n        self._publish_weights(trainer)\n",
             ("tests/unit/test_run_handle.py::test_200_records_of_a_running_job_each_carry_their_own_epochs_weights",)),
    Mutation("m_pure_read", "reading a run keeps it alive (snapshot() heartbeats, as it once did)",
             "playground/runs/training.py",
             '        part, which moves without the run). Changes nothing: not the run, not its idle timeout."""\n',
             '        part, which moves without the run). Changes nothing: not the run, not its idle timeout."""\n'
             "        self.heartbeat()\n",
             ("tests/unit/test_run_handle.py::test_reading_a_run_never_keeps_it_alive",)),
    Mutation("n_no_turns", "a run keeps its slot until it pauses or ends (the old line: no turns)",
             "playground/runs/scheduler.py",
             "            if not self._waiting or not self.fair:\n",
             "            if True:\n",
             ("tests/unit/test_scheduler.py::test_runs_on_one_slot_take_turns_round_robin",
              "tests/unit/test_job_turns.py::test_two_runs_on_one_slot_take_turns_and_both_learn")),
    Mutation("o_first_points", "a run without its first point waits behind the others' turns",
             "playground/runs/scheduler.py",
             "key=lambda j: (bool(getattr(j, \"shown_point\", False)), self._waiting[j])",
             "key=lambda j: self._waiting[j]",
             ("tests/unit/test_scheduler.py::test_a_run_without_its_first_point_goes_first",)),
    Mutation("p_watch_news", "the lab's watcher never sees news: the live panels are drawn once and never again",
             "ui/live_watch.py",
             "    return st.session_state.get(Key.LIVE_DRAWN, {}).get(panel) != what\n",
             "    return False\n",
             ("tests/e2e/test_train_browser.py::test_train_live_then_stop_and_a_page_that_lost_its_poll_is_revived",)),
    Mutation("q_monitor_mode", "early stopping on val_accuracy keeps the lowest value as the best (mode min for all)",
             "playground/nn/callbacks.py",
             "return current - self.min_delta > self.best",
             "return current + self.min_delta < self.best",
             ("tests/unit/test_early_stopping.py::test_val_accuracy_stalled_stops_patience_epochs_after_its_best",)),
    Mutation("r_script_monitor", "the exported PyTorch script watches val_loss whatever the monitor",
             "playground/export/script.py",
             "if improved(logs[MONITOR], best):",
             "if improved(logs[\"val_loss\"], best):",
             ("tests/unit/test_early_stopping.py::test_the_script_stops_at_the_apps_epoch",)),
    Mutation("s_close_sessions", "a closed tab's Streamlit session is never closed (it kept its run and figures for good)",
             "ui/registry.py",
             "            if not st_.closed and now - st_.gone_since >= CLOSE_GONE_SESSION_S:\n",
             "            if False:\n",
             ("tests/app/test_closed_tabs_memory.py::test_a_closed_tabs_session_is_closed_past_the_grace_within_"
              "streamlits_keep",)),
    Mutation("t_mmap_threshold", "glibc's mmap threshold is left to rise (a class's freed blocks stay in its arenas)",
             "ui/heap.py",
             "    return bool(libc is not None and libc.mallopt(M_MMAP_THRESHOLD, MAP_FROM_BYTES))\n",
             "    return libc is not None\n",
             ("tests/app/test_closed_tabs_memory.py::test_large_blocks_are_mapped_on_their_own_so_freeing_returns_them",)),
    Mutation("u_heavy_every_poll", "the lab's heavier panels (network, boundary, log) are sent again at every poll",
             "ui/lab_panels.py",
             "    return runs.serial(), heavy_tick(s), logged(s), len(s.changes)\n",
             "    return runs.serial(), s.version, heavy_tick(s), logged(s), len(s.changes)\n",
             ("tests/e2e/test_live_charts_browser.py::test_a_poll_sends_the_curves_and_the_heavier_charts_only_with_their_news",)),
    Mutation("v_second_run", "the Train click starts its run and then reruns the whole page (the old second run)",
             "ui/widgets.py",
             "    if not ss.get(Key.RUN_START):\n",
             "    if True:\n",
             ("tests/app/test_train_page.py::test_the_train_clicks_own_run_draws_the_run_and_its_first_point",)),
    Mutation("w_stale_curves", "the lab's curves figure kept across a mid-run change and into the next run",
             "ui/lab_panels.py",
             "    sig = (task, lang(), epochs, s.stopped_epoch, log, repr(s.changes))\n",
             "    sig = (task, lang(), epochs, s.stopped_epoch, log)\n",
             ("tests/app/test_train_page.py::test_a_new_run_draws_only_its_own_curves",)),
    Mutation("x_wait_in_gate", "the Train click's wait for its first point holds the whole-page gate",
             "views/train.py",
             "        with turns_gate.stepped_aside():    # a class's other pages are drawn meanwhile\n",
             "        if True:\n",
             ("tests/app/test_turns_gate.py::test_the_train_clicks_wait_for_its_first_point_leaves_the_gate_to_the_class",)),
    Mutation("y_epoch_is_a_turn", "a turn ends at every epoch's end, however short (a hand-over every few ms)",
             "playground/runs/scheduler.py",
             "(EPOCH_TURN_S if epoch_end else self.turn_s)",
             "(0.0 if epoch_end else self.turn_s)",
             ("tests/unit/test_scheduler.py::test_a_long_turn_ends_at_the_epoch_end_when_someone_waits",)),
    Mutation("z_lab_in_whole_runs", "the lab is drawn in the whole page's run: a Train click reruns the sidebar too",
             "views/train.py",
             "    if not lab_preview.painted(cfg):\n",
             "    if False:\n",
             ("tests/e2e/test_live_charts_browser.py::test_a_poll_sends_the_curves_and_the_heavier_charts_only_with_their_news",)),
]


def repo_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                         capture_output=True, check=True).stdout.decode()
    return [f for f in out.split("\0") if f]


def copy_repo(dest: Path) -> None:
    for rel in repo_files():
        src = ROOT / rel
        if src.is_file():                      # a tracked file deleted in the working tree is skipped
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def run_tests(tests, timeout: float, file: str | None = None, old: str = "", new: str = ""):
    """Run the tests in a fresh copy (with `old` replaced by `new` in `file`): (exit code, summary
    line, the node ids that failed, the first 'E ' line)."""
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        dest = Path(tmp)
        copy_repo(dest)
        if file:
            path = dest / file
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "pytest", "-rf", "-p", "no:cacheprovider", *tests],
                              cwd=dest, capture_output=True, text=True, timeout=timeout)
    lines = proc.stdout.strip().splitlines()
    summary = lines[-1] if lines else proc.stderr.strip()[-200:]
    failed = [ln.split()[1] for ln in lines if ln.startswith("FAILED ")]
    first_error = next((ln.strip() for ln in lines if ln.startswith("E ")), "")
    return proc.returncode, summary, failed, first_error


def _failed(test: str, failed: list[str]) -> bool:
    """A named test failed (a name without [parameters] stands for all of its cases)."""
    return any(f == test or f.startswith(test + "[") for f in failed)


def check(m: Mutation, timeout: float) -> tuple[str, str]:
    """('caught' | 'NOT caught' | 'snippet not found', a line of detail). Caught: every named
    test failed (an error in a fixture or a test that was not run does not count)."""
    text = (ROOT / m.file).read_text(encoding="utf-8")
    if text.count(m.old) != 1:
        return "snippet not found", f"{m.file}: the old snippet occurs {text.count(m.old)} times (must be 1)"
    rc, summary, failed, first_error = run_tests(m.tests, timeout, m.file, m.old, m.new)
    missed = [t for t in m.tests if not _failed(t, failed)]
    if rc == 1 and not missed:
        return "caught", f"{summary} | {first_error}"
    return "NOT caught", f"{summary} | still passing or not run: {', '.join(missed)}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", metavar="NAME", help="run only this mutation (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the mutations and exit")
    ap.add_argument("--timeout", type=float, default=600, help="seconds for one mutation's tests")
    ap.add_argument("--no-control", action="store_true", help="skip the control run on an unmutated copy")
    args = ap.parse_args(argv)
    if args.list:
        for m in MUTATIONS:
            print(f"{m.name:17} {m.breaks}\n{'':17} {m.file}; caught by {', '.join(m.tests)}")
        return 0
    names = {m.name for m in MUTATIONS}
    unknown = set(args.only or ()) - names
    if unknown:
        print(f"unknown mutation(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(names))}", file=sys.stderr)
        return 2
    chosen = [m for m in MUTATIONS if not args.only or m.name in args.only]
    if not args.no_control:
        t0 = time.perf_counter()
        tests = list(dict.fromkeys(t for m in chosen for t in m.tests))
        rc, summary, _, first_error = run_tests(tests, args.timeout)
        print(f"{'control':17} {'passes' if rc == 0 else 'FAILS':18} {time.perf_counter() - t0:5.1f}s  {summary}"
              f"{' | ' + first_error if first_error else ''}", flush=True)
        if rc != 0:
            print("the named tests must pass on the unmutated code first")
            return 1
    failed = 0
    for m in chosen:
        t0 = time.perf_counter()
        verdict, detail = check(m, args.timeout)
        failed += verdict != "caught"
        print(f"{m.name:17} {verdict:18} {time.perf_counter() - t0:5.1f}s  {detail}", flush=True)
    print(f"{len(chosen) - failed} of {len(chosen)} mutations caught")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
