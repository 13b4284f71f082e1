#!/usr/bin/env bash
# Packs the publishable crates named as arguments together and compiles the packed sources as a user gets them from
# the registry: each crate alone with its default features, then all of them together with `--features LIST`.
#   scripts/check-packages.sh [--features LIST] CRATE...
#
# `cargo package` packs them with `--no-verify`: its own verification builds each packed crate from scratch (a full
# build with default features, in a profile without the workspace's settings, so nothing the other steps built is
# reused: five of CI's thirty minutes). Instead the packed sources are unpacked into a workspace of their own
# (`target/package/check`), whose crates-io patch points the crates' dependencies on each other at the packed copies
# (as `cargo package` does with its temporary registry), with the workspace's lockfile and profiles, and checked
# there with `cargo check` in the workspace's target directory, reusing the dependencies the earlier steps checked.
# That catches what the verification catches for these library crates (a file the package leaves out, a manifest that
# does not resolve, code that does not compile from the packed sources, a crate that uses a feature of another it
# does not enable), short of code generation and linking.
set -euo pipefail
cd "$(dirname "$0")/.."

features=()
if [ "${1-}" = --features ]; then
  features=(--features "$2")
  shift 2
fi
[ $# -gt 0 ] || { echo "usage: $0 [--features LIST] CRATE..." >&2; exit 2; }
crates=("$@")

cargo package --no-verify "${crates[@]/#/--package=}"

target_dir=${CARGO_TARGET_DIR:-$PWD/target}
dir=$target_dir/package/check
rm -rf "$dir"
mkdir -p "$dir"
members=() patches=()
for crate in "${crates[@]}"; do
  pkgid=$(cargo pkgid -p "$crate")
  version=${pkgid##*[#@]}
  tar -xzf "$target_dir/package/$crate-$version.crate" -C "$dir"
  members+=("\"$crate-$version\"")
  patches+=("$crate = { path = \"$crate-$version\" }")
done
{
  echo '[workspace]'
  echo 'resolver = "3"'
  echo "members = [$(IFS=,; echo "${members[*]}")]"
  echo
  echo '[patch.crates-io]'
  printf '%s\n' "${patches[@]}"
  echo
  # The workspace's profiles (the packed manifests carry none), so the dependencies' build settings are the same.
  awk '/^\[/ { keep = /^\[profile/ } keep' Cargo.toml
} >"$dir/Cargo.toml"
cp Cargo.lock "$dir/Cargo.lock"

check() { CARGO_TARGET_DIR=$target_dir cargo check --manifest-path "$dir/Cargo.toml" "$@"; }
for crate in "${crates[@]}"; do
  check -p "$crate"
done
check "${crates[@]/#/--package=}" "${features[@]}"
