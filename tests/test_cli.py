"""The `mcgen` command: the default card runs; each kind of bad input gives its clear error."""

from __future__ import annotations

import subprocess
import sys

import pytest
import uproot
from conftest import DEFAULT_CARD

import mcgen
from mcgen import catalog
from mcgen.cli import _left, _parser, main
from mcgen.errors import ClosedChannelWarning


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ["xenon100", "cdms_si", "cdms_ge", "cogent", "dama_libra", "dama_nai",
                 "atmospheric_dipole", "dipole_nucleus_elastic"]:
        assert name in out


def test_default_card_runs_as_a_subprocess(tmp_path):
    out = tmp_path / "d.root"
    r = subprocess.run([sys.executable, "-m", "mcgen.cli", "run", str(DEFAULT_CARD), "-n", "5000",
                        "-o", str(out), "--seed", "9", "-q"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for word in ["expected events", "generated events  : 5000", "events/s", str(out)]:
        assert word in r.stdout
    with uproot.open(out) as f:
        assert f["events"].num_entries == 5000


def test_catalogue_detectors_match_paper000_table1():
    # [Bueno2013, Table 1]: threshold (keV), exposure (kg d)
    table1 = {"dama_nai": (6.7, 109500), "dama_libra": (6.7, 317697), "cogent": (2, 18.48),
              "cdms_si": (7, 140.2), "cdms_ge": (10, 612), "xenon100": (6.6, 7636.4)}
    for name, (thr, expo) in table1.items():
        det = catalog.make_detector({"name": name})
        assert det.threshold_keV == thr and det.exposure_kg_day == expo
    assert catalog.make_detector({"name": "xenon100"}).window_keV == (6.0, 30.0)  # Fig. 4
    assert catalog.make_detector({"name": "cdms_si"}).window_keV == (7.0, 100.0)


CARD = """
[run]
events = 10
{run}
[source]
name = "atmospheric_dipole"
{source}
[detector]
name = "xenon100"
{detector}
[[interaction]]
process = "{process}"
mu_muB = {mu}
"""


@pytest.mark.parametrize("edit,message", [
    ({"detector": 'window_keV = [30, 6]'}, "window_keV = [30, 6]: need 0 <= low < high"),
    ({"mu": "-1e-5"}, "interaction.mu_muB = -1e-05: must be a moment in [1e-25, 1]"),
    ({"process": "magic"}, "interaction.process = 'magic': allowed are ['cevns', "),
    ({"source": "mass_MeV = -3"}, "source.mass_MeV = -3: must be a mass in [1e-06, 1e+06]"),
    ({"source": "colour = 1"}, "unknown field(s) ['colour']"),
    ({"run": "evnts = 5"}, "run: unknown field(s) ['evnts']"),
    ({"run": "seed = -2"}, "run.seed = -2: must be an integer >= 0"),
    ({"run": 'output = "x.csv"'}, "must end in .root"),
    ({"detector": "threshold_keV = 50"}, "threshold_keV = 50.0 is not below the window"),
    ({"detector": 'threshold_keV = 6.0\nelements = ["Na"]'},
     "elements = ['Na']: allowed are elements of 'Xe'"),
])
def test_bad_card_values(tmp_path, capsys, edit, message):
    fields = {"run": "", "source": "", "detector": "threshold_keV = 6.0",  # the Fig. 4 window
              "process": "dipole_nucleus_elastic", "mu": "1e-5"} | edit
    card = tmp_path / "card.toml"
    card.write_text(CARD.format(**fields))
    out = tmp_path / "never.root"
    assert main(["run", str(card), "-o", str(out), "-q"]) == 2 if "output" not in fields["run"] \
        else main(["run", str(card), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mcgen: error: ") and message in err and err.count("\n") == 1
    assert not out.exists() and not list(tmp_path.glob("*.root")) + list(tmp_path.glob(".*"))


@pytest.mark.parametrize("args,message", [
    (["run", "no_such_card.toml"], "run card 'no_such_card.toml': not found; packaged cards are"),
    (["run", str(DEFAULT_CARD), "-n", "-5"], "run.events = -5: must be a whole number >= 0"),
    (["run", str(DEFAULT_CARD), "--threads", "8"], "run.threads = 8: allowed are 1 and 2"),
])
def test_bad_command_line(capsys, tmp_path, args, message):
    assert main(args + ["-o", str(tmp_path / "x.root")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.root").exists()


def test_unknown_names(tmp_path, capsys):
    card = tmp_path / "c.toml"
    card.write_text(CARD.format(run="", source="", detector="", process="dipole_nucleus_elastic",
                                mu="1e-5").replace('"xenon100"', '"xenon1t"'))
    assert main(["run", str(card), "-q"]) == 2
    err = capsys.readouterr().err
    assert "detector.name = 'xenon1t': unknown; allowed are ['cdms_ge'" in err
    card.write_text("[run]\nevents = [")
    assert main(["run", str(card)]) == 2
    assert "not valid TOML" in capsys.readouterr().err


def test_closed_channel_is_an_error_not_nan(tmp_path, capsys):
    # a 10 MeV dipole below 11 MeV cannot make a 30 keV Xe recoil: warning + clear error
    card = tmp_path / "c.toml"
    card.write_text(CARD.format(run="", source="E_max_MeV = 11.0", detector="threshold_keV = 6.0",
                                process="dipole_nucleus_elastic", mu="1e-5"))
    assert main(["run", str(card), "-o", str(tmp_path / "c.root"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "no events possible" in err
    assert err.startswith("mcgen: warning: 9 of 9 channels contribute no events (-v lists")
    assert "channel dipole_nucleus_elastic:dipole:Xe124 is closed" in err
    assert err.count("\n") == 2  # the summary line and the error
    assert main(["run", str(card), "-o", str(tmp_path / "c.root"), "-q", "-v"]) == 2
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("  ")]
    assert len(notes) == 9 and all(" is closed: the largest recoil " in n for n in notes)
    assert len({n.split(" is closed")[0] for n in notes}) == 9  # each channel once
    gen = mcgen.Generator(catalog.make_source({"name": "atmospheric_dipole", "E_max_MeV": 11.0}),
                          catalog.make_detector({"name": "xenon100"}),
                          mcgen.DipoleNucleusElastic(1e-5))
    with pytest.warns(ClosedChannelWarning, match="contributes? no events"):
        assert gen.expected_events == 0.0
    assert not (tmp_path / "c.root").exists()


@pytest.mark.filterwarnings("ignore::mcgen.errors.ClosedChannelWarning")  # solar pp etc.
@pytest.mark.parametrize("card", sorted((DEFAULT_CARD.parent).glob("*.toml")),
                         ids=lambda p: p.name)
def test_every_shipped_card_runs(card, tmp_path):
    c = catalog.load_card(card)
    gen = mcgen.Generator(c.source, c.detector, c.interactions, seed=c.run["seed"],
                          site=c.site)
    summary = gen.run(2000, tmp_path / "x.root", progress=False)
    assert summary.expected_events > 0
    assert summary.expected_events_mc == pytest.approx(summary.expected_events, rel=0.05)


def _hostile_cards(tmp_path):
    garbage = tmp_path / "garbage.toml"
    garbage.write_bytes(bytes(range(256)) * 8)
    directory = tmp_path / "dir.toml"
    directory.mkdir()
    events = tmp_path / "events.toml"
    events.write_text(CARD.format(run="", source="", detector="", process="dipole_nucleus_elastic",
                                  mu="1e-5").replace("events = 10", 'events = "abc"'))
    types = tmp_path / "types.toml"
    types.write_text('detector = 0\n[run]\nevents = 10\n[source]\nname = "sun"\n'
                     '[[interaction]]\nprocess = "cevns"\n')
    name_list = tmp_path / "name_list.toml"
    name_list.write_text(CARD.format(run="", source="", detector="", process="cevns", mu="0")
                         .replace('name = "atmospheric_dipole"', "name = []"))
    return {"garbage": ([str(garbage)], "not valid TOML"),
            "directory": ([str(directory)], "not a file"),
            "events": ([str(events)], "run.events = 'abc': must be a whole number"),
            "types": ([str(types)], "detector = 0: must be a table [detector]"),
            "name list": ([str(name_list)], "source.name = []: unknown"),
            "output in a file": ([str(DEFAULT_CARD), "-o", "README.md/x.root"],
                                 "is not a directory")}


def test_hostile_inputs_give_one_line_errors(tmp_path, capsys):
    for name, (args, message) in _hostile_cards(tmp_path).items():
        assert main(["run", *args, "-q"]) == 2, name
        err = capsys.readouterr().err
        assert err.startswith("mcgen: error: ") and err.count("\n") == 1, (name, err)
        assert message in err, (name, err)


@pytest.mark.parametrize("text,n", [("2e3", 2000), ("1_500", 1500), ("3000", 3000)])
def test_event_counts_in_any_common_spelling(tmp_path, text, n):
    out = tmp_path / "n.root"
    assert main(["run", str(DEFAULT_CARD), "-n", text, "-o", str(out), "-q"]) == 0
    with uproot.open(out) as f:
        assert f["events"].num_entries == n


@pytest.mark.parametrize("text", ["2.5", "abc", "inf", "nan", "1__0", "_1000", "1000_",
                                  "\u0661\u0660\u0660\u0660", "1e400", "0x10", "", "1e4.5"])
def test_event_counts_that_are_not_whole_numbers_are_refused(text, capsys):
    with pytest.raises(SystemExit) as e:
        main(["run", str(DEFAULT_CARD), "-n", text])
    assert e.value.code == 2
    err = capsys.readouterr().err  # one line, no usage block
    assert err.startswith("mcgen: error: argument -n/--events: ") and err.count("\n") == 1


def test_argument_errors_are_one_line(capsys):
    for args in (["run", str(DEFAULT_CARD), "--seed", "2e5"], ["runn"], [], ["run"]):
        with pytest.raises(SystemExit) as e:
            main(args)
        assert e.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("mcgen: error: ") and err.count("\n") == 1, (args, err)


def test_an_output_that_is_a_directory_fails_before_any_work(tmp_path, capsys):
    (tmp_path / "x.root").mkdir()
    assert main(["run", str(DEFAULT_CARD), "-o", str(tmp_path / "x.root"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "is a directory" in err and err.count("\n") == 1
    assert not list(tmp_path.glob(".*part*"))


def test_a_failed_close_never_replaces_an_existing_file(tmp_path):
    from mcgen.io.root import RootWriter

    path = tmp_path / "good.root"
    path.write_bytes(b"the good file")

    def full_disk():
        raise OSError(28, "No space left on device", str(path))

    with pytest.raises(OSError):
        with RootWriter(path) as w:
            real_close = w._file.close
            w._file.close = lambda: (real_close(), full_disk())
    assert path.read_bytes() == b"the good file"
    assert not list(tmp_path.glob(".*part*"))


def test_sigterm_stops_like_ctrl_c_and_keeps_an_existing_file(tmp_path):
    import signal
    import time

    out = tmp_path / "big.root"
    out.write_bytes(b"an older run")
    proc = subprocess.Popen([sys.executable, "-m", "mcgen.cli", "run", str(DEFAULT_CARD), "-n",
                             "1e8", "-o", str(out), "-q"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not list(tmp_path.glob(".big.root.part*")) and time.time() < deadline:
        time.sleep(0.2)  # wait until it writes (after imports, compilation and planning)
    assert list(tmp_path.glob(".big.root.part*")), "the run never started writing"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "interrupted (SIGTERM)" in err and "Traceback" not in err
    assert out.read_bytes() == b"an older run"
    # the finished blocks stay for --resume (tests/test_resume.py), and the message says how
    assert "--resume" in err and list(tmp_path.glob(".big.root.journal"))


def test_a_card_with_a_byte_order_mark_loads(tmp_path):
    plain = catalog.load_card(DEFAULT_CARD)
    card = tmp_path / "bom.toml"
    card.write_bytes(b"\xef\xbb\xbf" + DEFAULT_CARD.read_bytes())
    loaded = catalog.load_card(card)
    assert loaded.run == plain.run and loaded.text == plain.text


def test_a_run_stopped_before_writing_says_there_is_nothing_to_resume(tmp_path):
    from mcgen.cli import _journal_of
    from mcgen.production.journal import Journal

    out = tmp_path / "x.root"
    assert _journal_of(str(out)) == Journal(out).path  # the same rule as the journal's
    args = _parser().parse_args(["run", str(DEFAULT_CARD), "-o", str(out)])
    assert "nothing to resume" in _left(args, None)
    Journal(out).path.write_text("")
    assert "--resume" in _left(args, None)
