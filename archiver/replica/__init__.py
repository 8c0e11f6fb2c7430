"""An offline replica of belarusinfocus.info: a deterministic generator and a loopback HTTP server.

``ReplicaSite(n, seed, now)`` builds the site and its ground truth (``advance`` lets time pass
and returns a ``Change``); ``ReplicaServer(site)`` serves it. See docs/replica.md for what is
modelled on evidence and what is guessed.
"""

from archiver.replica.evolve import Change
from archiver.replica.generator import ReplicaSite
from archiver.replica.schedule import DEFAULT_NOW
from archiver.replica.server import ReplicaServer

__all__ = ["DEFAULT_NOW", "Change", "ReplicaServer", "ReplicaSite"]
