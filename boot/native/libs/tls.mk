# node:tls's native side (libs/README.md): build/native/lib/tls.a is Mbed TLS 3.6 built a second time, with
# mbedtls_tls_config.h (node:crypto's configuration plus TLS 1.2/1.3, X.509, PEM and the PSA core), together with
# libsodium's Ed25519 objects; build/native/lib/tls_glue.o is node:crypto's glue compiled against that
# configuration plus tls_glue.c. An image whose bundle uses libos/tls links these instead of mbedtls.a and
# mbedtls_glue.o (boot/image/native_libs.ts: "tls" replaces "mbedtls"), so images without TLS keep the smaller build.
# Needs libs/mbedtls.mk's variables (included before this file: the makefiles are included in name order).
TLS_DEFS := -DMBEDTLS_CONFIG_FILE='"$(CURDIR)/mbedtls_tls_config.h"' -isystem $(MBEDTLS_DIR)/include

TLS_LIB_SRCS := $(sort $(MBEDTLS_SRCS) base64.c pem.c pk.c pk_ecc.c pk_wrap.c pkparse.c pkcs5.c pkcs12.c hkdf.c \
                hmac_drbg.c cipher.c cipher_wrap.c bignum_mod.c bignum_mod_raw.c ecp_curves_new.c block_cipher.c \
                x509.c x509_crt.c ssl_ciphersuites.c ssl_client.c ssl_msg.c ssl_ticket.c ssl_tls.c \
                ssl_tls12_client.c ssl_tls12_server.c ssl_tls13_client.c ssl_tls13_generic.c ssl_tls13_keys.c \
                ssl_tls13_server.c ssl_debug_helpers_generated.c psa_crypto.c psa_crypto_aead.c psa_crypto_cipher.c \
                psa_crypto_client.c psa_crypto_driver_wrappers_no_static.c psa_crypto_ecp.c psa_crypto_ffdh.c \
                psa_crypto_hash.c psa_crypto_mac.c psa_crypto_pake.c psa_crypto_random.c psa_crypto_rsa.c \
                psa_crypto_se.c psa_crypto_slot_management.c psa_crypto_storage.c psa_util.c)
TLS_LIB_OBJS  := $(addprefix $(B)/lib/tls/,$(TLS_LIB_SRCS:.c=.o)) \
                 $(addprefix $(B)/lib/sodium/,$(subst /,_,$(SODIUM_SRCS:.c=.o)))
TLS_GLUE_OBJS := $(addprefix $(B)/lib/tls_glue/,$(MBEDTLS_GLUE_SRCS:.c=.o) tls_glue.o)

lib-tls: $(B)/lib/tls.a $(B)/lib/tls_glue.o
.PHONY: lib-tls

$(B)/lib/tls/%.o: $(MBEDTLS_DIR)/library/%.c mbedtls_config.h mbedtls_tls_config.h $(MBEDTLS_STAMP) | $(B)/lib/tls
	$(CC_MUSL) $(NATIVE_LIB) $(TLS_DEFS) -I$(MBEDTLS_DIR)/library -c $< -o $@

$(B)/lib/tls.a: $(TLS_LIB_OBJS)
	rm -f $@ && ar rcsD $@ $^

$(B)/lib/tls_glue/%.o: %.c mbedtls_config.h mbedtls_tls_config.h $(QJS_STAMP) $(MBEDTLS_STAMP) $(SODIUM_STAMP) | $(B)/lib/tls_glue
	$(CC_MUSL) $(GLUE) $(TLS_DEFS) $(SODIUM_DEFS) -I$(MBEDTLS_DIR)/library -c $< -o $@
$(B)/lib/tls_glue.o: $(TLS_GLUE_OBJS)
	ld -r -o $@ $^

$(B)/lib/tls $(B)/lib/tls_glue:
	mkdir -p $@

-include $(wildcard $(B)/lib/tls/*.d $(B)/lib/tls_glue/*.d)
