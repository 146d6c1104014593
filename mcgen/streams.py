"""Random streams. Events are generated in fixed blocks of BLOCK_EVENTS; block b always uses
``np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(b,)))``, so event i depends only
on the seed and the card: not on the chunk size, the number of chunks or of workers.

The detector response (resolution and efficiency draws, mcgen.detectors.response) has its own
stream per block, `response_rng`, so adding or changing a response never changes the sampled
events, and the sampler never changes the response draws of an event."""

from __future__ import annotations

import numpy as np

#: Events per random-stream block (a constant of the algorithm, not a user setting).
BLOCK_EVENTS = 1 << 15
#: Default events per chunk (whole blocks; run.chunk_events): small enough to stay in
#: cache-friendly memory (a chunk is ~170 B per event in flight), large enough that per-chunk
#: overheads vanish (benchmarks/README.md).
CHUNK_EVENTS = 2 * BLOCK_EVENTS


def block_rng(seed: int, block: int) -> np.random.Generator:
    """The generator for block `block` of a run with seed `seed`."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))


#: Second spawn-key entry of the response stream ("RESP" in ASCII): block b of the response uses
#: spawn_key (b, RESPONSE_STREAM), distinct from the sampler's (b,).
RESPONSE_STREAM = 0x52455350


def response_rng(seed: int, block: int) -> np.random.Generator:
    """The detector-response generator for block `block` of a run with seed `seed` (separate
    from the sampler's block_rng)."""
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(block, RESPONSE_STREAM)))


def blocks(n_events: int) -> list[tuple[int, int]]:
    """(block index, events in it) covering n_events."""
    full, rest = divmod(int(n_events), BLOCK_EVENTS)
    out = [(b, BLOCK_EVENTS) for b in range(full)]
    if rest:
        out.append((full, rest))
    return out
