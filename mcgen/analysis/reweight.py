"""Exact per-event reweighting to other values of parameters that do not change the kinematics.

An event drawn with density p_old(x) and weight w stands, with weight w p_new(x) / p_old(x),
for a sample of p_new: the reweighted sums are unbiased for every histogram, as long as p_new
vanishes wherever p_old does (the new parameters add no phase space). Here x are the event's
recorded quantities and the ratio is built from mcgen's own physics functions:

- cross-section parameters (``mu_muB``, ``sin2_theta_w``, ``form_factor``,
  ``form_factor_radius_scale``, ``spin``, ``electrons`` free -> stepping): the ratio of the
  exact dsigma/dT(E_in, T) of the new and old interactions (``Channel.dsigma_dT``). The
  Standard-Model and magnetic terms of nu-e scattering add ([Coloma2014, Eq. 2.1]), so the
  ratio is not a constant: it is evaluated per event. When the file does not say which target
  of a kind an event hit (target_pdg = 11 for the electrons of every element of a compound),
  the ratio is that of the sums n_k dsigma_k over those targets, which reweights the
  distribution of everything recorded exactly;
- 3+1 oscillation (``sin2_2theta``, ``dm2_eV2``): P_ee(E, L) of [Coloma2014, Eq. (3.1)] with
  the event's own baseline_mm and E_in_MeV, new over old, for the oscillating components;
- flux normalisations (``flux_scale``: one factor, or {component label or index: factor});
- detector response, for runs with the E_obs_keV branch (mcgen.detectors.response): a new
  ``resolution`` ({model: "gaussian", a_sqrt_keV, b, c_keV} or a Resolution): the ratio of
  the Gaussian densities of the recorded E_obs around E_vis, N(E_obs; E_vis, sigma_new) /
  N(E_obs; E_vis, sigma_old) (importance weights: exact on average, noisy when sigma_new
  exceeds ~1.4 sigma_old); a new ``efficiency`` ({model: "table" | "constant", ...} or an
  Efficiency): eff_new(E_obs) / eff_old(E_obs), to be used with the ``accepted`` flag
  (sum(weight[accepted]) is the new expected count).

Parameters that change the kinematics (the sterile mass ``m_N_MeV``, the source particle's
``mass_MeV``, the N decay: ``nature``, ``partner_*``, or a moment that sets the N lifetime or
the energy loss in rock) cannot be reweighted: a ConfigError says so; make a new run.
What is needed is read from the file's metadata (Generator.metadata: the interactions'
describe() dicts, source components, which of them oscillate, the oscillation, the detector's
material and elements, the site).
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Mapping

import numpy as np

from ..constants import HBARC, MeV, eV, keV
from ..detectors import Detector, Material
from ..errors import ConfigError
from ..geometry import Point
from ..interactions.base import PROCESSES
from ..physics.spectra import Spectrum, pack_line
from ..sources import Component
from ..validation import non_negative_finite, positive_finite, probability

#: Parameters of the interactions that only change dsigma/dT (not the kinematics).
CROSS_SECTION = ("mu_muB", "sin2_theta_w", "form_factor", "form_factor_radius_scale", "spin",
                 "electrons")
OSCILLATION = ("sin2_2theta", "dm2_eV2")
#: Parameters that change the kinematics: never reweighted.
KINEMATIC = {"m_N_MeV": "the sterile mass sets the recoil range and the N momentum",
             "mass_MeV": "the particle's mass sets the kinematics",
             "nature": "the N decay distributions depend on it",
             "partner_mass_MeV": "the N -> N' gamma kinematics depend on it",
             "partner_moment_muB": "the N lifetime and branchings depend on it",
             "decay": "decays change the final state",
             "material_element": "it picks the photoabsorption table",
             "flavours": "it changes which neutrinos couple (use flux_scale per component)"}
RESPONSE = ("resolution", "efficiency")
ALLOWED = CROSS_SECTION + OSCILLATION + RESPONSE + ("flux_scale",)


def reweight(events: Mapping[str, np.ndarray], metadata: Mapping, **new) -> np.ndarray:
    """New per-event weights [events] of `events` (branches of one run, e.g. from
    Generator.sample or the ROOT tree) for the parameters `new` (module docstring);
    metadata: Generator.metadata(n) or the file's `metadata` JSON. With no parameters, or the
    run's own values, the weights come back unchanged."""
    unknown = sorted(set(new) - set(ALLOWED) - set(KINEMATIC))
    if unknown:
        raise ConfigError(f"reweight: {unknown[0]!r}: not a reweightable parameter; allowed "
                          f"are {list(ALLOWED)}")
    for key in new:
        if key in KINEMATIC:
            raise ConfigError(f"reweight: {key} = {new[key]!r} changes the kinematics "
                              f"({KINEMATIC[key]}); generate a new run with it")
    weight = np.asarray(events["weight"], float).copy()
    xs = {k: v for k, v in new.items() if k in CROSS_SECTION}
    if xs:
        weight *= cross_section_ratio(events, metadata, **xs)
    osc = {k: v for k, v in new.items() if k in OSCILLATION}
    if osc:
        weight *= oscillation_ratio(events, metadata, **osc)
    if "flux_scale" in new:
        weight *= flux_ratio(events, metadata, new["flux_scale"])
    resp = {k: v for k, v in new.items() if k in RESPONSE}
    if resp:
        weight *= response_ratio(events, metadata, **resp)
    return weight


