"""同步: packages to the upper unit, packages from lower units, acknowledgements, keys."""
