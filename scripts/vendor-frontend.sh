#!/usr/bin/env bash
# Vendor front-end assets reproducibly.
#
#   * GOV.UK Frontend: CSS compiled from the package's Sass for a NON-GOV.UK
#     service (system font stack, no GDS Transport @font-face, no crest/crown
#     image), plus the ES-module JS bundle, licence and version.
#       -> static/vendor/govuk-frontend/
#   * axe-core (browser accessibility tests only)
#       -> tests/browser/vendor/
#
# Everything is installed into a throw-away temporary directory; nothing is
# installed inside the repository. Re-running produces the same output
# (static/vendor/govuk-frontend/ is replaced wholesale).
#
# Outputs are safe for Django's ManifestStaticFilesStorage: no sourceMappingURL
# comments, and every url() in the CSS resolves to a vendored file.
#
# Set KEEP_TMP=1 to keep the temporary directory for inspection.
set -euo pipefail

GOVUK_FRONTEND_VERSION="6.6.0"
SASS_VERSION="1.108.2"
AXE_CORE_VERSION="4.14.1"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GOVUK_OUT="$REPO_ROOT/static/vendor/govuk-frontend"
AXE_OUT="$REPO_ROOT/tests/browser/vendor"

log() { printf '[vendor-frontend] %s\n' "$*" >&2; }
die() { printf '[vendor-frontend] ERROR: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is required"
command -v npm >/dev/null || die "npm is required"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vendor-frontend.XXXXXX")"
cleanup() {
  if [[ "${KEEP_TMP:-0}" == "1" ]]; then
    log "keeping temporary directory $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# --------------------------------------------------------------------------
# 1. Install pinned packages into the temp dir
# --------------------------------------------------------------------------
log "installing packages into $WORK"
cd "$WORK"
printf '{\n  "name": "vendor-frontend-build",\n  "private": true\n}\n' > package.json
npm install --no-audit --no-fund --ignore-scripts \
  "govuk-frontend@${GOVUK_FRONTEND_VERSION}" \
  "sass@${SASS_VERSION}" \
  "axe-core@${AXE_CORE_VERSION}" >&2

pkg_version() { node -p "require('./node_modules/$1/package.json').version"; }
[[ "$(pkg_version govuk-frontend)" == "$GOVUK_FRONTEND_VERSION" ]] || die "govuk-frontend version mismatch"
[[ "$(pkg_version sass)" == "$SASS_VERSION" ]] || die "sass version mismatch"
[[ "$(pkg_version axe-core)" == "$AXE_CORE_VERSION" ]] || die "axe-core version mismatch"

GF="$WORK/node_modules/govuk-frontend"
GF_DIST="$GF/dist/govuk"

# --------------------------------------------------------------------------
# 2. Compile GOV.UK Frontend Sass for a non-GOV.UK service
# --------------------------------------------------------------------------
# Setting names checked against dist/govuk/settings/_typography-font.scss and
# dist/govuk/settings/_assets.scss (govuk-frontend 6.6.0).
mkdir -p "$WORK/scss" "$WORK/build/govuk-frontend"

# URL handlers passed to govuk-frontend. Images resolve RELATIVE to the CSS
# file (assets/images/...) so ManifestStaticFilesStorage can hash them; the
# GOV.UK crest (Royal Coat of Arms, footer copyright logo) is never emitted;
# any font reference is a hard error (we ship no font files).
cat > "$WORK/scss/_url-handlers.scss" <<'SCSS'
@function image-url($filename) {
  @if $filename == "govuk-crest.svg" {
    @return none;
  }
  @return url("assets/images/#{$filename}");
}

@function font-url($filename) {
  @error "Font '#{$filename}' requested but no fonts are vendored (is $govuk-include-default-font-face on?)";
}
SCSS

cat > "$WORK/scss/govuk-frontend.scss" <<'SCSS'
@use "sass:meta";
@use "url-handlers";

@use "govuk-frontend/dist/govuk" with (
  // Not a GOV.UK service: system fonts, no GDS Transport.
  $govuk-font-family: (arial, sans-serif),
  $govuk-include-default-font-face: false,
  // Relative asset URLs / no crest / no fonts (see _url-handlers.scss).
  $govuk-image-url-function: meta.get-function("image-url", $module: "url-handlers"),
  $govuk-font-url-function: meta.get-function("font-url", $module: "url-handlers")
);

// The crest image is not shipped: drop the footer copyright logo's
// pseudo-element entirely (otherwise it would render as a solid block,
// since the mask image is `none`).
.govuk-footer__copyright-logo::before {
  content: none;
}
SCSS

log "compiling Sass"
"$WORK/node_modules/.bin/sass" \
  --no-source-map \
  --style=compressed \
  --load-path="$WORK/node_modules" \
  "$WORK/scss/govuk-frontend.scss" \
  "$WORK/build/govuk-frontend/govuk-frontend.min.css"

strip_source_maps() {
  # Removes trailing `//# sourceMappingURL=...` (JS) and
  # `/*# sourceMappingURL=... */` (CSS) comments, wherever on the line.
  sed -E -i \
    -e 's#/\*[#@] sourceMappingURL=[^*]*\*/##g' \
    -e 's#//[#@] sourceMappingURL=[^[:space:]]*[[:space:]]*$##' \
    "$1"
  if grep -q 'sourceMappingURL' "$1"; then
    die "sourceMappingURL still present in $1"
  fi
}

CSS="$WORK/build/govuk-frontend/govuk-frontend.min.css"
strip_source_maps "$CSS"

if grep -q 'GDS Transport' "$CSS"; then die "'GDS Transport' found in compiled CSS"; fi
if grep -q '@font-face' "$CSS"; then die "@font-face found in compiled CSS"; fi
if grep -q '@import' "$CSS"; then die "@import found in compiled CSS"; fi

# Copy exactly the images the CSS still references (expected: none).
while IFS= read -r ref; do
  [[ -z "$ref" ]] && continue
  path="${ref#url(}"; path="${path%)}"; path="${path//\"/}"; path="${path//\'/}"
  case "$path" in
    data:*) continue ;;
    assets/images/*) ;;
    *) die "unexpected url() in CSS: $ref" ;;
  esac
  name="${path#assets/images/}"
  case "$name" in
    *crest*|*crown*|*/*) die "refusing to vendor $name" ;;
  esac
  [[ -f "$GF_DIST/assets/images/$name" ]] || die "referenced image missing from package: $name"
  mkdir -p "$WORK/build/govuk-frontend/assets/images"
  cp "$GF_DIST/assets/images/$name" "$WORK/build/govuk-frontend/assets/images/$name"
  log "vendored referenced image assets/images/$name"
