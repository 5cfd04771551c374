#!/bin/sh
# Prints the Debian packages that hold the shared libraries BINARY links to (one a line), so
# the container's runtime stage installs exactly those. Used by deploy/Containerfile.
set -eu
ldd "$1" | awk '/=> \// { print $3 }' | while read -r lib; do
  real="$(readlink -f "$lib")"
  for path in "$lib" "$real" "${lib#/usr}" "${real#/usr}" "/usr$lib"; do
    if pkg="$(dpkg -S "$path" 2>/dev/null)"; then
      echo "${pkg%%:*}"
      break
    fi
  done
done | sort -u
