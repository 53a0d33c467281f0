# Shared by the WDK package scripts (assemble-wdk.sh, assemble-echo-wdk.sh); sourced, not run.

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

# Same metadata everywhere, so an archive of the folder is as reproducible as its contents; then one number for the
# package into $tree_sha: sha256 over "sha256  ./path" lines, sorted by path (as `sha256sum -c` would list them).
seal_package() {
  local out=$1
  find "$out" -type d -exec chmod 755 {} +
  find "$out" -type f -exec chmod 644 {} +
  find "$out" -exec touch -h -d "@$epoch" {} +
  tree_sha=$(cd "$out" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
