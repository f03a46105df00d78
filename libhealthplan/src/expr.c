/* Expressions: a lexer, a precedence-climbing compiler to postfix code with short-circuit jumps,
 * an allocation-free evaluator and a printer. The language is specified in docs/expressions.md.
 *
 * A compiled expression is one allocation: the header, the constants, the variable name
 * pointers, the code and the names. The code is postfix ("2 3 +"); `a and b` compiles to
 * "a AND_JUMP(L) b AND_END L:", so the evaluator skips b (and its lookups) when a is false,
 * and the printer reads AND_END as the binary operator. The compiler computes the deepest value
 * stack the code needs, so the evaluator runs on a fixed array on the C stack. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "common_internal.h"
#include "healthplan/expr.h"

#define EXPR_FILE "<expr>"
/* Relative tolerance of comparisons (the library's, see docs/expressions.md). */
#define EXPR_TOL 1e-9
/* Values pending at once during evaluation (the evaluator's stack, 4 KiB). */
#define EXPR_STACK 512

enum expr_op {
    OP_NUM, OP_VAR, OP_TRUE, OP_FALSE,
    OP_NEG, OP_NOT,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW,
    OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
    OP_AND_JUMP, OP_AND_END, OP_OR_JUMP, OP_OR_END,
    OP_CALL
};

enum expr_fn { FN_MIN, FN_MAX, FN_ABS, FN_ROUND, FN_FLOOR, FN_CEIL };

static const struct {
    const char *name;
    uint8_t fn;
    uint8_t min_args;
    uint8_t max_args; /* 0 = no limit */
} functions[] = {
    {"min", FN_MIN, 1, 0},     {"max", FN_MAX, 1, 0},      {"abs", FN_ABS, 1, 1},
    {"round", FN_ROUND, 1, 2}, {"floor", FN_FLOOR, 1, 1}, {"ceil", FN_CEIL, 1, 1},
};
#define NFUNCTIONS (sizeof functions / sizeof functions[0])

/* One instruction (16 bytes). */
typedef struct expr_ins {
    uint8_t op;
    uint8_t fn;   /* OP_CALL: the function */
    uint32_t arg; /* OP_NUM: constant; OP_VAR: variable; jumps: target; OP_CALL: argument count */
    int32_t line, col;
} expr_ins;

struct hp_expr {
    size_t ncode, nconst, nvar;
    const expr_ins *code;
    const double *consts;
    const char *const *vars;
};

/* ------------------------------------------------------------------------------------------ */
/* Lexer                                                                                       */

enum tok_kind {
    T_END, T_NUM, T_NAME, T_FUNC, T_TRUE, T_FALSE, T_LP, T_RP, T_COMMA,
    T_PLUS, T_MINUS, T_STAR, T_SLASH, T_CARET,
    T_LT, T_LE, T_GT, T_GE, T_EQ, T_NE, T_AND, T_OR, T_NOT
};

typedef struct token {
    int kind;
    size_t off, len; /* bytes of the text */
    int line, col;
    double num;
} token;

typedef struct var_span {
    size_t off;
    size_t len;
} var_span;

typedef struct parser {
    const char *s;
    size_t len, pos;
    int line, col;
    token tok, prev;
    int has_prev;
    int depth;
    expr_ins *code;
    size_t ncode, capcode;
    double *consts;
    size_t nconst, capconst;
    var_span *vars;
    size_t nvar, capvar, name_bytes;
    uint32_t *hash; /* open addressing; slot = variable index + 1, 0 = empty */
    size_t hashcap;
    size_t sp, max_sp;
} parser;

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }

/* Byte length of the whitespace character at s[i] (0 when there is none). */
static size_t space_len(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
        return 1;
    if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0)
        return 2; /* U+00A0 no-break space */
    if (c == 0xE3 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
        (unsigned char)s[i + 2] == 0x80)
        return 3; /* U+3000 ideographic space */
    return 0;
}

/* Offset of the first byte that is not valid UTF-8 (len when all is valid). Rejects overlong
 * forms, surrogates and code points above U+10FFFF. */
static size_t utf8_invalid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            return i;
        }
        if (i + n >= len)
            return i; /* truncated */
        if (s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= n; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        i += n + 1;
    }
    return len;
}

/* Decode the (valid) UTF-8 character at s[i]; returns its byte length. */
static size_t utf8_decode(const char *s, size_t i, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s + i;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (u[0] < 0xE0) {
        *cp = ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
        return 2;
    }
    if (u[0] < 0xF0) {
        *cp = ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
        return 3;
    }
    *cp = ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
          ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
    return 4;
}

static int perr_at(int line, int col, const char *fmt, ...) HP_PRINTF(3, 4);
static int perr_at(int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hp__verror(HP_EPARSE, EXPR_FILE, line, col, NULL, fmt, ap);
    va_end(ap);
    return HP_EPARSE;
}

/* `"text"` of a token for messages (long tokens shortened), or "end of expression". */
static void tok_desc(const parser *p, const token *t, char out[64])
{
    if (t->kind == T_END) {
        memcpy(out, "end of expression", sizeof "end of expression");
        return;
    }
    size_t n = t->len;
    const char *ell = "";
    if (n > 40) {
        n = 40;
        while (n > 0 && ((unsigned char)p->s[t->off + n] & 0xC0) == 0x80)
            n--;
        ell = "\xE2\x80\xA6"; /* … */
    }
    out[0] = '"';
    memcpy(out + 1, p->s + t->off, n);
    memcpy(out + 1 + n, ell, strlen(ell));
    n += 1 + strlen(ell);
    out[n++] = '"';
    out[n] = '\0';
}

