/* audit_key.c — the audit-chain key lives in a file outside the database (mode 0600), made with
 * 32 random bytes on first use.  A key readable by group or others is refused. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_int.h"

/* Creates the key file; *raced = 1 when another process created it first. */
static int create_key(const char *path, unsigned char key[STORE_KEY_BYTES], int *raced,
                      struct kc_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) {
        *raced = 1;
        return KC_OK;
    }
    if (fd < 0)
        return kc_error_set(err, KC_EIO, "audit key '%s': cannot create: %s", path,
                            strerror(errno));
    randombytes_buf(key, STORE_KEY_BYTES);
    ssize_t w = write(fd, key, STORE_KEY_BYTES);
    int ok = w == STORE_KEY_BYTES && fsync(fd) == 0;
    int saved = errno;
    close(fd);
    if (!ok) {
        unlink(path);
        return kc_error_set(err, KC_EIO, "audit key '%s': cannot write: %s", path,
                            strerror(saved));
    }
    return KC_OK;
}

int store__key_load(const char *path, unsigned char key[STORE_KEY_BYTES], struct kc_error *err)
{
    if (sodium_init() < 0) return kc_error_set(err, KC_EIO, "libsodium failed to initialise");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        int raced = 0;
        int rc = create_key(path, key, &raced, err);
        if (rc || !raced) return rc;
        fd = open(path, O_RDONLY | O_CLOEXEC); /* another process made it first */
    }
    if (fd < 0)
        return kc_error_set(err, KC_EIO, "audit key '%s': cannot open: %s", path,
                            strerror(errno));
    struct stat sb;
    int rc = KC_OK;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        rc = kc_error_set(err, KC_EIO, "audit key '%s' is not a regular file", path);
    } else if (sb.st_mode & 077) {
        rc = kc_error_set(err, KC_EDENIED, "audit key '%s' has mode %03o; it must be readable by "
                          "its owner only (chmod 600)", path, (unsigned)(sb.st_mode & 0777));
    } else if (sb.st_size != STORE_KEY_BYTES ||
               read(fd, key, STORE_KEY_BYTES) != STORE_KEY_BYTES) {
        rc = kc_error_set(err, KC_EIO, "audit key '%s' must hold exactly %d bytes", path,
                          STORE_KEY_BYTES);
    }
    close(fd);
    return rc;
}
