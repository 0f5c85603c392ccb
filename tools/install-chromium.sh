#!/usr/bin/env sh
# The web console's browser tests drive the system Chromium (Debian's package), never a
# browser downloaded at test time. Installs it once; does nothing when it is there.
set -e
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || {
  $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium >/dev/null; }
command -v chromium >/dev/null 2>&1 || { echo "error: Chromium could not be installed (apt-get install chromium)" >&2; exit 1; }