/* Error for a character the language does not use, with a hint where one helps. */
static int bad_char(parser *p, size_t nbytes, uint32_t cp)
{
    const char *s = p->s + p->pos;
    int line = p->line, col = p->col;
    if (cp < 0x20 || cp == 0x7F)
        return perr_at(line, col, "unexpected control character U+%04X", (unsigned)cp);
    if (cp == '=')
        return perr_at(line, col, "unexpected \"=\" (did you mean \"==\"?)");
    if (cp == '&')
        return perr_at(line, col, "unexpected \"&\" (did you mean \"&&\" or \"and\"?)");
    if (cp == '|')
        return perr_at(line, col, "unexpected \"|\" (did you mean \"||\" or \"or\"?)");
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
        char ascii = (char)(cp - 0xFEE0);
        if (strchr("0123456789()+-*/^<>=!,.", ascii))
            return perr_at(line, col, "unexpected character \"%.*s\" (full-width; write \"%c\")",
                           (int)nbytes, s, ascii);
    }
    if (cp == 0x2212 || cp == 0x2013 || cp == 0x2014)
        return perr_at(line, col, "unexpected character \"%.*s\" (write \"-\")", (int)nbytes, s);
    if ((cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF))
        return perr_at(line, col,
                       "unexpected character \"%.*s\" (names are indicator ids: ASCII letters, "
                       "digits and \"_\")",
                       (int)nbytes, s);
    return perr_at(line, col, "unexpected character \"%.*s\"", (int)nbytes, s);
}

static void skip_space(parser *p)
{
    while (p->pos < p->len) {
        size_t n = space_len(p->s, p->len, p->pos);
        if (!n)
            return;
        if (p->s[p->pos] == '\n') {
            p->line++;
            p->col = 1;
        } else {
            p->col++;
        }
        p->pos += n;
    }
}

