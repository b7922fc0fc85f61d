# The pinned engine source: QuickJS 2025-04-26, the upstream tarball of Debian 13's source package quickjs
# 2025.04.26-1 (boot/native/sources.mjs pins it by SHA-256; boot/setup.mjs fetches it with apt into QJS_DIR).
QJS_PKG      := quickjs=2025.04.26-1 (Debian source package)
QJS_VERSION  := 2025-04-26
QJS_DIR      ?= $(ROOT)/node_modules/.cache/unijs/quickjs-2025.04.26
QJS_SRCS     := quickjs.c libregexp.c libunicode.c cutils.c dtoa.c
QJS_DEFS     := -D_GNU_SOURCE -DCONFIG_VERSION='"$(QJS_VERSION)"'
