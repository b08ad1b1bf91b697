"""One module per method (the contract: :mod:`optimizers.registry`).  Importing a module here
reads its spec only: its compiled helpers are bound by its ``link()``, called by the engine."""