/* Read the next token into p->tok (the current one moves to p->prev). */
static int lex(parser *p)
{
    const char *s = p->s;
    p->prev = p->tok;
    p->has_prev = 1;
    skip_space(p);
    token t;
    memset(&t, 0, sizeof t);
    t.off = p->pos;
    t.line = p->line;
    t.col = p->col;
    if (p->pos >= p->len) {
        t.kind = T_END;
        p->tok = t;
        return HP_OK;
    }
    unsigned char c = (unsigned char)s[p->pos];
    size_t n = 1;

    if (is_digit(c) || (c == '.' && p->pos + 1 < p->len && is_digit(s[p->pos + 1]))) {
        size_t used = 0;
        if (hp__parse_double(s + p->pos, p->len - p->pos, &t.num, &used) != HP_OK || !used)
            used = 1;
        size_t end = p->pos + used;
        if (end < p->len && (is_alnum(s[end]) || s[end] == '.')) {
            while (end < p->len && (is_alnum(s[end]) || s[end] == '.'))
                end++;
            t.kind = T_NUM;
            t.len = end - p->pos;
            char d[64];
            tok_desc(p, &t, d);
            return perr_at(t.line, t.col, "malformed number %s", d);
        }
        t.kind = T_NUM;
        t.len = used;
        if (!isfinite(t.num)) {
            char d[64];
            tok_desc(p, &t, d);
            return perr_at(t.line, t.col, "number %s is too large", d);
        }
        n = used;
    } else if (is_alpha(c)) {
        while (p->pos + n < p->len && is_alnum(s[p->pos + n]))
            n++;
        t.kind = T_NAME;
        t.len = n;
        if (n > HP_EXPR_MAX_NAME) {
            char d[64];
            tok_desc(p, &t, d);
            return perr_at(t.line, t.col, "name %s is too long (at most %d bytes)", d,
                           HP_EXPR_MAX_NAME);
        }
        const char *w = s + p->pos;
        if (n == 3 && !memcmp(w, "and", 3))
            t.kind = T_AND;
        else if (n == 2 && !memcmp(w, "or", 2))
            t.kind = T_OR;
        else if (n == 3 && !memcmp(w, "not", 3))
            t.kind = T_NOT;
        else if (n == 4 && !memcmp(w, "true", 4))
            t.kind = T_TRUE;
        else if (n == 5 && !memcmp(w, "false", 5))
            t.kind = T_FALSE;
        else {
            /* a name followed by "(" is a function call */
            size_t j = p->pos + n, k;
            while (j < p->len && (k = space_len(s, p->len, j)) != 0)
                j += k;
            t.kind = (j < p->len && s[j] == '(') ? T_FUNC : T_NAME;
        }
    } else if (c >= 0x80) {
        uint32_t cp;
        n = utf8_decode(s, p->pos, &cp);
        switch (cp) {
        case 0x00D7: t.kind = T_STAR; break;  /* × */
        case 0x00F7: t.kind = T_SLASH; break; /* ÷ */
        case 0x2264: t.kind = T_LE; break;    /* ≤ */
        case 0x2265: t.kind = T_GE; break;    /* ≥ */
        case 0x2260: t.kind = T_NE; break;    /* ≠ */
        default: return bad_char(p, n, cp);
        }
        t.len = n;
        p->pos += n;
        p->col++;
        p->tok = t;
        return HP_OK;
    } else {
        unsigned char d = p->pos + 1 < p->len ? (unsigned char)s[p->pos + 1] : 0;
        switch (c) {
        case '(': t.kind = T_LP; break;
        case ')': t.kind = T_RP; break;
        case ',': t.kind = T_COMMA; break;
        case '+': t.kind = T_PLUS; break;
        case '-': t.kind = T_MINUS; break;
        case '*': t.kind = T_STAR; break;
        case '/': t.kind = T_SLASH; break;
        case '^': t.kind = T_CARET; break;
        case '<':
            t.kind = d == '=' ? T_LE : T_LT;
            n = d == '=' ? 2 : 1;
            break;
        case '>':
            t.kind = d == '=' ? T_GE : T_GT;
            n = d == '=' ? 2 : 1;
            break;
        case '=':
            if (d != '=')
                return bad_char(p, 1, c);
            t.kind = T_EQ;
            n = 2;
            break;
        case '!':
            t.kind = d == '=' ? T_NE : T_NOT;
            n = d == '=' ? 2 : 1;
            break;
        case '&':
            if (d != '&')
                return bad_char(p, 1, c);
            t.kind = T_AND;
            n = 2;
            break;
        case '|':
            if (d != '|')
                return bad_char(p, 1, c);
            t.kind = T_OR;
            n = 2;
            break;
        default:
            return bad_char(p, 1, c);
        }
    }
    t.len = n;
    p->pos += n;
    p->col += (int)n; /* ASCII only here */
    p->tok = t;
    return HP_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Compiler                                                                                    */

enum prec { P_NONE, P_OR, P_AND, P_NOT, P_CMP, P_ADD, P_MUL, P_UNARY, P_POW, P_ATOM };

static int binary_prec(int kind)
{
    switch (kind) {
    case T_OR: return P_OR;
    case T_AND: return P_AND;
    case T_LT: case T_LE: case T_GT: case T_GE: case T_EQ: case T_NE: return P_CMP;
    case T_PLUS: case T_MINUS: return P_ADD;
    case T_STAR: case T_SLASH: return P_MUL;
    case T_CARET: return P_POW;
    default: return P_NONE;
    }
}

static int binary_op(int kind)
{
    switch (kind) {
    case T_PLUS: return OP_ADD;
    case T_MINUS: return OP_SUB;
    case T_STAR: return OP_MUL;
    case T_SLASH: return OP_DIV;
    case T_CARET: return OP_POW;
    case T_LT: return OP_LT;
    case T_LE: return OP_LE;
    case T_GT: return OP_GT;
    case T_GE: return OP_GE;
    case T_EQ: return OP_EQ;
    default: return OP_NE;
    }
}

/* Append an instruction, tracking the depth of the value stack. */
static int emit(parser *p, int op, uint32_t arg, int fn, int line, int col)
{
    if (hp__grow((void **)&p->code, &p->capcode, p->ncode + 1, sizeof *p->code) != HP_OK)
        return hp__oom();
    expr_ins *in = &p->code[p->ncode++];
    in->op = (uint8_t)op;
    in->fn = (uint8_t)fn;
    in->arg = arg;
    in->line = line;
    in->col = col;
    switch (op) {
    case OP_NUM: case OP_VAR: case OP_TRUE: case OP_FALSE:
        p->sp++;
        break;
    case OP_NEG: case OP_NOT: case OP_AND_END: case OP_OR_END:
        break;
    case OP_CALL:
        p->sp = p->sp + 1 - arg;
        break;
    default: /* binary operators, and the jumps on the path that does not jump */
        p->sp--;
        break;
    }
    if (p->sp > p->max_sp) {
        p->max_sp = p->sp;
        if (p->max_sp > EXPR_STACK)
            return perr_at(line, col,
                           "expression too complex: more than %d values pending at once",
                           EXPR_STACK);
    }
    return HP_OK;
}

static int enter(parser *p, int line, int col)
{
    if (++p->depth > HP_EXPR_MAX_DEPTH)
        return perr_at(line, col,
                       "expression nested too deeply (more than %d levels of parentheses, "
                       "calls and operators)",
                       HP_EXPR_MAX_DEPTH);
    return HP_OK;
}

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Index of the variable spelled by token t, adding it on its first appearance. */
static int intern(parser *p, const token *t, uint32_t *idx)
{
    const char *name = p->s + t->off;
    if (p->nvar * 2 >= p->hashcap) {
        size_t ncap = p->hashcap ? p->hashcap * 2 : 16;
        uint32_t *nh = hp__calloc(ncap, sizeof *nh);
        if (!nh)
            return hp__oom();
        for (size_t i = 0; i < p->nvar; i++) {
            size_t h = hash_bytes(p->s + p->vars[i].off, p->vars[i].len) & (ncap - 1);
            while (nh[h])
                h = (h + 1) & (ncap - 1);
            nh[h] = (uint32_t)i + 1;
        }
        hp__free(p->hash);
        p->hash = nh;
        p->hashcap = ncap;
    }
    size_t h = hash_bytes(name, t->len) & (p->hashcap - 1);
    while (p->hash[h]) {
        const var_span *v = &p->vars[p->hash[h] - 1];
        if (v->len == t->len && !memcmp(p->s + v->off, name, t->len)) {
            *idx = p->hash[h] - 1;
            return HP_OK;
        }
        h = (h + 1) & (p->hashcap - 1);
    }
    if (hp__grow((void **)&p->vars, &p->capvar, p->nvar + 1, sizeof *p->vars) != HP_OK)
        return hp__oom();
    p->vars[p->nvar].off = t->off;
    p->vars[p->nvar].len = t->len;
    p->name_bytes += t->len + 1;
    p->hash[h] = (uint32_t)p->nvar + 1;
    *idx = (uint32_t)p->nvar++;
    return HP_OK;
}

static int expected_operand(parser *p)
{
    char found[64], after[64];
    tok_desc(p, &p->tok, found);
    const char *hint = p->tok.kind == T_NOT ? " (put \"not ...\" in parentheses)" : "";
    if (p->has_prev) {
        tok_desc(p, &p->prev, after);
        return perr_at(p->tok.line, p->tok.col,
                       "expected a number, name, function or \"(\" after %s but found %s%s",
                       after, found, hint);
    }
    return perr_at(p->tok.line, p->tok.col,
                   "expected a number, name, function or \"(\" but found %s%s", found, hint);
}

static int unknown_function(parser *p, const token *t)
{
    char lower[HP_EXPR_MAX_NAME + 1];
    for (size_t i = 0; i < t->len; i++) {
        char c = p->s[t->off + i];
        lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    lower[t->len] = '\0';
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < NFUNCTIONS; i++) {
        size_t d = hp__edit_distance(lower, functions[i].name, 2);
        if (d < best_d) {
            best_d = d;
            best = functions[i].name;
        }
    }
    if (best)
        return perr_at(t->line, t->col, "unknown function \"%.*s\" (did you mean \"%s\"?)",
                       (int)t->len, p->s + t->off, best);
    return perr_at(t->line, t->col,
                   "unknown function \"%.*s\" (the functions are min, max, abs, round, floor "
                   "and ceil)",
                   (int)t->len, p->s + t->off);
}

static int parse_expr(parser *p, int min);

static int parse_call(parser *p)
{
    token name = p->tok;
    size_t f = 0;
    while (f < NFUNCTIONS && !(strlen(functions[f].name) == name.len &&
                               !memcmp(functions[f].name, p->s + name.off, name.len)))
        f++;
    if (f == NFUNCTIONS)
        return unknown_function(p, &name);
    int rc;
    if ((rc = enter(p, name.line, name.col)) != HP_OK || (rc = lex(p)) != HP_OK) /* "(" */
        return rc;
    if ((rc = lex(p)) != HP_OK)
        return rc;
    uint32_t argc = 0;
    if (p->tok.kind != T_RP) {
        for (;;) {
            if ((rc = parse_expr(p, P_OR)) != HP_OK)
                return rc;
            argc++;
            if (p->tok.kind == T_COMMA) {
                if ((rc = lex(p)) != HP_OK)
                    return rc;
                continue;
            }
            if (p->tok.kind == T_RP)
                break;
            char found[64];
            tok_desc(p, &p->tok, found);
            return perr_at(p->tok.line, p->tok.col,
                           "expected \",\" or \")\" but found %s (in the call to \"%s\" at column "
                           "%d)",
                           found, functions[f].name, name.col);
        }
    }
    unsigned lo = functions[f].min_args, hi = functions[f].max_args;
    if (argc < lo || (hi && argc > hi)) {
        if (!hi)
            return perr_at(name.line, name.col,
                           "\"%s\" takes at least %u argument%s but was given %u",
                           functions[f].name, lo, lo == 1 ? "" : "s", (unsigned)argc);
        if (lo == hi)
            return perr_at(name.line, name.col, "\"%s\" takes %u argument%s but was given %u",
                           functions[f].name, lo, lo == 1 ? "" : "s", (unsigned)argc);
        return perr_at(name.line, name.col, "\"%s\" takes %u or %u arguments but was given %u",
                       functions[f].name, lo, hi, (unsigned)argc);
    }
    p->depth--;
    if ((rc = lex(p)) != HP_OK)
        return rc;
    return emit(p, OP_CALL, argc, functions[f].fn, name.line, name.col);
}

static int parse_atom(parser *p)
{
    token t = p->tok;
    int rc;
    switch (t.kind) {
    case T_NUM: {
        if (hp__grow((void **)&p->consts, &p->capconst, p->nconst + 1, sizeof *p->consts) !=
            HP_OK)
            return hp__oom();
        p->consts[p->nconst] = t.num;
        if ((rc = emit(p, OP_NUM, (uint32_t)p->nconst++, 0, t.line, t.col)) != HP_OK)
            return rc;
        return lex(p);
    }
    case T_TRUE:
    case T_FALSE:
        if ((rc = emit(p, t.kind == T_TRUE ? OP_TRUE : OP_FALSE, 0, 0, t.line, t.col)) != HP_OK)
            return rc;
        return lex(p);
    case T_NAME: {
        uint32_t idx = 0;
        if ((rc = intern(p, &t, &idx)) != HP_OK ||
            (rc = emit(p, OP_VAR, idx, 0, t.line, t.col)) != HP_OK)
            return rc;
        return lex(p);
    }
    case T_FUNC:
        return parse_call(p);
    case T_LP:
        if ((rc = enter(p, t.line, t.col)) != HP_OK || (rc = lex(p)) != HP_OK ||
            (rc = parse_expr(p, P_OR)) != HP_OK)
            return rc;
        if (p->tok.kind != T_RP) {
            char found[64];
            tok_desc(p, &p->tok, found);
            if (p->tok.kind == T_END)
                return perr_at(p->tok.line, p->tok.col,
                               "expected \")\" but found end of expression (the \"(\" at column "
                               "%d is not closed)",
                               t.col);
            return perr_at(p->tok.line, p->tok.col, "expected \")\" but found %s", found);
        }
        p->depth--;
        return lex(p);
    default:
        return expected_operand(p);
    }
}

/* Precedence climbing: parse an expression whose operators all bind at least as tightly as
 * `min`. Recursion is bounded: every construct that nests (parentheses, calls, prefix
 * operators, the right side of "^") counts towards HP_EXPR_MAX_DEPTH, and between two of them
 * the precedence only rises. */
static int parse_expr(parser *p, int min)
{
    int rc;
    int kind = p->tok.kind, line = p->tok.line, col = p->tok.col;
    if (kind == T_NOT && min <= P_NOT) {
        if ((rc = enter(p, line, col)) != HP_OK || (rc = lex(p)) != HP_OK ||
            (rc = parse_expr(p, P_NOT)) != HP_OK)
            return rc;
        p->depth--;
        if ((rc = emit(p, OP_NOT, 0, 0, line, col)) != HP_OK)
            return rc;
    } else if (kind == T_MINUS || kind == T_PLUS) {
        if ((rc = enter(p, line, col)) != HP_OK || (rc = lex(p)) != HP_OK ||
            (rc = parse_expr(p, P_UNARY)) != HP_OK)
            return rc;
        p->depth--;
        if (kind == T_MINUS && (rc = emit(p, OP_NEG, 0, 0, line, col)) != HP_OK)
            return rc;
    } else if ((rc = parse_atom(p)) != HP_OK) {
        return rc;
    }

    int had_cmp = 0, cmp_col = 0;
    for (;;) {
        kind = p->tok.kind;
        int prec = binary_prec(kind);
        if (prec == P_NONE || prec < min)
            return HP_OK;
        line = p->tok.line;
        col = p->tok.col;
        if (prec == P_CMP) {
            if (had_cmp) {
                char found[64];
                tok_desc(p, &p->tok, found);
                return perr_at(line, col,
                               "comparisons cannot be chained: found %s after the comparison "
                               "at column %d (write \"a < b and b < c\", or use parentheses)",
                               found, cmp_col);
            }
            had_cmp = 1;
            cmp_col = col;
        }
        if ((rc = lex(p)) != HP_OK)
            return rc;
        if (kind == T_AND || kind == T_OR) {
            size_t jump = p->ncode;
            if ((rc = emit(p, kind == T_AND ? OP_AND_JUMP : OP_OR_JUMP, 0, 0, line, col)) !=
                    HP_OK ||
                (rc = parse_expr(p, prec + 1)) != HP_OK ||
                (rc = emit(p, kind == T_AND ? OP_AND_END : OP_OR_END, 0, 0, line, col)) != HP_OK)
                return rc;
            p->code[jump].arg = (uint32_t)p->ncode;
        } else if (kind == T_CARET) {
            /* right-associative; the exponent may carry a sign: 2 ^ -1 */
            if ((rc = enter(p, line, col)) != HP_OK || (rc = parse_expr(p, P_UNARY)) != HP_OK)
                return rc;
            p->depth--;
            if ((rc = emit(p, OP_POW, 0, 0, line, col)) != HP_OK)
                return rc;
        } else {
            if ((rc = parse_expr(p, prec + 1)) != HP_OK ||
                (rc = emit(p, binary_op(kind), 0, 0, line, col)) != HP_OK)
                return rc;
        }
    }
}

static int expected_end(parser *p)
{
    char found[64];
    const token *t = &p->tok;
    tok_desc(p, t, found);
    const char *hint = "";
    if (t->kind == T_RP)
        hint = " (no \"(\" to close)";
    else if (t->kind == T_COMMA)
        hint = " (numbers take no thousands separators: write 30000, not 30,000)";
    else if (t->kind == T_NAME || t->kind == T_FUNC) {
        static const char *const kw[] = {"and", "or", "not"};
        for (size_t i = 0; i < 3; i++) {
            size_t n = strlen(kw[i]), j;
            if (t->len != n)
                continue;
            for (j = 0; j < n; j++) {
                char c = p->s[t->off + j];
                if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != kw[i][j])
                    break;
            }
            if (j == n) {
                hint = i == 0 ? " (did you mean \"and\"?)"
                              : (i == 1 ? " (did you mean \"or\"?)" : " (did you mean \"not\"?)");
                break;
            }
        }
    }
    return perr_at(t->line, t->col, "expected an operator or end of expression but found %s%s",
                   found, hint);
}

