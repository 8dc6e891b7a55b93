#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to run aom-studio's tests:
# - lavapipe (software Vulkan) from bookworm-backports: bookworm's own Mesa 22.3 is refused by Dawn;
# - Debian's Chromium, for the browser tests (WebGPU on SwiftShader or lavapipe);
# - Fashion-MNIST from Debian's dataset-fashion-mnist, which the data tests read.
set -euo pipefail
need=()
[ -f /usr/share/vulkan/icd.d/lvp_icd.json ] && grep -q 'libvulkan_lvp' /usr/share/vulkan/icd.d/lvp_icd.json \
  && dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q '^2[4-9]' || need+=(mesa)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/datasets/fashion-mnist ] || need+=(fashion)
command -v vulkaninfo >/dev/null || true
if [ ${#need[@]} -eq 0 ]; then echo "system packages: all present"; exit 0; fi
echo "system packages to install: ${need[*]}"
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  cat > /etc/apt/sources.list.d/bookworm-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
pkgs=()
for n in "${need[@]}"; do
  case $n in
    chromium) pkgs+=(chromium) ;;
    fashion) pkgs+=(dataset-fashion-mnist) ;;
  esac
done
if [[ " ${need[*]} " == *" mesa "* ]]; then
  apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
fi
[ ${#pkgs[@]} -gt 0 ] && apt-get install -y -qq "${pkgs[@]}" >/dev/null
echo "system packages installed"
