# Libraries used by src/http: GNU libmicrohttpd, libsodium (tokens), jansson (JSON).
LDLIBS += -lmicrohttpd -lsodium
