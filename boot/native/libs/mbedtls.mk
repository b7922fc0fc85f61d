# node:crypto's primitives (libs/README.md): build/native/lib/mbedtls.a holds Mbed TLS 3.6 (configured by
# mbedtls_config.h: hashes, AES/ChaCha20 modes, RSA, ECDSA/ECDH, a CTR_DRBG; no networking, files, clock or
# platform entropy) and libsodium 1.0.18's Ed25519 (Mbed TLS has no EdDSA); mbedtls_glue.o is our glue, one
# relocatable object made of the mbedtls_*.c and sodium_*.c files beside this folder's Makefile.
# Images link it only when their bundle uses libos/crypto/ (or libos/tls/): boot/image/native_libs.ts.
MBEDTLS_DIR  ?= $(ROOT)/node_modules/.cache/unijs/mbedtls-3.6.6
SODIUM_DIR   ?= $(ROOT)/node_modules/.cache/unijs/libsodium-1.0.18
MBEDTLS_STAMP := $(MBEDTLS_DIR)/.sha256
SODIUM_STAMP  := $(SODIUM_DIR)/.sha256
MBEDTLS_DEFS := -DMBEDTLS_CONFIG_FILE='"$(CURDIR)/mbedtls_config.h"' -isystem $(MBEDTLS_DIR)/include

# Every crypto module of the library (disabled ones compile to nothing); not TLS, X.509, PSA, sockets or timing.
MBEDTLS_SRCS := aes.c aesni.c asn1parse.c asn1write.c bignum.c bignum_core.c ccm.c chacha20.c chachapoly.c \
                cipher.c cipher_wrap.c constant_time.c ctr_drbg.c ecdh.c ecdsa.c ecp.c ecp_curves.c gcm.c md.c md5.c \
                oid.c platform_util.c poly1305.c ripemd160.c rsa.c rsa_alt_helpers.c sha1.c sha256.c sha3.c sha512.c
# libsodium: Ed25519 signatures (ref10 over 51-bit limbs) and what they call (SHA-512, constant-time compare).
SODIUM_SRC   := $(SODIUM_DIR)/src/libsodium
SODIUM_SRCS  := crypto_sign/ed25519/ref10/keypair.c crypto_sign/ed25519/ref10/sign.c \
                crypto_sign/ed25519/ref10/open.c crypto_core/ed25519/ref10/ed25519_ref10.c \
                crypto_hash/sha512/cp/hash_sha512_cp.c crypto_verify/sodium/verify.c
SODIUM_DEFS  := -DSODIUM_STATIC=1 -DCONFIGURED=1 -DNATIVE_LITTLE_ENDIAN=1 -DHAVE_TI_MODE=1 -DHAVE_INLINE_ASM=0 \
                -isystem $(SODIUM_SRC)/include/sodium

MBEDTLS_OBJS := $(addprefix $(B)/lib/mbedtls/,$(MBEDTLS_SRCS:.c=.o)) \
                $(addprefix $(B)/lib/sodium/,$(subst /,_,$(SODIUM_SRCS:.c=.o)))
MBEDTLS_GLUE_SRCS := $(wildcard mbedtls_*.c sodium_*.c)
MBEDTLS_GLUE_OBJS := $(addprefix $(B)/lib/mbedtls_glue/,$(MBEDTLS_GLUE_SRCS:.c=.o))

lib-mbedtls: $(B)/lib/mbedtls.a $(B)/lib/mbedtls_glue.o
.PHONY: lib-mbedtls

$(MBEDTLS_STAMP) $(SODIUM_STAMP):
	@echo "a native library source is missing ($@): run 'npm install' (boot/setup.mjs fetches it)" >&2; exit 1

$(B)/lib/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c mbedtls_config.h $(MBEDTLS_STAMP) | $(B)/lib/mbedtls
	$(CC_MUSL) $(NATIVE_LIB) $(MBEDTLS_DEFS) -I$(MBEDTLS_DIR)/library -c $< -o $@

# libsodium's files share names across folders (keypair.c, sign.c): objects are named after the whole path.
define SODIUM_RULE
$(B)/lib/sodium/$(subst /,_,$(1:.c=.o)): $(SODIUM_SRC)/$(1) $(SODIUM_STAMP) | $(B)/lib/sodium
	$$(CC_MUSL) $$(NATIVE_LIB) $$(SODIUM_DEFS) -c $$< -o $$@
endef
$(foreach s,$(SODIUM_SRCS),$(eval $(call SODIUM_RULE,$(s))))

$(B)/lib/mbedtls.a: $(MBEDTLS_OBJS)
	rm -f $@ && ar rcsD $@ $^

$(B)/lib/mbedtls_glue/%.o: %.c mbedtls_config.h $(QJS_STAMP) $(MBEDTLS_STAMP) $(SODIUM_STAMP) | $(B)/lib/mbedtls_glue
	$(CC_MUSL) $(GLUE) $(MBEDTLS_DEFS) $(SODIUM_DEFS) -c $< -o $@
$(B)/lib/mbedtls_glue.o: $(MBEDTLS_GLUE_OBJS)
	ld -r -o $@ $^

$(B)/lib/mbedtls $(B)/lib/sodium $(B)/lib/mbedtls_glue:
	mkdir -p $@

-include $(wildcard $(B)/lib/mbedtls/*.d $(B)/lib/sodium/*.d $(B)/lib/mbedtls_glue/*.d)
