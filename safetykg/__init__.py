"""safetykg: a knowledge graph of China's major production-safety accidents and who answered for them."""

__version__ = "0.1.0"
