/* The thread-local error record. */
#include <stdio.h>
#include <string.h>

#include "common_internal.h"

typedef struct hp_error_state {
    hp_error pub;
    char message[1024];
    char file[512];
    char field[256];
} hp_error_state;

static _Thread_local hp_error_state tls_error = {
    {HP_OK, "", "", 0, 0, ""}, "", "", ""};

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap) {
        n = cap - 1;
        /* do not cut a UTF-8 sequence in half */
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memmove(dst, src, n);
    dst[n] = '\0';
}

int hp__verror(int code, const char *file, int line, int column, const char *field,
               const char *fmt, va_list ap)
{
    hp_error_state *st = &tls_error;
    char tmp[sizeof st->message];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    copy_str(st->message, sizeof st->message, tmp);
    copy_str(st->file, sizeof st->file, file);
    copy_str(st->field, sizeof st->field, field);
    st->pub.code = code;
    st->pub.line = line;
    st->pub.column = column;
    st->pub.message = st->message;
    st->pub.file = st->file;
    st->pub.field = st->field;
    return code;
}

int hp__error(int code, const char *file, int line, int column, const char *field,
              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hp__verror(code, file, line, column, field, fmt, ap);
    va_end(ap);
    return code;
}

void hp__error_prefix(const char *fmt, ...)
{
    hp_error_state *st = &tls_error;
    char tmp[sizeof st->message];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t used = (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1;
    size_t rest = strlen(st->message);
    if (rest > sizeof tmp - 1 - used)
        rest = sizeof tmp - 1 - used;
    memcpy(tmp + used, st->message, rest);
    tmp[used + rest] = '\0';
    copy_str(st->message, sizeof st->message, tmp);
}

const hp_error *hp_error_last(void)
{
    hp_error_state *st = &tls_error;
    st->pub.message = st->message;
    st->pub.file = st->file;
    st->pub.field = st->field;
    return &st->pub;
}

void hp_error_clear(void)
{
    hp__error(HP_OK, NULL, 0, 0, NULL, "%s", "");
}

const char *hp_strerror(int code)
{
    switch (code) {
    case HP_OK: return "HP_OK";
    case HP_ERROR: return "HP_ERROR";
    case HP_EINVAL: return "HP_EINVAL";
    case HP_ENOMEM: return "HP_ENOMEM";
    case HP_ENOTFOUND: return "HP_ENOTFOUND";
    case HP_EPARSE: return "HP_EPARSE";
    case HP_EIO: return "HP_EIO";
    case HP_EEXISTS: return "HP_EEXISTS";
    case HP_EVALIDATE: return "HP_EVALIDATE";
    case HP_EUNIT: return "HP_EUNIT";
    case HP_ERANGE: return "HP_ERANGE";
    default: return "HP_UNKNOWN";
    }
}

const char *hp_version(void) { return HP_VERSION_STRING; }
int hp_version_number(void) { return HP_VERSION_NUMBER; }
