"""`mcgen geometry CARD -o setup.gdml`: the run's geometry as GDML for Geant4 (mcgen.io.gdml)."""

from __future__ import annotations

HELP = "write the run card's geometry as GDML (for Geant4's G4GDMLParser)"


def add_arguments(p) -> None:
    p.description = ("Write the geometry of a run card as GDML, in the frame and units (mm) of "
                     "its events: world, fiducial volume and material, a near source's volume, "
                     "a site's rock. Read it with Geant4's G4GDMLParser (docs/geant4.md).")
    p.add_argument("card", help="run card: a TOML file or the name of a packaged card, "
                   "e.g. cr51_lxe")
    p.add_argument("-o", "--output", help="output GDML file (default: CARD.gdml in the current "
                   "directory)")


def main(args) -> int:
    from pathlib import Path

    from .._version import __version__
    from ..catalog import load_card
    from ..io.gdml import check_output, write_gdml
    from ..resources import find_card

    path = find_card(args.card)
    out = check_output(args.output or f"{path.stem}.gdml")  # a bad output fails first
    card = load_card(path)
    write_gdml(out, card.detector, card.geometry, source=card.source,
               title=f"of run card {card.path}")
    print(f"mcgen {__version__}: {card.path}")
    print(f"  detector   : {card.detector}")
    print(f"  frame      : {card.detector.frame}")
    print(f"  wrote      : {Path(out)}")
    return 0