done < <(grep -o 'url([^)]*)' "$CSS" | sort -u || true)

# --------------------------------------------------------------------------
# 3. JavaScript (ES module), licence, version
# --------------------------------------------------------------------------
JS="$WORK/build/govuk-frontend/govuk-frontend.min.js"
cp "$GF_DIST/govuk-frontend.min.js" "$JS"
strip_source_maps "$JS"
grep -q 'initAll' "$JS" || die "initAll not found in govuk-frontend.min.js"

# The npm tarball for govuk-frontend ships no LICENSE file (package.json says
# "MIT"; the README's Licence section says MIT). Use the package's file if a
# future version ships one, otherwise write upstream's LICENSE.txt verbatim
# (alphagov/govuk-frontend, LICENSE.txt).
GF_LICENSE_SRC="$(find "$GF" -maxdepth 1 -type f \( -iname 'LICENSE*' -o -iname 'LICENCE*' \) | head -n1 || true)"
if [[ -n "$GF_LICENSE_SRC" ]]; then
  cp "$GF_LICENSE_SRC" "$WORK/build/govuk-frontend/LICENSE.txt"
else
  [[ "$(node -p "require('$GF/package.json').license")" == "MIT" ]] \
    || die "govuk-frontend licence is no longer MIT; review before vendoring"
  cat > "$WORK/build/govuk-frontend/LICENSE.txt" <<'LICENSE'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENSE
fi
printf '%s\n' "$GOVUK_FRONTEND_VERSION" > "$WORK/build/govuk-frontend/VERSION"

# Final guard: nothing font- or crown-like in the output tree.
if find "$WORK/build/govuk-frontend" -type f \
     \( -iname '*crest*' -o -iname '*crown*' -o -iname '*.woff' -o -iname '*.woff2' \) | grep -q .; then
  die "font or crown/crest file found in build output"
fi

# --------------------------------------------------------------------------
# 4. Install into the repository
# --------------------------------------------------------------------------
log "installing into $GOVUK_OUT"
mkdir -p "$(dirname "$GOVUK_OUT")"
rm -rf "$GOVUK_OUT"
cp -R "$WORK/build/govuk-frontend" "$GOVUK_OUT"

log "installing axe-core into $AXE_OUT"
mkdir -p "$AXE_OUT"
cp "$WORK/node_modules/axe-core/axe.min.js" "$AXE_OUT/axe.min.js"
cp "$WORK/node_modules/axe-core/LICENSE" "$AXE_OUT/axe-core-LICENSE.txt"
printf '%s\n' "$AXE_CORE_VERSION" > "$AXE_OUT/AXE_VERSION"

log "done"
