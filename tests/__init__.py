"""The test suite (a regular package: a dependency of iocsearcher, cashaddress, installs a top-level `tests`)."""
