# The pinned engine source: QuickJS 2021-03-27 from the npm package qjsc@0.3.0 (deps/quickjs_2021_03_27).
# boot/setup.mjs fetches and integrity-checks the tarball and unpacks only the C sources into QJS_DIR.
QJS_PKG      := qjsc@0.3.0
QJS_VERSION  := 2021-03-27
QJS_DIR      ?= $(ROOT)/node_modules/.cache/unijs/quickjs-$(QJS_VERSION)
QJS_SRCS     := quickjs.c libregexp.c libunicode.c cutils.c libbf.c
QJS_DEFS     := -D_GNU_SOURCE -DCONFIG_VERSION='"$(QJS_VERSION)"' -DCONFIG_BIGNUM
