"""Presets: search spaces as data, in ``search_spaces/*.toml``."""

from __future__ import annotations

import importlib.resources
import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from automl.graph import registered_blocks
from automl.hyperparameters import Hyperparameter
from automl.space._slots import SLOT_ROLES


@dataclass(frozen=True)
class PresetSlot:
    blocks: tuple[str, ...]
    max_length: int = 1


@dataclass(frozen=True)
class Preset:
    name: str
    slots: dict[str, PresetSlot]
    ranges: dict[str, dict[str, Hyperparameter]]
    description: str = ""
    #: Pipelines to try first (JSON text each, see ``automl.genome.portfolio_genomes``).
    portfolio: tuple[str, ...] = ()

    def ranges_of(self, block: str) -> dict[str, Hyperparameter]:
        """The declared hyperparameters of ``block`` narrowed by this preset."""
        return {**registered_blocks()[block].hyperparameters, **self.ranges.get(block, {})}


def presets_directory() -> Path:
    """Where presets live: inside the installed package, or at the top of a source checkout."""
    installed = Path(str(importlib.resources.files("automl"))) / "search_spaces"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "search_spaces"


def available_presets() -> list[str]:
    return sorted(path.stem for path in presets_directory().glob("*.toml"))


def load_preset(name_or_path: str | os.PathLike) -> Preset:
    """Reads and checks a preset, by name (``structured_classification``) or by file path."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = presets_directory() / f"{name_or_path}.toml"
        if not path.is_file():
            raise ValueError(f"preset {str(name_or_path)!r} does not exist; the presets are "
                             f"{available_presets()} (or pass the path of a .toml file).")
    with open(path, "rb") as file:
        document = tomllib.load(file)
    return _parse(path.stem, document, path.parent)


def _portfolio(name: str, file: str, folder: Path) -> tuple[str, ...]:
    """The pipelines of a portfolio file (relative to the preset's folder), checked."""
    path = folder / file
    try:
        pipelines = json.loads(path.read_text())["pipelines"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"preset {name!r}: portfolio {str(path)!r} cannot be read ({error}); it "
                         f"must be a JSON file with a list of pipelines under 'pipelines'.") from None
    blocks = registered_blocks()
    for pipeline in pipelines:
        if not (isinstance(pipeline, dict) and all(
                isinstance(genes, list) and all(isinstance(gene, list) and len(gene) == 2
                                                and isinstance(gene[1], dict) for gene in genes)
                for genes in pipeline.values())):
            raise ValueError(f"preset {name!r}: portfolio {str(path)!r} holds {pipeline!r}; "
                             'a pipeline is {"slot": [["Block", {"value": ...}], ...], ...}.')
        for slot, genes in pipeline.items():
            if slot not in SLOT_ROLES:
                raise ValueError(f"preset {name!r}: portfolio {str(path)!r} names slot "
                                 f"{slot!r}; the slots are {sorted(SLOT_ROLES)}.")
            for block, _ in genes:
                if block not in blocks:
                    raise ValueError(f"preset {name!r}: portfolio {str(path)!r} names block "
                                     f"{block!r}; the blocks are {sorted(blocks)}.")
    return tuple(json.dumps(pipeline, sort_keys=True) for pipeline in pipelines)


def _parse(name: str, document: dict, folder: Path) -> Preset:
    blocks = registered_blocks()
    known_keys = {*SLOT_ROLES, "ranges", "description", "portfolio"}
    unknown = sorted(set(document) - known_keys)
    if unknown:
        raise ValueError(f"preset {name!r} has unknown section {unknown[0]!r}; the sections are "
                         f"{sorted(known_keys)}.")
    slots = {}
    for slot_name, role in SLOT_ROLES.items():
        if slot_name not in document:
            continue
        entry = document[slot_name]
        names = tuple(entry.get("blocks", ()))
        for block in names:
            if block not in blocks:
                raise ValueError(f"preset {name!r}, [{slot_name}]: unknown block {block!r}; the "
                                 f"blocks are {sorted(blocks)}.")
            if blocks[block].role is not role:
                fitting = sorted(b for b, cls in blocks.items() if cls.role is role)
                raise ValueError(f"preset {name!r}, [{slot_name}]: {block!r} is a "
                                 f"{blocks[block].role.value}, not a {role.value}; blocks that "
                                 f"fit here: {fitting}.")
        slots[slot_name] = PresetSlot(names, int(entry.get("max_length", 1)))
    ranges = {}
    for block, entries in document.get("ranges", {}).items():
        if block not in blocks:
            raise ValueError(f"preset {name!r}, [ranges.{block}]: unknown block {block!r}; the "
                             f"blocks are {sorted(blocks)}.")
        declared = blocks[block].hyperparameters
        ranges[block] = {}
        for key, value in entries.items():
            if key not in declared:
                raise ValueError(f"preset {name!r}, [ranges.{block}]: {block} has no "
                                 f"hyperparameter {key!r}; it has {sorted(declared)}.")
            try:
                ranges[block][key] = declared[key].narrow(value)
            except ValueError as error:
                raise ValueError(f"preset {name!r}, [ranges.{block}] {key}: {error}") from None
    portfolio = _portfolio(name, document["portfolio"], folder) if "portfolio" in document else ()
    return Preset(name, slots, ranges, document.get("description", ""), portfolio)
