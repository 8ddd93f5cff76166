#!/usr/bin/env bash
# Installs what the minidock workshop needs on Debian 12 or Ubuntu 24.04, and skips what is
# already there, so it is quick to run again. The Vagrant VM runs it when it is created; on your own
# Linux machine, run it yourself:
#
#   ./setup.sh                 what a learner needs: build tools, busybox-static, Rust, mdBook
#   ./setup.sh --maintainer    also what `cargo xtask verify` needs: vagrant (to check the
#                              Vagrantfile), Chromium and Node.js (to check the book in a browser),
#                              QEMU (to run the tests in a pure cgroup v2 kernel), crun, runc and
#                              podman (to compare start times with `cargo xtask bench`)
#   ./setup.sh --user NAME     install Rust for NAME instead of the caller (used by the Vagrantfile)
#
# System packages are installed as root (through sudo when run as a normal user); Rust and mdBook
# are installed for the user, under ~/.cargo.
set -euo pipefail

MDBOOK_VERSION=0.5.4
MDBOOK_MERMAID_VERSION=0.17.1

maintainer=false
user=${SUDO_USER:-$(id -un)}
while [ $# -gt 0 ]; do
  case "$1" in
    --maintainer) maintainer=true ;;
    --user) user=$2; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ -t 1 ]; then
  say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
else
  say() { printf 'setup: %s\n' "$*"; }
fi

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

as_user() {
  if [ "$(id -un)" = "$user" ]; then bash -c "$1"; else as_root su - "$user" -c "$1"; fi
}

# --- system packages -------------------------------------------------------------------------------
packages=(
  busybox-static    # the fixture images are built from the host's static busybox
  build-essential   # the linker rustc needs
  ca-certificates curl   # to install Rust when it is missing
  iproute2 util-linux    # ip, unshare, nsenter, lsns: the book's experiments, and the tests
                         # of the networking chapters
  nftables iptables      # the firewall's rules of NAT and published ports (chapter 9)
  umoci             # the image tests build OCI image layouts with it
  skopeo            # ... and docker save archives, OCI archives, zstd layers
  zstd              # ... and zstd-compressed root filesystem tarballs
)
if $maintainer; then
  packages+=(vagrant)    # `vagrant validate` checks the Vagrantfile offline
  packages+=(chromium)   # the book's browser check drives it headless
  packages+=(qemu-system-x86)  # the tests also run in a pure cgroup v2 kernel, emulated
  packages+=(crun runc podman) # `cargo xtask bench` compares minidock with them
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_opts=(-o DPkg::Lock::Timeout=120 -q)
  as_root apt-get "${apt_opts[@]}" update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"
else
  say "system packages: all present"
fi

# --- Rust ------------------------------------------------------------------------------------------
cargo_path='export PATH="$HOME/.cargo/bin:$PATH"'
if as_user "$cargo_path; command -v cargo" >/dev/null 2>&1; then
  say "rust: $(as_user "$cargo_path; cargo --version")"
else
  say "installing Rust (stable) for $user with rustup"
  as_user "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component rustfmt,clippy"
fi

# --- mdBook and its diagram preprocessor, to read the book offline -------------------------------
cargo_tool() { # NAME VERSION: installs the crate NAME at VERSION unless that version is there
  if as_user "$cargo_path; $1 --version" 2>/dev/null | grep -q "$2"; then
    say "$1: $2"
  else
    say "installing $1 $2 (a few minutes, once)"
    as_user "$cargo_path; cargo install --quiet --locked $1 --version $2"
  fi
}
cargo_tool mdbook "$MDBOOK_VERSION"
cargo_tool mdbook-mermaid "$MDBOOK_MERMAID_VERSION"

say "done"
if ! command -v cargo >/dev/null 2>&1; then
  say "open a new shell (or run: source \$HOME/.cargo/env) so that cargo is on your PATH"
fi