# ---------------------------------------------------------------------------------------------
# cross sections
# ---------------------------------------------------------------------------------------------


def cross_section_ratio(events: Mapping, metadata: Mapping, **new) -> np.ndarray:
    """Per-event dsigma_new / dsigma_old at (E_in_MeV, T_recoil_keV), grouped by the recorded
    (process, component, target_pdg); module docstring."""
    specs = list(metadata["interactions"])
    _check_cross_section(specs, metadata, new)
    detector = _detector(metadata)
    components = _components(metadata)
    old = [_interaction(d) for d in specs]
    new_its = [_interaction(d, new) for d in specs]
    proc = np.asarray(events["process"])
    comp = np.asarray(events["component"])
    tgt = np.asarray(events["target_pdg"])
    E = np.asarray(events["E_in_MeV"], float) * MeV
    T = np.asarray(events["T_recoil_keV"], float) * keV
    ratio = np.ones(E.size)
    keys = np.unique(np.stack([proc, comp, tgt]), axis=1).T if E.size else []
    for p, c, t in keys:  # a loop over channels, not over events
        sel = (proc == p) & (comp == c) & (tgt == t)
        num = den = 0.0
        for it_old, it_new in zip(old, new_its):
            if it_old.code != p:
                continue
            scale = new.get("form_factor_radius_scale", 1.0)
            pairs = zip(_channels(it_old, components[c], detector),
                        _channels(it_new, components[c], detector, scale))
            for ch_old, ch_new in pairs:
                if ch_old.target.pdg == t:
                    n_t = ch_old.target.per_kg
                    num = num + n_t * ch_new.dsigma_dT(E[sel], T[sel])
                    den = den + n_t * ch_old.dsigma_dT(E[sel], T[sel])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio[sel] = np.where(np.asarray(den) > 0, num / np.where(den > 0, den, 1.0), 0.0)
    return ratio


def _check_cross_section(specs: list, metadata: Mapping, new: Mapping) -> None:
    for key, value in new.items():
        takers = [d for d in specs if key in d or (key == "form_factor_radius_scale"
                                                   and "form_factor" in d)]
        if not takers:
            raise ConfigError(f"reweight: {key} = {value!r}: no interaction of this run has "
                              f"it (processes: {[d['process'] for d in specs]})")
        for d in takers:
            if key == "mu_muB" and d.get("decay"):
                raise ConfigError(f"reweight: mu_muB = {value!r} changes the kinematics "
                                  f"(the lifetime of the decaying N of {d['process']}); "
                                  "generate a new run with it")
            if key == "mu_muB" and d["process"] == "dipole_nucleus_elastic" and \
                    metadata.get("site"):
                raise ConfigError(f"reweight: mu_muB = {value!r} changes the kinematics (the "
                                  "energy loss in the site's rock scales with it); generate a "
                                  "new run with it")
            if key == "electrons" and value == "free" and d.get("electrons") == "stepping":
                raise ConfigError("reweight: electrons = 'free' from a 'stepping' run: the run "
                                  "has no events where bound electrons cannot recoil; generate "
                                  "a new run with it")
    if "form_factor_radius_scale" in new:
        positive_finite("reweight: form_factor_radius_scale", new["form_factor_radius_scale"])


def _interaction(spec: Mapping, new: Mapping | None = None):
    """The Interaction of a describe() dict, with some parameters replaced."""
    cls = PROCESSES[spec["process"]]
    sig = inspect.signature(cls.__init__).parameters
    kwargs = {k: v for k, v in spec.items() if k in sig and k != "self"}
    for k, v in (new or {}).items():
        if k in spec and k in sig:
            kwargs[k] = v
    if "decay" in kwargs and not kwargs["decay"]:
        kwargs["decay"] = False
    return cls(**kwargs)


def _channels(interaction, component: Component, detector: Detector, radius_scale=1.0):
    with warnings.catch_warnings():  # closed-channel warnings concern the run, not here
        warnings.simplefilter("ignore")
        chans = interaction.component_channels(component, detector)
    if radius_scale != 1.0:
        chans = [_scaled_radius(ch, radius_scale) for ch in chans]
    return chans