static size_t align_up(size_t n)
{
    const size_t a = _Alignof(max_align_t);
    return (n + a - 1) / a * a;
}

/* Copy the parser's arrays into one block. */
static int finish(parser *p, hp_expr **out)
{
    size_t off_consts = align_up(sizeof(hp_expr));
    size_t off_vars = align_up(off_consts + p->nconst * sizeof(double));
    size_t off_code = align_up(off_vars + p->nvar * sizeof(char *));
    size_t off_names = align_up(off_code + p->ncode * sizeof(expr_ins));
    size_t total = off_names + p->name_bytes;
    unsigned char *block = hp__malloc(total);
    if (!block)
        return hp__oom();
    hp_expr *e = (hp_expr *)(void *)block;
    double *consts = (double *)(void *)(block + off_consts);
    const char **vars = (const char **)(void *)(block + off_vars);
    expr_ins *code = (expr_ins *)(void *)(block + off_code);
    char *names = (char *)block + off_names;
    if (p->nconst)
        memcpy(consts, p->consts, p->nconst * sizeof(double));
    memcpy(code, p->code, p->ncode * sizeof(expr_ins));
    for (size_t i = 0; i < p->nvar; i++) {
        memcpy(names, p->s + p->vars[i].off, p->vars[i].len);
        names[p->vars[i].len] = '\0';
        vars[i] = names;
        names += p->vars[i].len + 1;
    }
    e->ncode = p->ncode;
    e->nconst = p->nconst;
    e->nvar = p->nvar;
    e->code = code;
    e->consts = consts;
    e->vars = vars;
    *out = e;
    return HP_OK;
}

