# The front door. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

HOST_LISTEN ?= 127.0.0.1:8443
HOST_DATA ?= ./data/host
HUB_LISTEN ?= 127.0.0.1:9443
HUB_DATA ?= ./data/hub

# Debian packages: what running needs, and what the tests need on top (a real browser).
RUN_PACKAGES := ca-certificates dbus libvirt-clients libvirt-dbus libvirt-daemon libvirt-daemon-driver-qemu libvirt-daemon-system qemu-system-x86 qemu-utils dnsmasq-base xorriso openssl ovmf swtpm swtpm-tools
TEST_PACKAGES := $(RUN_PACKAGES) chromium fonts-dejavu-core libxml2-utils
# What `make iso` builds the image with, and what its boot tests start it in (ovmf: UEFI).
ISO_PACKAGES := debootstrap squashfs-tools xorriso grub-pc-bin grub-efi-amd64-bin grub-common mtools dosfstools ovmf qemu-system-x86 qemu-utils

.PHONY: help run run-host run-hub test check build bench clean system-run system-test system-iso iso iso-test

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

node_modules/.installed: package.json package-lock.json host/package.json hub/package.json shared/package.json
	npm ci --no-audit --no-fund
	@touch $@

system-run:
	@scripts/ensure-packages.sh $(RUN_PACKAGES)

system-test:
	@scripts/ensure-packages.sh $(TEST_PACKAGES)

system-iso:
	@scripts/ensure-packages.sh $(ISO_PACKAGES)

build: node_modules/.installed ## build the host (server bundle and web UI) into host/dist and the hub into hub/dist
	npm run build

run: system-run build ## install what is needed, build, and run a host (https://127.0.0.1:8443) and a hub (https://127.0.0.1:9443) that may adopt it
	@mkdir -p $(HOST_DATA) $(HUB_DATA)
	@uri=$$(scripts/ensure-libvirtd.sh) && echo "libvirt: $$uri" && \
	  exec scripts/run-both.sh \
	    "node host/dist/cli.js serve --listen $(HOST_LISTEN) --data $(HOST_DATA) --libvirt $$uri" \
	    "node hub/dist/cli.js serve --listen $(HUB_LISTEN) --data $(HUB_DATA) --allow-loopback-hosts" \
	    "node host/dist/cli.js token --data $(HOST_DATA)"

run-host: system-run build ## run the host appliance alone on https://127.0.0.1:8443
	@mkdir -p $(HOST_DATA)
	@uri=$$(scripts/ensure-libvirtd.sh) && echo "libvirt: $$uri" && \
	  exec node host/dist/cli.js serve --listen $(HOST_LISTEN) --data $(HOST_DATA) --libvirt "$$uri"

run-hub: build ## run the hub alone on https://127.0.0.1:9443 (state in ./data/hub)
	@mkdir -p $(HUB_DATA)
	exec node hub/dist/cli.js serve --listen $(HUB_LISTEN) --data $(HUB_DATA)

check: node_modules/.installed ## type-check and lint everything, tests included
	npx tsc -p tsconfig.json --noEmit
	npx biome check .

test: system-test build check ## install what is needed and run every test, the ISO's boot tests last
	@# the end-to-end and browser suites need a real libvirt daemon: start one if none runs
	@scripts/ensure-libvirtd.sh >/dev/null
	npm test
	$(MAKE) --no-print-directory iso-test

iso: system-iso build ## build the bootable host installer: iso/out/quantix-host-<version>.iso (as root)
	iso/build.sh

iso-test: system-iso system-test build ## boot the ISO in QEMU (BIOS and UEFI, live and installed); built or taken from its cache
	@iso=$$(iso/cached-build.sh) && \
	  QUANTIX_TEST_ISO="$$iso" npm run test:iso

bench: system-test build ## run the benchmarks in test/bench (ratios against a baseline measured in the same run)
	npm run bench

clean: ## remove build output (not ./data)
	rm -rf host/dist hub/dist test-output iso/out