def _scaled_radius(channel, scale: float):
    """The channel with its nuclear form-factor radius multiplied by `scale` (kernels of
    physics.cevns and physics.upscattering)."""
    from dataclasses import replace

    from ..physics.cevns import CEV_RADIUS
    from ..physics.dispatch import CrossSection
    from ..physics.upscattering import UPN_RADIUS

    at = {int(CrossSection.CEVNS): CEV_RADIUS,
          int(CrossSection.UPSCATTER_NUCLEUS): UPN_RADIUS}.get(int(channel.kernel))
    if at is None:
        raise ConfigError(f"reweight: form_factor_radius_scale: process "
                          f"{channel.interaction.name} has no nuclear radius to scale")
    p = channel.params.copy()
    p[at] *= scale
    return replace(channel, params=p)


def _detector(metadata: Mapping) -> Detector:
    """A stand-in detector with the run's material and elements (targets, numbers per kg);
    its window is wide open: the ratio does not depend on it."""
    det = metadata["detector"]
    material = Material(det["material"])
    with warnings.catch_warnings():  # window warnings concern the run, not this stand-in
        warnings.simplefilter("ignore")
        return Detector(det.get("name", "detector"), material, Point(), threshold_keV=1e-6,
                        window_keV=[1e-6, 1e9], exposure_kg_day=1.0,
                        elements=det.get("elements") or material.elements)


def _components(metadata: Mapping) -> list[Component]:
    """Stand-ins for the source components (particle and energy range; the spectrum does not
    enter a cross-section ratio)."""
    out = []
    for c in metadata["source"]["components"]:
        e_max = c["E_max_MeV"] * MeV
        out.append(Component(c["label"], int(c["pdg"]), c["mass_MeV"] * MeV, Spectrum.LINE,
                             pack_line(intensity=1.0, energy=e_max),
                             np.array([c["E_min_MeV"] * MeV, e_max])))
    return out


# ---------------------------------------------------------------------------------------------
# oscillation and flux
# ---------------------------------------------------------------------------------------------


def survival_3plus1(E_MeV, L_mm, sin2_2theta: float, dm2_eV2: float) -> np.ndarray:
    """P_ee = 1 - sin^2 2theta sin^2(Delta m^2 L / (4 E)), [Coloma2014, Eq. (3.1)] (as
    mcgen.physics.oscillation.p_ee_3plus1, on arrays): E [MeV], L [mm], Delta m^2 [eV^2]."""
    phase = dm2_eV2 * eV * eV * np.asarray(L_mm, float) / (4.0 * np.asarray(E_MeV, float) * HBARC)
    return 1.0 - sin2_2theta * np.sin(phase) ** 2