int hp_expr_compile(const char *text, hp_expr **out)
{
    if (out)
        *out = NULL;
    if (!text || !out)
        return hp__fail(HP_EINVAL, "hp_expr_compile: text and out must not be NULL");
    size_t len = 0;
    while (len <= HP_EXPR_MAX_LENGTH && text[len])
        len++;
    if (len > HP_EXPR_MAX_LENGTH)
        return perr_at(1, 1, "expression too long (more than %d bytes)", HP_EXPR_MAX_LENGTH);
    size_t bad = utf8_invalid((const unsigned char *)text, len);
    if (bad < len) {
        int line, col;
        hp__text_position(text, len, bad, &line, &col);
        return perr_at(line, col, "invalid UTF-8 (byte 0x%02X)", (unsigned)(unsigned char)text[bad]);
    }

    parser p;
    memset(&p, 0, sizeof p);
    p.s = text;
    p.len = len;
    p.line = 1;
    p.col = 1;
    int rc = lex(&p);
    p.has_prev = 0;
    if (rc == HP_OK && p.tok.kind == T_END)
        rc = perr_at(1, 1, "empty expression: expected a number, name, function or \"(\"");
    if (rc == HP_OK)
        rc = parse_expr(&p, P_OR);
    if (rc == HP_OK && p.tok.kind != T_END)
        rc = expected_end(&p);
    if (rc == HP_OK)
        rc = finish(&p, out);
    hp__free(p.code);
    hp__free(p.consts);
    hp__free(p.vars);
    hp__free(p.hash);
    return rc;
}

