# Shared by the WDK package scripts (assemble-wdk.sh, assemble-echo-wdk.sh); sourced, not run. The callers set $repo.

# `--kernel DIR --out DIR` (defaults $1 and $2, relative to the repository) into absolute $kernel and $out, and the
# generated C files of $kernel into $generated (at least one: the package needs a transpile first). $3: what
# transpiles it, for the error message.
package_args() {
  kernel=$1 out=$2
  local what=$3 me
  me=$(basename "$0" .sh)
  shift 3
  while [ $# -gt 0 ]; do
    case $1 in
      --kernel) kernel=${2:?--kernel needs a folder}; shift 2 ;;
      --out) out=${2:?--out needs a folder}; shift 2 ;;
      *) echo "$me: unknown argument '$1' (--kernel DIR, --out DIR)" >&2; exit 2 ;;
    esac
  done
  case $kernel in /*) ;; *) kernel=$repo/$kernel ;; esac
  case $out in /*) ;; *) out=$repo/$out ;; esac
  shopt -s nullglob
  generated=("$kernel"/*.c)
  if [ ${#generated[@]} -eq 0 ]; then
    echo "$me: no generated C in $kernel (run ./build.sh, which transpiles $what first)" >&2
    exit 1
  fi
}

# Empties $out for a new package, which must hold $1 if it holds anything: a mistyped --out never empties some
# other folder. Then makes the package's source folders.
fresh_package_folder() {
  if [ -d "$out" ] && [ -n "$(ls -A "$out")" ] && [ ! -f "$out/$1" ]; then
    echo "$(basename "$0" .sh): $out exists and is not a package folder (no $1 in it); not replacing it" >&2
    exit 1
  fi
  rm -rf "$out"
  mkdir -p "$out/kernel" "$out/runtime-kernel/km" "$out/runtime-kernel/include"
}

# The DriverVer date (mm/dd/yyyy) into $date and its epoch into $epoch: $SOURCE_DATE_EPOCH when set, else the date of
# the commit being built (UTC), so two builds of one commit agree; never the clock.
driver_date() {
  local repo=$1
  if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
    epoch=$SOURCE_DATE_EPOCH
  elif ! epoch=$(git -C "$repo" log -1 --format=%ct HEAD 2>/dev/null) || [ -z "$epoch" ]; then
    echo "$(basename "$0"): no commit to date the driver by; set SOURCE_DATE_EPOCH" >&2
    exit 1
  fi
  date=$(date -u -d "@$epoch" +%m/%d/%Y)
}

# The INF $1 written to $2 with the build token @$3@ (the DriverVer line) replaced by $4; any @OVPN_...@ token left is
# an error (a token added to the INF that no script fills).
stamp_driver_ver() {
  sed "s|@$3@|$4|" "$1" > "$2"
  if grep -q '@OVPN_' "$2"; then
    echo "$(basename "$0" .sh): $(basename "$2") has a token this script does not fill" >&2
    exit 1
  fi
}

# Same metadata everywhere, so an archive of the folder is as reproducible as its contents; then one number for the
# package into $tree_sha: sha256 over "sha256  ./path" lines, sorted by path (as `sha256sum -c` would list them).
seal_package() {
  local out=$1
  find "$out" -type d -exec chmod 755 {} +
  find "$out" -type f -exec chmod 644 {} +
  find "$out" -exec touch -h -d "@$epoch" {} +
  tree_sha=$(cd "$out" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