def oscillation_ratio(events: Mapping, metadata: Mapping, **new) -> np.ndarray:
    """Per-event P_ee(new) / P_ee(old) for the oscillating components (1 for the others)."""
    old = metadata["source"].get("oscillation") or {"sin2_2theta": 0.0, "dm2_eV2": 0.0}
    s2 = probability("reweight: sin2_2theta", new.get("sin2_2theta", old["sin2_2theta"]))
    dm2 = non_negative_finite("reweight: dm2_eV2", new.get("dm2_eV2", old["dm2_eV2"]), "eV^2")
    osc = _oscillating(metadata)[np.asarray(events["component"])]
    if not osc.any():
        raise ConfigError("reweight: sin2_2theta/dm2_eV2: no component of this source "
                          "oscillates (a source with an [oscillation], e.g. electron_capture)")
    if "baseline_mm" not in events or np.any(np.isnan(np.asarray(events["baseline_mm"])[osc])):
        raise ConfigError("reweight: sin2_2theta/dm2_eV2 need the events' baseline_mm (a near "
                          "source, or a far one with distance_m)")
    E = np.asarray(events["E_in_MeV"], float)[osc]
    L = np.asarray(events["baseline_mm"], float)[osc]
    p_old = survival_3plus1(E, L, old["sin2_2theta"], old["dm2_eV2"])
    ratio = np.ones(osc.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio[osc] = np.where(p_old > 0, survival_3plus1(E, L, s2, dm2) / p_old, 0.0)
    return ratio


def _oscillating(metadata: Mapping) -> np.ndarray:
    """Which components oscillate: those the run oscillated; in a run without oscillation,
    the electron-flavour ones (|PDG| = 12), whose disappearance Eq. (3.1) describes."""
    if metadata["source"].get("oscillation"):
        flags = metadata.get("component_oscillates")
        if flags is None:
            raise ConfigError("reweight: the metadata does not say which components "
                              "oscillate (files of older mcgen versions); regenerate the file")
        return np.asarray(flags, bool)
    return np.array([abs(c["pdg"]) == 12 for c in metadata["source"]["components"]])


def flux_ratio(events: Mapping, metadata: Mapping, flux_scale) -> np.ndarray:
    """Per-event factor of the component's flux normalisation: one number for all, or
    {component label or index: factor} (others 1)."""
    labels = list(metadata["components"])
    comp = np.asarray(events["component"])
    if not isinstance(flux_scale, Mapping):
        f = non_negative_finite("reweight: flux_scale", flux_scale)
        return np.full(comp.size, f)
    factors = np.ones(len(labels))
    for key, f in flux_scale.items():
        idx = labels.index(key) if key in labels else key
        if not isinstance(idx, (int, np.integer)) or not 0 <= idx < len(labels):
            raise ConfigError(f"reweight: flux_scale key {key!r}: must be a component label "
                              f"or index; components are {labels}")
        factors[idx] = non_negative_finite(f"reweight: flux_scale[{key!r}]", f)
    return factors[comp]


# ---------------------------------------------------------------------------------------------
# detector response
# ---------------------------------------------------------------------------------------------


def response_ratio(events: Mapping, metadata: Mapping, resolution=None, efficiency=None
                   ) -> np.ndarray:
    """Per-event weight ratio for a new resolution and/or efficiency (module docstring)."""
    from ..detectors.response import EFFICIENCIES, RESOLUTIONS, Efficiency, Resolution

    spec = (metadata.get("detector") or {}).get("response")
    if "E_obs_keV" not in events or not spec:
        raise ConfigError("reweight: resolution/efficiency need a run with a detector "
                          "[response] (branches E_obs_keV, accepted)")
    E_obs = np.asarray(events["E_obs_keV"], float)
    ratio = np.ones(E_obs.size)
    if resolution is not None:
        old = _model(spec.get("resolution"), RESOLUTIONS, Resolution, "resolution")
        if old is None:
            raise ConfigError("reweight: resolution: the run has no resolution (E_obs = E_vis);"
                              " generate a new run with one")
        new = _model(resolution, RESOLUTIONS, Resolution, "resolution", default="gaussian")
        # E_vis is written only with quenching; without it E_vis = T
        E_vis = np.asarray(events["E_vis_keVee"] if "E_vis_keVee" in events
                           else events["T_recoil_keV"], float)
        s_old, s_new = old.sigma_keV(E_vis), new.sigma_keV(E_vis)
        d2 = (E_obs - E_vis) ** 2
        with np.errstate(divide="ignore", invalid="ignore"):
            r = s_old / s_new * np.exp(-0.5 * d2 * (1.0 / s_new**2 - 1.0 / s_old**2))
        ratio *= np.where(s_old > 0, r, 1.0)
    if efficiency is not None:
        old = _model(spec.get("efficiency"), EFFICIENCIES, Efficiency, "efficiency")
        new = _model(efficiency, EFFICIENCIES, Efficiency, "efficiency", default="table")
        e_old = old(E_obs) if old is not None else np.ones(E_obs.size)
        e_new = new(E_obs)
        lo, hi = _window(spec)
        inside = (E_obs >= lo) & (E_obs <= hi)
        if np.any(inside & (e_old <= 0) & (e_new > 0)):
            raise ConfigError("reweight: efficiency: the new efficiency is > 0 where the run's "
                              "is 0 (no accepted events there); generate a new run with it")
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio *= np.where(e_old > 0, e_new / np.where(e_old > 0, e_old, 1.0), 0.0)
    return ratio


def _model(spec, registry, base, what: str, default: str | None = None):
    """A resolution or efficiency model from its describe() dict (or the object itself)."""
    if spec is None or isinstance(spec, base):
        return spec
    if not isinstance(spec, Mapping):
        raise ConfigError(f"reweight: {what} = {spec!r}: must be a table {{model = ..., ...}} "
                          f"or a {base.__name__}")
    spec = dict(spec)
    model = spec.pop("model", default)
    if model not in registry:
        raise ConfigError(f"reweight: {what}.model = {model!r}: allowed are {registry.names()}")
    cls = registry[model]
    fields = {k: v for k, v in spec.items() if k in cls.FIELDS and v is not None}
    if "E_keV" in fields and "path" in fields:
        fields.pop("path")  # the table itself is in the metadata
    return cls(**fields, where=f"reweight: {what}")


def _window(spec: Mapping) -> tuple[float, float]:
    lo, hi = -np.inf, np.inf
    if spec.get("window_obs_keV"):
        a, b = spec["window_obs_keV"]
        lo, hi = a if a is not None else -np.inf, b if b is not None else np.inf
    if spec.get("threshold_obs_keV") is not None:
        lo = max(lo, spec["threshold_obs_keV"])
    return lo, hi


__all__ = ["ALLOWED", "KINEMATIC", "cross_section_ratio", "flux_ratio", "oscillation_ratio",
           "response_ratio", "reweight", "survival_3plus1"]