void hp_expr_free(hp_expr *e) { hp__free(e); }

size_t hp_expr_variable_count(const hp_expr *e) { return e ? e->nvar : 0; }

const char *hp_expr_variable(const hp_expr *e, size_t i)
{
    return e && i < e->nvar ? e->vars[i] : NULL;
}

int hp_expr_is_boolean(const hp_expr *e)
{
    if (!e || !e->ncode)
        return 0;
    switch (e->code[e->ncode - 1].op) {
    case OP_LT: case OP_LE: case OP_GT: case OP_GE: case OP_EQ: case OP_NE:
    case OP_AND_END: case OP_OR_END: case OP_NOT: case OP_TRUE: case OP_FALSE:
        return 1;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Evaluator                                                                                   */

static int approx_eq(double a, double b)
{
    double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    if (m < 1)
        m = 1;
    return fabs(a - b) <= EXPR_TOL * m;
}

/* Nearest integer to x when x equals it within the tolerance, else x itself. */
static double snap(double x)
{
    double r = nearbyint(x);
    return approx_eq(x, r) ? r : x;
}

static const char *op_symbol(int op)
{
    switch (op) {
    case OP_ADD: return "+";
    case OP_SUB: return "-";
    case OP_MUL: return "*";
    case OP_DIV: return "/";
    case OP_POW: return "^";
    case OP_LT: return "<";
    case OP_LE: return "<=";
    case OP_GT: return ">";
    case OP_GE: return ">=";
    case OP_EQ: return "==";
    case OP_NE: return "!=";
    case OP_AND_END: return "and";
    case OP_OR_END: return "or";
    default: return "?";
    }
}

static int range_error(const expr_ins *in, const char *fmt, ...) HP_PRINTF(2, 3);
static int range_error(const expr_ins *in, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hp__verror(HP_ERANGE, EXPR_FILE, in->line, in->col, NULL, fmt, ap);
    va_end(ap);
    return HP_ERANGE;
}

static int arith_error(const hp_expr *e, size_t pc, double a, double b)
{
    const expr_ins *in = &e->code[pc];
    char sa[32], sb[32];
    hp__format_double(sa, a);
    hp__format_double(sb, b);
    const char *lp = a < 0 ? "(" : "", *rp = a < 0 ? ")" : "";
    if (in->op == OP_DIV && b == 0) {
        if (pc > 0 && e->code[pc - 1].op == OP_VAR)
            return range_error(in, "division by zero at column %d (\"%s\" is 0)", in->col,
                               e->vars[e->code[pc - 1].arg]);
        return range_error(in, "division by zero at column %d (%s / 0)", in->col, sa);
    }
    if (in->op == OP_POW && a == 0 && b < 0)
        return range_error(in, "zero to a negative power at column %d (0 ^ %s)", in->col, sb);
    if (in->op == OP_POW && a < 0 && b != floor(b))
        return range_error(in,
                           "negative number to a fractional power at column %d (%s%s%s ^ %s)",
                           in->col, lp, sa, rp, sb);
    return range_error(in, "result of \"%s\" at column %d is not a finite number (%s%s%s %s %s)",
                       op_symbol(in->op), in->col, lp, sa, rp, op_symbol(in->op), sb);
}

static int lookup_var(const hp_expr *e, const expr_ins *in, hp_expr_lookup_fn lookup, void *ctx,
                      double *v)
{
    const char *name = e->vars[in->arg];
    *v = NAN;
    int rc = lookup ? lookup(ctx, name, v) : HP_ENOTFOUND;
    if (rc == HP_OK && isnan(*v))
        rc = HP_ENOTFOUND;
    if (rc == HP_ENOTFOUND)
        return hp__error(HP_ENOTFOUND, EXPR_FILE, in->line, in->col, NULL,
                         "no value for \"%s\" (column %d)", name, in->col);
    if (rc != HP_OK) {
        if (hp_error_last()->code == rc) {
            hp__error_prefix("looking up \"%s\": ", name);
            return rc;
        }
        return hp__error(rc, EXPR_FILE, in->line, in->col, NULL,
                         "looking up \"%s\" failed (%s)", name, hp_strerror(rc));
    }
    if (!isfinite(*v))
        return range_error(in, "\"%s\" at column %d is %s, not a finite number", name, in->col,
                           *v < 0 ? "-inf" : "inf");
    return HP_OK;
}

static double round_half_away(double y)
{
    double f = floor(y);
    if (approx_eq(y, f + 0.5))
        return y >= 0 ? f + 1 : f;
    return round(y);
}

static int call(const hp_expr *e, size_t pc, double *args, double *res)
{
    const expr_ins *in = &e->code[pc];
    uint32_t n = in->arg;
    double r = args[0];
    switch (in->fn) {
    case FN_MIN:
        for (uint32_t i = 1; i < n; i++)
            if (args[i] < r)
                r = args[i];
        break;
    case FN_MAX:
        for (uint32_t i = 1; i < n; i++)
            if (args[i] > r)
                r = args[i];
        break;
    case FN_ABS:
        r = fabs(r);
        break;
    case FN_FLOOR: {
        double s = snap(r);
        r = s == nearbyint(s) ? s : floor(r);
        break;
    }
    case FN_CEIL: {
        double s = snap(r);
        r = s == nearbyint(s) ? s : ceil(r);
        break;
    }
    case FN_ROUND: {
        double d = n > 1 ? snap(args[1]) : 0;
        if (d != nearbyint(d) || d < -15 || d > 15) {
            char sd[32];
            hp__format_double(sd, args[1]);
            return range_error(in,
                               "\"round\" at column %d: digits must be a whole number from -15 "
                               "to 15, not %s",
                               in->col, sd);
        }
        int k = (int)d;
        double scale = 1;
        for (int i = 0; i < (k < 0 ? -k : k); i++)
            scale *= 10;
        double y = k >= 0 ? r * scale : r / scale;
        if (!isfinite(y) || fabs(y) >= 4503599627370496.0) /* 2^52: already whole */
            break;
        y = round_half_away(y);
        r = k >= 0 ? y / scale : y * scale;
        if (!isfinite(r)) {
            char sr[32];
            hp__format_double(sr, args[0]);
            return range_error(in, "result of \"round\" at column %d is not a finite number "
                               "(round(%s, %d))", in->col, sr, k);
        }
        break;
    }
    default:
        break;
    }
    *res = r == 0 ? 0 : r; /* no -0 */
    return HP_OK;
}

int hp_expr_eval(const hp_expr *e, hp_expr_lookup_fn lookup, void *ctx, double *out)
{
    if (!e || !out)
        return hp__fail(HP_EINVAL, "hp_expr_eval: e and out must not be NULL");
    double st[EXPR_STACK];
    size_t sp = 0, pc = 0;
    int rc;
    while (pc < e->ncode) {
        const expr_ins *in = &e->code[pc];
        double a, b, r = 0;
        switch (in->op) {
        case OP_NUM:
            st[sp++] = e->consts[in->arg];
            break;
        case OP_VAR:
            if ((rc = lookup_var(e, in, lookup, ctx, &st[sp])) != HP_OK)
                return rc;
            sp++;
            break;
        case OP_TRUE:
            st[sp++] = 1;
            break;
        case OP_FALSE:
            st[sp++] = 0;
            break;
        case OP_NEG:
            st[sp - 1] = -st[sp - 1];
            break;
        case OP_NOT:
            st[sp - 1] = st[sp - 1] == 0 ? 1 : 0;
            break;
        case OP_AND_JUMP:
            if (st[sp - 1] == 0) {
                pc = in->arg;
                continue;
            }
            sp--;
            break;
        case OP_OR_JUMP:
            if (st[sp - 1] != 0) {
                st[sp - 1] = 1;
                pc = in->arg;
                continue;
            }
            sp--;
            break;
        case OP_AND_END:
        case OP_OR_END:
            st[sp - 1] = st[sp - 1] != 0 ? 1 : 0;
            break;
        case OP_CALL:
            sp -= in->arg;
            if ((rc = call(e, pc, &st[sp], &r)) != HP_OK)
                return rc;
            st[sp++] = r;
            break;
        default:
            b = st[--sp];
            a = st[sp - 1];
            switch (in->op) {
            case OP_ADD: r = a + b; break;
            case OP_SUB: r = a - b; break;
            case OP_MUL: r = a * b; break;
            case OP_DIV: r = b == 0 ? NAN : a / b; break;
            case OP_POW: r = pow(a, b); break;
            case OP_LT: r = a < b && !approx_eq(a, b); break;
            case OP_LE: r = a < b || approx_eq(a, b); break;
            case OP_GT: r = a > b && !approx_eq(a, b); break;
            case OP_GE: r = a > b || approx_eq(a, b); break;
            case OP_EQ: r = approx_eq(a, b); break;
            default: r = !approx_eq(a, b); break;
            }
            if (!isfinite(r))
                return arith_error(e, pc, a, b);
            st[sp - 1] = r;
            break;
        }
        pc++;
    }
    *out = st[0] == 0 ? 0 : st[0];
    return HP_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Printer                                                                                     */

static int node_prec(int op)
{
    switch (op) {
    case OP_NEG: return P_UNARY;
    case OP_NOT: return P_NOT;
    case OP_ADD: case OP_SUB: return P_ADD;
    case OP_MUL: case OP_DIV: return P_MUL;
    case OP_POW: return P_POW;
    case OP_LT: case OP_LE: case OP_GT: case OP_GE: case OP_EQ: case OP_NE: return P_CMP;
    case OP_AND_END: return P_AND;
    case OP_OR_END: return P_OR;
    default: return P_ATOM;
    }
}

/* Whether child operand `side` (0 left/only, 1 right) of `parent` needs parentheses. */
static int needs_parens(int parent, int side, int child)
{
    int pp = node_prec(parent), cp = node_prec(child);
    switch (parent) {
    case OP_CALL: return 0;
    case OP_NEG: return cp < P_UNARY;
    case OP_NOT: return cp < P_NOT;
    case OP_POW: return side == 0 ? cp <= P_POW : cp < P_UNARY;
    case OP_LT: case OP_LE: case OP_GT: case OP_GE: case OP_EQ: case OP_NE: return cp <= P_CMP;
    default: return side == 0 ? cp < pp : cp <= pp;
    }
}

typedef struct print_frame {
    uint32_t node;
    uint32_t state;
    int paren;
} print_frame;

int hp_expr_to_string(const hp_expr *e, char **out)
{
    if (out)
        *out = NULL;
    if (!e || !out)
        return hp__fail(HP_EINVAL, "hp_expr_to_string: e and out must not be NULL");
    size_t n = e->ncode;
    /* Rebuild the tree: the children of node i are kids[first[i]] ... in order. */
    uint32_t *first = hp__calloc(n, sizeof *first);
    uint32_t *kids = hp__calloc(n, sizeof *kids);
    uint32_t *stack = hp__calloc(n, sizeof *stack);
    print_frame *frames = hp__calloc(n, sizeof *frames);
    hp_buf b;
    hp__buf_init(&b);
    if (!first || !kids || !stack || !frames) {
        hp__free(first);
        hp__free(kids);
        hp__free(stack);
        hp__free(frames);
        return hp__oom();
    }
    size_t sp = 0, nkids = 0;
    for (size_t i = 0; i < n; i++) {
        const expr_ins *in = &e->code[i];
        size_t k;
        switch (in->op) {
        case OP_AND_JUMP: case OP_OR_JUMP: continue;
        case OP_NUM: case OP_VAR: case OP_TRUE: case OP_FALSE: k = 0; break;
        case OP_NEG: case OP_NOT: k = 1; break;
        case OP_CALL: k = in->arg; break;
        default: k = 2; break;
        }
        sp -= k;
        first[i] = (uint32_t)nkids;
        memcpy(kids + nkids, stack + sp, k * sizeof *kids);
        nkids += k;
        stack[sp++] = (uint32_t)i;
    }

    size_t fp = 0;
    frames[fp++] = (print_frame){stack[0], 0, 0};
    while (fp > 0) {
        print_frame *f = &frames[fp - 1];
        const expr_ins *in = &e->code[f->node];
        const uint32_t *ch = kids + first[f->node];
        uint32_t nch = in->op == OP_CALL ? in->arg
                       : (in->op == OP_NEG || in->op == OP_NOT) ? 1
                       : node_prec(in->op) == P_ATOM ? 0 : 2;
        if (f->state == 0 && f->paren)
            hp__buf_puts(&b, "(");
        if (nch == 0) {
            if (in->op == OP_NUM)
                hp__buf_double(&b, e->consts[in->arg]);
            else if (in->op == OP_VAR)
                hp__buf_puts(&b, e->vars[in->arg]);
            else
                hp__buf_puts(&b, in->op == OP_TRUE ? "true" : "false");
            fp--;
            continue;
        }
        if (f->state == nch) {
            if (in->op == OP_CALL)
                hp__buf_puts(&b, ")");
            if (f->paren)
                hp__buf_puts(&b, ")");
            fp--;
            continue;
        }
        uint32_t child = ch[f->state];
        if (in->op == OP_CALL) {
            hp__buf_puts(&b, f->state == 0 ? functions[in->fn].name : ", ");
            if (f->state == 0)
                hp__buf_puts(&b, "(");
        } else if (in->op == OP_NEG) {
            hp__buf_puts(&b, e->code[child].op == OP_NEG ? "- " : "-");
        } else if (in->op == OP_NOT) {
            hp__buf_puts(&b, "not ");
        } else if (f->state == 1) {
            hp__buf_printf(&b, " %s ", op_symbol(in->op));
        }
        int paren = needs_parens(in->op, (int)f->state, e->code[child].op);
        f->state++;
        frames[fp++] = (print_frame){child, 0, paren};
    }
    hp__free(first);
    hp__free(kids);
    hp__free(stack);
    hp__free(frames);
    *out = hp__buf_take(&b);
    return *out ? HP_OK : hp__oom();
}
